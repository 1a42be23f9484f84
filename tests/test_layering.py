"""The engines stay free of Django, so they run from a notebook or a script on plain files."""

import ast
from pathlib import Path

ANALYSIS = Path(__file__).resolve().parents[1] / "src" / "detente" / "analysis"


def test_no_engine_module_imports_django() -> None:
    offenders = []
    for path in ANALYSIS.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name == "django" or name.startswith("django."):
                    offenders.append(f"{path.relative_to(ANALYSIS)} imports {name}")
                if name.startswith("detente.") and not name.startswith("detente.analysis"):
                    offenders.append(f"{path.relative_to(ANALYSIS)} imports {name}")
    assert offenders == []
