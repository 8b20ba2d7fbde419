"""Right to left, proven with an Arabic catalog and font group kept as a fixture.

Arabic is not shipped: the fixture shows that a language of another direction
and a joined script takes files only (a catalog and a font group), and that
the pages come out right to left, with letters joined and the English fallback
left to right inside them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from support import REPO, STATEMENTS

pytestmark = pytest.mark.typeset  # every test here lays documents out

MUPDF: Any = pymupdf  # untyped: reached through Any

FIXTURE = Path(__file__).parent / "fixtures" / "arabic"
MM = 72 / 25.4
LAM, ALEF = "\u0644", "\u0627"


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """The summary and pack of a build in Arabic, from a copy of the templates and catalogs."""
    root = tmp_path_factory.mktemp("arabic")
    templates, locales = root / "templates", root / "locales"
    shutil.copytree(REPO / "templates", templates)
    shutil.copytree(REPO / "locales", locales)
    shutil.copytree(FIXTURE / "locales" / "ar", locales / "ar")
    with (templates / "fonts.yaml").open("a", encoding="utf-8") as fonts:
        fonts.write((FIXTURE / "fonts-group.yaml").read_text(encoding="utf-8"))
    from pipeline import BuildRequest, Paths, build_all

    build_all(
        Paths(
            records=STATEMENTS,
            out=root / "out",
            templates=templates,
            locales=locales,
            cache=cache_dir,
        ),
        BuildRequest(langs="ar", jobs=2),
    )
    return root / "out" / "ar"


def _blocks(pdf: Path, page: int = 0) -> list[tuple[float, float, str]]:
    """(left, right, text) of each text line inside the page margins, in points."""
    with MUPDF.open(pdf) as document:
        height = document[page].rect.height
        found = []
        for block in document[page].get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                text = "".join(span["text"] for span in line["spans"]).strip()
                top, bottom = line["bbox"][1], line["bbox"][3]
                if text and top > 22 * MM and bottom < height - 20 * MM:
                    found.append((line["bbox"][0], line["bbox"][2], text))
        return found


def test_the_documents_are_arabic_and_right_to_left(arabic: Path) -> None:
    summary = arabic / "ipcnkr-2005-tokyo-summary.pdf"
    with MUPDF.open(summary) as document:
        assert document.xref_get_key(document.pdf_catalog(), "Lang") == ("string", "ar")
        width = document[0].rect.width
    arabic_lines = [
        (left, right)
        for left, right, text in _blocks(summary)
        if sum("\u0600" <= c <= "\u06ff" for c in text) > len(text) / 2 and len(text) > 12
    ]
    assert len(arabic_lines) >= 5
    # Short Arabic lines start at the right margin and end short of the left one.
    ragged = [(left, right) for left, right in arabic_lines if right - left < width / 2]
    assert ragged, arabic_lines
    for left, right in ragged:
        assert right > width - 30 * MM and left > 40 * MM, (left, right)


def test_the_letters_are_joined(arabic: Path) -> None:
    """The same letter is drawn with different glyphs at the start, middle and end of words."""
    glyphs: dict[str, set[int]] = defaultdict(set)
    with MUPDF.open(arabic / "briefing-pack.pdf") as document:
        for page in document:
            for span in page.get_texttrace():
                for unicode, glyph, *_ in span["chars"]:
                    glyphs[chr(unicode)].add(glyph)
    assert len(glyphs[LAM]) >= 3, glyphs[LAM]  # isolated, initial, medial or final forms
    assert len(glyphs[ALEF]) >= 2, glyphs[ALEF]


def test_the_english_fallback_reads_left_to_right_inside(arabic: Path) -> None:
    """The untranslated statement text keeps its word order and starts at the left."""
    pack = arabic / "briefing-pack.pdf"
    with MUPDF.open(pack) as document:
        text = " ".join(" ".join(page.get_text().split()) for page in document)
    assert "We demand the North Korean authorities immediately end all humanitarian abuses" in text
    lines = [
        b
        for page in range(4, 8)
        for b in _blocks(pack, page)
        if b[2].startswith("Parliamentarians of the United States")
    ]
    assert lines and all(left < 40 * MM for left, _, _ in lines), lines


@pytest.mark.parametrize("flavour", ["3a", "ua1"])
def test_verapdf_passes_the_arabic_documents(arabic: Path, flavour: str) -> None:
    command = os.environ.get("VERAPDF", "")
    if not command or not shutil.which(command):
        pytest.skip("veraPDF is not configured: set VERAPDF (.ci/run does)")
    files = sorted(str(p) for p in arabic.glob("*.pdf"))
    result = subprocess.run([command, flavour, *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
