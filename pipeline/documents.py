"""The kinds of document, and the template and stylesheets each is made from."""

from __future__ import annotations

from pipeline.assets import CHECKOUT, asset

REPO = CHECKOUT
DEFAULT_TEMPLATES = asset("templates")
DEFAULT_LOCALES = asset("locales")
DEFAULT_INSTRUMENTS = asset("instruments")
DEFAULT_SCHEMAS = asset("schemas")

KINDS = ("summary", "pack")
TEMPLATES = {"summary": "summary.html", "pack": "pack.html"}
# In cascade order, after the generated font CSS.
STYLESHEETS = {
    "summary": ("print.css", "summary.css"),
    "pack": ("print.css", "summary.css", "pack.css"),
}
