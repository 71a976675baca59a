"""app/domain is pure (STYLE.md): no module imports Flask, a Flask extension or SQLAlchemy,
neither directly in its source nor indirectly once imported."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "app" / "domain"
MODULES = sorted(DOMAIN.glob("*.py"))
MODULE_NAMES = [
    "app.domain" if path.stem == "__init__" else f"app.domain.{path.stem}" for path in MODULES
]


def is_forbidden(name: str) -> bool:
    top = name.split(".")[0]
    return top in {"flask", "sqlalchemy"} or top.startswith("flask_")


def imported_names(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize(("name", "forbidden"), [
    ("flask", True), ("flask.globals", True), ("flask_babel", True),
    ("flask_appbuilder.security", True), ("sqlalchemy", True), ("sqlalchemy.orm", True),
    ("flaskish", False), ("datetime", False), ("app.domain.tracking", False),
])
def test_is_forbidden(name, forbidden):
    assert is_forbidden(name) is forbidden


def test_domain_has_modules():
    assert len(MODULES) >= 8, "the purity checks below would prove nothing"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_source_imports_no_framework(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert [name for name in imported_names(tree) if is_forbidden(name)] == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_relative_imports_stay_in_domain(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    # ``from .. import x`` would leave the package; ``from . import x`` is fine.
    assert [n.level for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 1] == []


def modules_loaded_by(module: str) -> list[str]:
    """``sys.modules`` of a fresh interpreter after importing ``module``.

    ``app/__init__.py`` (the application factory) imports Flask, so the ``app`` package is
    replaced by a bare namespace: what is measured is the module and what it imports.
    """
    code = (
        "import importlib, json, sys, types\n"
        "package = types.ModuleType('app')\n"
        f"package.__path__ = [{str(ROOT / 'app')!r}]\n"
        "sys.modules['app'] = package\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_import_loads_no_framework(module):
    loaded = modules_loaded_by(module)
    assert module in loaded
    assert [name for name in loaded if is_forbidden(name)] == []


def test_import_check_detects_a_framework():
    # A control: the same probe on a service module does see SQLAlchemy.
    assert "sqlalchemy" in modules_loaded_by("app.services.tracking")
