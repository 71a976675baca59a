"""Every package the code imports is declared in pyproject.toml (issue [13])."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_dependencies.py"


def test_every_imported_package_is_declared():
    spec = importlib.util.spec_from_file_location("check_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.undeclared() == []
