"""The kinds of document, and the template and stylesheets each is made from."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_LOCALES = REPO / "locales"
DEFAULT_INSTRUMENTS = REPO / "instruments"

KINDS = ("summary", "pack")
TEMPLATES = {"summary": "summary.html", "pack": "pack.html"}
# In cascade order, after the generated font CSS.
STYLESHEETS = {"summary": ("print.css", "summary.css"),
               "pack": ("print.css", "summary.css", "pack.css")}
