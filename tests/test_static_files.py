"""Static files as production serves them (DEBUG=0): `collectstatic` with hashed names succeeds
(everything the stylesheets refer to is there), the ES modules import each other by their hashed
names (a page never mixes two deploys' modules), and the pages link hashed files only. CI also
serves them with gunicorn (.ci/production.py); this is the quick check in the suite."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings

from reader.models import Document

from .helpers import logged_in

IMPORTS = re.compile(r"""^\s*(?:import|export)\b[^'";]*?\bfrom\s*["']([^"']+)["']""", re.M)
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:js|mjs|css|png|svg)$")
STATIC_LINK = re.compile(r"""(?:href|src|data-worker)="(/static/[^"]+)\"""")


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("staticfiles")
    production = {
        "STATIC_ROOT": root,
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "config.staticfiles.ReaderStaticFilesStorage"},
        },
    }
    with override_settings(**production):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def manifest(root: Path) -> dict[str, str]:
    paths: dict[str, str] = json.loads((root / "staticfiles.json").read_text())["paths"]
    return paths


def test_every_module_imports_the_hashed_names_of_this_deploy(collected: Path) -> None:
    paths = manifest(collected)
    modules = [name for name in paths if name.endswith(".js") and "/vendor/" not in name]
    assert "reader/annotate.js" in modules and "annotations/cards.js" in modules
    checked = 0
    for name in modules:
        hashed = collected / paths[name]
        for target in IMPORTS.findall(hashed.read_text(encoding="utf-8")):
            if not target.startswith("."):
                continue
            resolved = (hashed.parent / target).resolve()
            assert HASHED.search(target), f"{paths[name]} imports {target}, not a hashed name"
            assert resolved.is_file(), f"{paths[name]} imports {target}, which is not there"
            original = str(resolved.relative_to(collected.resolve()))
            assert original in paths.values(), original
            checked += 1
    assert checked >= 20  # annotate.js alone imports eight modules
    viewer = (collected / paths["reader/viewer.js"]).read_text(encoding="utf-8")
    assert f'"../{paths["vendor/pdfjs/pdf.min.mjs"]}"' in viewer


def test_the_viewer_has_the_text_layer_styles_and_nothing_refers_to_missing_images(
    collected: Path,
) -> None:
    paths = manifest(collected)
    css = (collected / paths["vendor/pdfjs/text_layer.css"]).read_text(encoding="utf-8")
    assert css.count(".textLayer {") == 1 and "url(" not in css
    assert not any("pdf_viewer" in name for name in paths)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/documents/npi-commentary-80/",
        "/documents/npi-commentary-80/claims/",
        "/sources/",
        "/sources/national-defense-strategy/",
        "/annotations/",
        "/api/docs/",
        "/no-such-page/",
    ],
)
def test_pages_link_only_hashed_static_files_that_exist(
    collected: Path, seed_document: Document, analyst: User, path: str, settings: Any
) -> None:
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "config.staticfiles.ReaderStaticFilesStorage"},
    }
    client = logged_in(analyst) if path == "/annotations/" else Client()
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page/" else 200)
    links = STATIC_LINK.findall(response.content.decode())
    assert links, path
    for link in links:
        file = collected / link.removeprefix("/static/")
        assert HASHED.search(link) and file.is_file(), link
