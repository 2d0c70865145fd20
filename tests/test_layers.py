"""The apps are layers: each imports only the apps below it (migrations aside). From the bottom:
accounts (who may do what: the analysts group, teams), reader (documents and sources), search
(the full-text index over them), annotations. `config` holds what they share (settings, the API's
base pieces) and wires their URLs together at the top. An import pointing up fails here: an app
below tells the apps above of a change by a signal (reader.signals) instead."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["accounts", "reader", "search", "annotations"]
# The project's URL roots, which include every app's URLs: the top of the graph.
WIRING = {"config/urls.py", "config/api/urls.py"}


def app_imports() -> Counter[tuple[str, str]]:
    """(module, app) for every import of a project app by a module of another."""
    found: Counter[tuple[str, str]] = Counter()
    for app in [*LAYERS, "config"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            module = str(path.relative_to(ROOT))
            if "/migrations/" in module:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    target = name.split(".")[0]
                    if target in [*LAYERS, "config"] and target != app:
                        found[(module, target)] += 1
    return found


def points_up(module: str, target: str) -> bool:
    app = module.split("/")[0]
    if module in WIRING:
        return False
    if target == "config":
        return False  # the shared pieces below everything
    if app == "config":
        return True  # config's shared pieces import no app
    return LAYERS.index(target) > LAYERS.index(app)


def test_every_import_between_apps_points_down() -> None:
    imports = app_imports()
    upward = sorted(edge for edge in imports if points_up(*edge))
    assert upward == [], "imports that point up the layers"
    # And the test reads what it should: the apps do import the ones below them.
    assert ("annotations/models.py", "reader") in imports
    assert ("reader/views.py", "accounts") in imports
    assert ("annotations/indexing.py", "search") in imports
