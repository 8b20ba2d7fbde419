"""Thai and Hindi, proven with catalogs, font groups and statement translations kept as fixtures.

Neither language is shipped. Each fixture is what a translator adds after
`briefing i18n init` (which takes the UN's UDHR text from sources/udhr/): a
partial catalog, a font group, and a partial, unofficial translation of the
2005 statement. The shaper rewrites both scripts before it looks glyphs up
(Thai SARA AM is drawn as NIKHAHIT and SARA AA; Devanagari nukta letters as
letter and nukta), so the font subsets must keep what the shaper asks for;
and Thai, whose spaces end phrases, is set ragged, not justified.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pymupdf
import pytest
import uharfbuzz
import yaml
from support import REPO, copy_project

from pipeline.cache import Cache
from pipeline.config import BuildRequest, Paths
from pipeline.i18n.scripts import script_of
from pipeline.typeset.fonts import FontCache, find_font

MUPDF: Any = pymupdf  # untyped: reached through Any
HB: Any = uharfbuzz

FIXTURES = Path(__file__).parent / "fixtures"
# language: (fixture folder, CLDR locale, the fixture's families)
LANGUAGES = {
    "th": ("thai", "th_TH", ("Noto Serif Thai", "Noto Sans Thai")),
    "hi": ("hindi", "hi_IN", ("Noto Serif Devanagari", "Noto Sans Devanagari")),
}
MM = 72 / 25.4


def _is_thai(character: str) -> bool:
    return "\u0e00" <= character <= "\u0e7f"


# --- The subsets: what the shaper asks for is kept ---------------------------------


def _glyphs(font: Path, text: str) -> list[int]:
    """The glyph ids HarfBuzz draws `text` with, from the font file alone (0: .notdef)."""
    face = HB.Face(HB.Blob.from_file_path(str(font)))
    buffer = HB.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    HB.shape(HB.Font(face), buffer)
    return [info.codepoint for info in buffer.glyph_infos]


@pytest.mark.parametrize(
    ("family", "lang", "text"),
    [
        # SARA AM (U+0E33), which the shaper draws as NIKHAHIT and SARA AA.
        ("Noto Serif Thai", "th", "สำนัก จำนวน การดำเนินการ จำกัด"),
        ("Noto Sans Thai", "th", "คำแปลฉบับร่าง"),
        # Lao AM (U+0EB3), the same pair in Lao.
        ("Noto Sans Lao", "lo", "ນ\u0eb3 ຄ\u0eb3"),
        # Nukta letters (U+0958, U+095B): the shaper asks for letter and nukta first.
        ("Noto Serif Devanagari", "hi", "\u0958\u093e\u0928\u0942\u0928 \u095b\u093f\u0932\u093e"),
    ],
)
def test_a_subset_draws_every_character_of_its_text(
    tmp_path: Path, family: str, lang: str, text: str
) -> None:
    subset = FontCache(Cache(tmp_path / "cache")).subset(
        find_font(family, 400), text, script_of(lang).features
    )
    glyphs = _glyphs(subset, text)
    assert glyphs and 0 not in glyphs, glyphs


def test_a_subset_is_made_again_when_it_keeps_more(tmp_path: Path) -> None:
    """The cache key is what a subset keeps: the SARA AM subset is not the SARA AA one."""
    fonts = FontCache(Cache(tmp_path / "cache"))
    font = find_font("Noto Serif Thai", 400)
    features = script_of("th").features
    with_am = fonts.subset(font, "ำ", features)
    with_aa = fonts.subset(font, "า", features)
    assert with_am != with_aa
    assert 0 not in _glyphs(with_am, "ำ")
    assert 0 in _glyphs(with_aa, "ำ")  # a subset without the closure cannot draw it


# --- The fixtures built: typeset, ragged Thai, veraPDF ------------------------------


@pytest.fixture(scope="module", params=sorted(LANGUAGES))
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cache_dir: Path
) -> tuple[str, Path]:
    """A draft build of one fixture language, started as the README's checklist says."""
    from pipeline import build_all
    from pipeline.records.skeleton import add_language

    code: str = request.param
    name, locale, _ = LANGUAGES[code]
    fixture = FIXTURES / name
    root = tmp_path_factory.mktemp(name)
    records = copy_project(root)
    templates, locales, instruments = root / "templates", root / "locales", root / "instruments"
    shutil.copytree(REPO / "templates", templates)
    shutil.copytree(REPO / "locales", locales)
    shutil.copytree(REPO / "instruments", instruments)
    # 1. `briefing i18n init`: the catalog, the skeletons and the UN's UDHR text.
    add_language(locales, records, instruments, code, locale, dt.date.today().isoformat())
    # 2.-4. The translator's files.
    catalog = Path(code, "LC_MESSAGES", "messages.po")
    shutil.copyfile(fixture / "locales" / catalog, locales / catalog)
    for translation in (fixture / "statements").glob("*.yaml"):
        shutil.copyfile(translation, records / translation.name)
    # 5. The script's group of faces.
    fonts = yaml.safe_load((templates / "fonts.yaml").read_text(encoding="utf-8"))
    group = yaml.safe_load((fixture / "fonts-group.yaml").read_text(encoding="utf-8"))
    fonts["packages"].update(group["packages"])
    fonts["groups"].update(group["groups"])
    (templates / "fonts.yaml").write_text(yaml.safe_dump(fonts, allow_unicode=True), "utf-8")
    # WeasyPrint's warnings (a .notdef glyph drawn) fail the build.
    build_all(
        Paths(
            records=records,
            out=root / "out",
            templates=templates,
            locales=locales,
            instruments=instruments,
            cache=cache_dir,
        ),
        BuildRequest(langs=code, jobs=2),
    )
    return code, root / "out" / code


@pytest.mark.typeset
def test_the_documents_are_set_in_the_scripts_faces(built: tuple[str, Path]) -> None:
    """Every document names its language, uses the group's faces and draws no .notdef."""
    code, out = built
    pdfs = sorted(out.glob("*.pdf"))
    assert [p.name for p in pdfs] == [
        "briefing-pack.pdf",
        "ipcnkr-2005-tokyo-summary.pdf",
        "ipcnkr-2007-seoul-summary.pdf",
    ]
    for pdf in pdfs:
        with MUPDF.open(pdf) as document:
            assert document.xref_get_key(document.pdf_catalog(), "Lang") == ("string", code)
            fonts = {font[3].split("+")[-1] for page in document for font in page.get_fonts()}
            notdef = [
                (page.number, span["font"])
                for page in document
                for span in page.get_texttrace()
                for _, glyph, *_ in span["chars"]
                if glyph == 0
            ]
        for family in LANGUAGES[code][2]:
            assert any(f.startswith(family.replace(" ", "-")) for f in fonts), (pdf.name, fonts)
        assert not notdef, (pdf.name, notdef[:5])


def _lines(pdf: Path) -> list[tuple[tuple[int, int], float, list[dict[str, Any]]]]:
    """(page and block, font size, characters) of every text line of a PDF, in reading order.

    A block is what MuPDF takes for one paragraph.
    """
    found = []
    with MUPDF.open(pdf) as document:
        for page in document:
            for number, block in enumerate(page.get_text("rawdict")["blocks"]):
                for line in block.get("lines", []):
                    chars = [c for span in line["spans"] for c in span["chars"]]
                    if chars:
                        found.append(((page.number, number), line["spans"][0]["size"], chars))
    return found


def _space_widths(
    size: float, chars: list[dict[str, Any]], letter: Callable[[str], bool]
) -> list[float]:
    """The width, in ems, of each space of a line between two `letter`s (not after a
    hanging number)."""
    return [
        (after["origin"][0] - space["origin"][0]) / size
        for before, space, after in zip(chars, chars[1:], chars[2:], strict=False)
        if space["c"] == " " and letter(before["c"]) and letter(after["c"])
    ]


@pytest.mark.typeset
def test_thai_is_set_ragged_and_english_stays_justified(built: tuple[str, Path]) -> None:
    """Thai phrase spaces keep their width; the English fallback beside them is justified."""
    code, out = built
    if code != "th":
        pytest.skip("Thai only: Devanagari is justified between words")
    thai, english = [], []
    for _, size, chars in _lines(out / "briefing-pack.pdf"):
        text = "".join(c["c"] for c in chars)
        if len(text) < 40:  # headings, table cells, running heads
            continue
        if sum(map(_is_thai, text)) > len(text) / 2:
            thai.extend(_space_widths(size, chars, _is_thai))
        elif text.isascii():
            english.extend(_space_widths(size, chars, str.isalpha))
    assert len(thai) > 50, thai
    assert max(thai) < 0.4, sorted(thai)[-5:]  # a space is about a quarter of an em
    assert max(english) > 0.4, sorted(english)[-5:]  # justified lines stretch theirs


# Thai characters that never begin a line broken between words: vowels and marks
# written after or above their consonant, SARA A, SARA AA, SARA AM, MAI YAMOK.
_NEVER_FIRST = frozenset("ะาำๅๆ")
# Vowels written before their consonant never end a line.
_NEVER_LAST = frozenset("เแโใไ")


@pytest.mark.typeset
def test_thai_lines_break_between_words(built: tuple[str, Path]) -> None:
    """Pango's Thai word breaking (libthai): lines end inside runs without spaces, never
    inside a syllable."""
    code, out = built
    if code != "th":
        pytest.skip("Thai only")
    lines = [
        (block, "".join(c["c"] for c in chars).strip())
        for block, _, chars in _lines(out / "briefing-pack.pdf")
    ]
    thai = [
        (block, line)
        for block, line in lines
        if len(line) > 30 and sum(map(_is_thai, line)) > len(line) / 2
    ]
    inside_runs = [  # a line that ends and a line that starts with a Thai letter
        (first, second)
        for (block, first), (next_block, second) in pairwise(thai)
        if block == next_block and _is_thai(first[-1]) and _is_thai(second[0])
    ]
    assert len(inside_runs) >= 5, inside_runs  # not only at the phrase spaces
    for _, line in thai:
        first, last = line[0], line[-1]
        assert unicodedata.category(first) != "Mn" and first not in _NEVER_FIRST, line
        assert last not in _NEVER_LAST, line


@pytest.mark.typeset
@pytest.mark.parametrize("flavour", ["3a", "ua1"])
def test_verapdf_passes_the_documents(built: tuple[str, Path], flavour: str) -> None:
    command = os.environ.get("VERAPDF", "")
    if not command or not shutil.which(command):
        pytest.skip("veraPDF is not configured: set VERAPDF (.ci/run does)")
    _, out = built
    files = sorted(str(p) for p in out.glob("*.pdf"))
    result = subprocess.run([command, flavour, *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_labels_are_not_letter_spaced_in_clustered_scripts(built: tuple[str, Path]) -> None:
    """The summary's kicker, spaced out in English, is set solid in Thai and Devanagari: the
    readers copied the gaps between a cluster's letters as spaces ("ส รุปห นึ่ ง ห น้า")."""
    import subprocess

    from babel.messages.pofile import read_po

    code, out = built
    name = LANGUAGES[code][0]
    po = FIXTURES / name / "locales" / code / "LC_MESSAGES" / "messages.po"
    with po.open(encoding="utf-8") as catalog:
        message = read_po(catalog).get("One-page summary")
    assert message is not None
    kicker = message.string
    summary = out / "ipcnkr-2005-tokyo-summary.pdf"
    poppler = subprocess.run(["pdftotext", str(summary), "-"], capture_output=True, text=True)
    with MUPDF.open(summary) as document:
        mupdf = document[0].get_text()
    assert kicker in poppler.stdout.splitlines(), poppler.stdout[:300]
    assert kicker in mupdf.splitlines(), mupdf[:300]
