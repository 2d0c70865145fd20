"""The apps are layers: each imports only the apps below it (migrations aside). From the bottom:
accounts (who may do what: the analysts group, teams), reader (documents and sources), search
(the full-text index over them), annotations. `config` holds what they share (settings, the API's
base pieces) and wires their URLs together at the top. An import pointing up fails here, except
the ones listed in UPWARD, which are still to be turned around (issue "Apps that depend one way");
an entry that is no longer needed fails too, so that the list only shrinks."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["accounts", "reader", "search", "annotations"]
# The project's URL roots, which include every app's URLs: the top of the graph.
WIRING = {"config/urls.py", "config/api/urls.py"}

# (importing module, imported app): the imports that still point up.
UPWARD = {
    ("reader/ledger.py", "annotations"),  # judgements of claims: to a verification app on top
    ("reader/api/ledger.py", "annotations"),  # the same, in the API
}


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


def test_every_import_between_apps_points_down_but_the_known_ones() -> None:
    upward = {edge for edge in app_imports() if points_up(*edge)}
    assert upward - UPWARD == set(), "imports that point up the layers"
    assert UPWARD - upward == set(), "no longer needed: remove them from UPWARD"
