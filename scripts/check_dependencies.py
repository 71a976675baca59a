"""Every third-party package the code imports is declared in pyproject.toml: the
application's in ``dependencies``, the tests' and tools' in the ``test`` extra too.

    .venv/bin/python scripts/check_dependencies.py     # exit 1 and list what is missing
"""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPLICATION = ["app", "config.py", "run.py", "gunicorn.conf.py", "migrations"]
TOOLS = ["tests", "bench", "scripts"]
LOCAL = {"app", "config", "run", "tests", "bench", "scripts", "conftest", "factories",
         "support"}


def imported(paths) -> dict[str, str]:
    """Top-level module -> a file importing it, over the .py files under ``paths``."""
    found = {}
    for name in paths:
        path = ROOT / name
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    found.setdefault(module.split(".")[0], str(file.relative_to(ROOT)))
    return found


def _names(requirements) -> set[str]:
    return {re.split(r"[=<>~!\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-")
            for r in requirements}


def undeclared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    main = _names(project["dependencies"])
    extra = main | _names(project["optional-dependencies"]["test"])
    distributions = importlib.metadata.packages_distributions()
    problems = []
    for paths, declared in ((APPLICATION, main), (TOOLS, extra)):
        for module, where in sorted(imported(paths).items()):
            if module in sys.stdlib_module_names or module in LOCAL:
                continue
            dists = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
            if not dists & declared:
                problems.append(f"{module} (imported by {where}; distribution "
                                f"{', '.join(sorted(dists)) or 'not installed'})")
    return problems


if __name__ == "__main__":
    missing = undeclared()
    for line in missing:
        print("undeclared:", line)
    sys.exit(1 if missing else 0)
