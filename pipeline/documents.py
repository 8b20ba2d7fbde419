"""The kinds of document, and the template and stylesheets each is made from."""

from __future__ import annotations

KINDS = ("summary", "pack")
TEMPLATES = {"summary": "summary.html", "pack": "pack.html"}
# In cascade order, after the generated font CSS.
STYLESHEETS = {"summary": ("print.css", "summary.css"),
               "pack": ("print.css", "summary.css", "pack.css")}
