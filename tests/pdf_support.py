"""Build the documents once per test session and read them back as a user would."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from pipeline.build import BuildRequest, Paths, Written, build_all

REPO = Path(__file__).resolve().parent.parent
STATEMENTS = REPO / "statements"


def build(records: Path, out: Path, cache: Path, **request: object) -> list[Written]:
    """Run a build the way `briefing build` does."""
    return build_all(Paths(records=records, out=out, cache=cache), BuildRequest(**request))  # type: ignore[arg-type]


def page_texts(pdf: Path) -> list[str]:
    """Return the text of each page, as pdftotext reads it."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         check=True).stdout.decode()
    return out.split("\f")[:-1]


def body_text(pdf: Path) -> str:
    """Return the text inside the page margins: no running heads, no page numbers."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-x", "0", "-y", "60", "-W", "612",
                          "-H", "722", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def squash(text: str) -> str:
    """Drop whitespace and hyphens, so line breaks and hyphenation do not matter."""
    return re.sub(r"[\s\-\u2010\u00ad]+", "", text)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
