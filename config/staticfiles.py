"""The static files storage of production: compressed, with hashed names."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ReaderStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names in ES modules' `import … from "./x.js"` too, so that a page loads the
    modules of one deploy only: Django rewrites them when this flag is on (off by default)."""

    support_js_module_import_aggregation = True
