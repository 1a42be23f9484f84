"""Imports run one way: engines and settings, then the record core, then the capabilities,
then the pages that gather them, then the entry points. The engines stay free of Django, so
they run from a notebook or a script on plain files."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "detente"
ANALYSIS = PACKAGE / "analysis"

# Bottom first. A part may import parts of lower layers, and parts of its own layer as long
# as that makes no cycle; never a part of a higher layer. A new app goes in one of these.
LAYERS: dict[str, set[str]] = {
    "configuration": {"env", "settings"},
    "engines": {"analysis"},
    # audit is written by every change (accounts and records included), so it imports none of
    # them; records holds the visibility rule, the record form, save/delete and API helpers.
    "core": {"audit", "accounts", "jobs", "records", "spreadsheets"},
    "capabilities": {
        "alliances",
        "agreements",
        "objectives",
        "commitments",
        "differences",
        "health",
        "goals",
        "milestones",
        "decisions",
        "negotiation",
        "vision",
        "conflicts",
        "plans",
        "approvals",
        "relationships",
        "overlap",
    },
    # the alliance's rhythm hears of changes through the audit log and a few service calls,
    # so no capability imports it
    "rhythm": {
        "notifications",
        "threads",
        "activity",
        "meetings",
        "calendars",
    },
    "aggregation": {"workspace"},
    "entry points": {"api", "backup", "cli", "demo", "urls", "wsgi", "__main__"},
}
LAYER_OF = {part: rank for rank, parts in enumerate(LAYERS.values()) for part in parts}
LAYER_NAMES = list(LAYERS)


def _module_name(path: Path, package: Path) -> str:
    parts = ("detente", *path.relative_to(package).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """Absolute names of the modules an import statement reads, ``from detente import audit``
    counted as an import of ``detente.audit``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # relative: resolve against the importing module's package
        package = module.split(".")
        package = package if is_package else package[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    if base == "detente":
        return [f"detente.{alias.name}" for alias in node.names]
    return [base]


def _part(module: str) -> str | None:
    """The app or top-level module of ``detente`` that ``module`` belongs to."""
    parts = module.split(".")
    if parts[0] != "detente" or len(parts) < 2:
        return None
    return parts[1]


def import_graph(package: Path = PACKAGE) -> dict[tuple[str, str], list[str]]:
    """(importing part, imported part) -> where, for every import between two parts of
    detente, at module level and inside functions alike (migrations aside)."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path, package)
        source = _part(module)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for target in _imported(node, module, path.name == "__init__.py"):
                imported = _part(target)
                if imported is not None and source is not None and imported != source:
                    where = f"{path.relative_to(package.parent)}:{node.lineno}"
                    edges[(source, imported)].append(where)
    return dict(edges)


def layering_problems(edges: dict[tuple[str, str], list[str]]) -> list[str]:
    """Every part missing from LAYERS, every import of a higher layer, and every cycle."""
    problems = []
    parts = {part for edge in edges for part in edge}
    for part in sorted(parts - LAYER_OF.keys()):
        problems.append(f"{part} is in no layer of LAYERS")
    for (a, b), where in sorted(edges.items()):
        if a in LAYER_OF and b in LAYER_OF and LAYER_OF[b] > LAYER_OF[a]:
            problems.append(
                f"back edge {a} -> {b} ({LAYER_NAMES[LAYER_OF[a]]} imports "
                f"{LAYER_NAMES[LAYER_OF[b]]}) at {', '.join(where)}"
            )
    for cycle in _cycles(edges):
        steps = " -> ".join(cycle)
        where = [edges[(a, b)][0] for a, b in zip(cycle, cycle[1:], strict=False)]
        problems.append(f"cycle {steps} at {', '.join(where)}")
    return problems


def _cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of parts (depth-first search)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    cycles, done = [], set()
    for start in sorted(graph):
        if start in done:
            continue
        stack, on_path = [(start, iter(sorted(graph[start])))], [start]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.pop()
                done.add(node)
            elif child in on_path:
                cycles.append([*on_path[on_path.index(child) :], child])
            elif child not in done:
                stack.append((child, iter(sorted(graph[child]))))
                on_path.append(child)
    return cycles


def test_imports_between_apps_follow_the_layers_and_make_no_cycle() -> None:
    assert layering_problems(import_graph()) == []


def test_the_check_names_a_back_edge_and_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "detente"
    (package / "records").mkdir(parents=True)
    (package / "health").mkdir()
    (package / "objectives").mkdir()
    (package / "records" / "visibility.py").write_text("from detente.health import models\n")
    (package / "health" / "views.py").write_text(
        "def page():\n    from detente.objectives import periods\n"
    )
    (package / "objectives" / "api.py").write_text("from detente import health\n")
    problems = layering_problems(import_graph(package))
    assert problems[0].startswith(
        "back edge records -> health (core imports capabilities) at detente/records/visibility.py:1"
    )
    assert problems[1] == (
        "cycle health -> objectives -> health at detente/health/views.py:2, "
        "detente/objectives/api.py:1"
    )
    assert len(problems) == 2


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


def test_every_part_of_detente_has_a_layer() -> None:
    """A new app or top-level module must be placed in LAYERS, even before anything imports
    it (the CLI loads some commands by name, which the import graph cannot see)."""
    parts = {
        path.stem if path.is_file() else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert sorted(parts - LAYER_OF.keys()) == []
