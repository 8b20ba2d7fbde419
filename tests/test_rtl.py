"""Right to left, proven with Arabic and Hebrew catalogs and font groups kept as fixtures.

Neither is shipped: the fixtures show that a language of another direction
and a joined script takes files only (a catalog and a font group), and that
the pages come out right to left, with letters joined and the English fallback
left to right inside them. Every run in the other direction is isolated: the
contents keep clear of their page numbers, an English citation keeps its
punctuation inside a Hebrew sentence, the sources page never interleaves
English values with the labels, and a list of English names keeps each name
whole with its separator after it. The Hebrew fixture also brings a partial,
unofficial statement translation and the UN's Hebrew UDHR text.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pymupdf
import pytest
import yaml
from support import REPO, copy_project

from pipeline.config import Paths

pytestmark = pytest.mark.typeset  # every test here lays documents out

MUPDF: Any = pymupdf  # untyped: reached through Any

FIXTURES = Path(__file__).parent / "fixtures"
RTL = {"ar": FIXTURES / "arabic", "he": FIXTURES / "hebrew"}
MM = 72 / 25.4
RTL_LETTER = re.compile("[\u0590-\u08ff]")  # Hebrew and Arabic
LAM, ALEF = "\u0644", "\u0627"


def rtl_project(root: Path, code: str) -> Paths:
    """A copy of the project with a right-to-left fixture language, as a user would add it.

    Its catalog and font group; for Hebrew, its statement translation and its UDHR
    text archived in `sources/udhr/` and imported into the instruments, as
    `briefing i18n init` imports an archived text.
    """
    from pipeline.i18n.languages import available_languages
    from pipeline.records.udhr import import_udhr

    fixture = RTL[code]
    templates, locales = root / "templates", root / "locales"
    shutil.copytree(REPO / "templates", templates)
    shutil.copytree(REPO / "locales", locales)
    shutil.copytree(fixture / "locales" / code, locales / code)
    _merge_fonts(templates / "fonts.yaml", fixture / "fonts-group.yaml")
    records = copy_project(root)
    for translation in sorted((fixture / "statements").glob("*.yaml")):
        shutil.copy(translation, records / translation.name)
    instruments = REPO / "instruments"
    if (fixture / "udhr").is_dir():
        for archived in sorted((fixture / "udhr").iterdir()):
            shutil.copy(archived, root / "sources" / "udhr" / archived.name)
        instruments = root / "instruments"
        instruments.mkdir()
        archive = root / "sources" / "udhr"
        import_udhr(archive, instruments / "udhr.yaml", available_languages(locales))
    return Paths(records, root / "out", templates, locales, instruments)


def _merge_fonts(fonts: Path, fixture: Path) -> None:
    """Add a fixture's font group (and the packages of its families) to a copy of fonts.yaml."""
    config = yaml.safe_load(fonts.read_text(encoding="utf-8"))
    extra = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    config["packages"].update(extra.get("packages", {}))
    config["groups"].update(extra.get("groups", extra))
    fonts.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _build(code: str, factory: pytest.TempPathFactory, cache: Path) -> Path:
    from pipeline import BuildRequest, build_all

    paths = dataclasses.replace(rtl_project(factory.mktemp(code), code), cache=cache)
    build_all(paths, BuildRequest(langs=code, jobs=2))
    return paths.out / code


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """The summaries, pack and web pages of a build in Arabic."""
    return _build("ar", tmp_path_factory, cache_dir)


@pytest.fixture(scope="module")
def hebrew(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """The summaries, pack and web pages of a build in Hebrew."""
    return _build("he", tmp_path_factory, cache_dir)


@pytest.fixture(params=sorted(RTL))
def rtl(request: pytest.FixtureRequest) -> Path:
    """The output of the Arabic build, then of the Hebrew one."""
    return Path(request.getfixturevalue({"ar": "arabic", "he": "hebrew"}[request.param]))


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
def test_verapdf_passes_the_right_to_left_documents(rtl: Path, flavour: str) -> None:
    command = os.environ.get("VERAPDF", "")
    if not command or not shutil.which(command):
        pytest.skip("veraPDF is not configured: set VERAPDF (.ci/run does)")
    files = sorted(str(p) for p in rtl.glob("*.pdf"))
    result = subprocess.run([command, flavour, *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- Bidirectional isolation, as the page shows it ------------------------------------

RTL_LETTERS = re.compile("[\u0590-\u05ff\u0600-\u06ff]")
LATIN = re.compile("[A-Za-z]")


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of a page as a reader sees it: its characters from left to right."""

    y: float
    chars: tuple[tuple[float, float, str], ...]  # (left, right, character)

    @property
    def left(self) -> float:
        return min(left for left, _, _ in self.chars)

    @property
    def right(self) -> float:
        return max(right for _, right, _ in self.chars)

    @property
    def text(self) -> str:
        """The characters in visual order, a space where there is a gap between them."""
        text, last = "", None
        for left, right, char in self.chars:
            if last is not None and left - last > 1.5 and not text.endswith(" ") and char != " ":
                text += " "
            text, last = text + char, right
        return " ".join(text.split())


def _rows(pdf: Path, page: int, within: tuple[float, float] | None = None) -> list[Row]:
    """The rows of text inside the page margins (or between `within` from the left), top down.

    A row's characters are put in order from left to right by where they are
    drawn; the characters of a ligature share a place, and keep their order.
    """
    found: dict[float, list[tuple[float, int, float, str]]] = defaultdict(list)
    with MUPDF.open(pdf) as document:
        height = document[page].rect.height
        for block in document[page].get_text("rawdict")["blocks"]:
            for line in block.get("lines", []):
                for span in line["spans"]:
                    for char in span["chars"]:
                        left, top, right, bottom = char["bbox"]
                        if top < 22 * MM or bottom > height - 20 * MM:
                            continue
                        if within and not within[0] <= left < within[1]:
                            continue
                        row = found[round(char["origin"][1] * 2) / 2]
                        row.append((round(left, 1), len(row), right, char["c"]))
    return [
        Row(y, tuple((left, right, c) for left, _, right, c in sorted(chars)))
        for y, chars in sorted(found.items())
    ]


def _visual(text: str) -> str:
    """A logical text as its visual rows compare with it: brackets as one mark, spaces folded.

    A mirrored bracket in a right-to-left run is drawn with the other bracket's
    glyph, and WeasyPrint's ToUnicode maps a glyph to one character, so readers
    extract some "(" as ")": the placement of brackets is checked in the pictures.
    """
    return " ".join(re.sub(r"[()]", "|", text).split())


def _page_with(pdf: Path, *needles: str) -> int:
    with MUPDF.open(pdf) as document:
        for number, page in enumerate(document):
            text = " ".join(page.get_text().split())
            if all(needle in text for needle in needles):
                return number
    raise AssertionError(f"no page of {pdf.name} shows {needles}")


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_contents_entries_keep_clear_of_their_page_numbers(rtl: Path) -> None:
    """Every entry, an untranslated English title too, starts at the right; its number ends it."""
    pack = rtl / "briefing-pack.pdf"
    with MUPDF.open(pack) as document:
        width = document[1].rect.width
    entries = [row for row in _rows(pack, 1) if any(c.isdigit() for _, _, c in row.chars)]
    assert any(LATIN.search(row.text) and "Statement" in row.text for row in entries), entries
    assert len(entries) >= 8, [row.text for row in entries]
    for row in entries:
        digits = 0
        while digits < len(row.chars) and row.chars[digits][2].isdigit():
            digits += 1
        assert digits, f"no page number at the left of {row.text!r}"
        number_right = max(right for _, right, _ in row.chars[:digits])
        title = Row(row.y, row.chars[digits:])
        assert title.left - number_right > 3 * MM, f"{row.text!r} runs into its page number"
        assert title.right > width - 32 * MM, f"{row.text!r} does not start at the right margin"


def test_an_english_citation_in_a_hebrew_sentence_keeps_its_punctuation(hebrew: Path) -> None:
    """The summary's "Source: …." sentence: the citation whole, then the full stop, at its left."""
    from pipeline.i18n.languages import read_catalog

    catalog = read_catalog(RTL["he"] / "locales" / "he" / "LC_MESSAGES" / "messages.po")
    message = catalog.get("Source:")
    assert message is not None
    label = str(message.string)
    source = _yaml(REPO / "sources" / "ipcnkr-2005-joint-statement.yaml")
    citation = f"{source['title']}, {source['publisher']} [{source['id']}]"
    rows = _rows(hebrew / "ipcnkr-2005-tokyo-summary.pdf", 0)
    start = next(i for i, r in enumerate(rows) if sorted(r.text.replace(" ", "")) == sorted(label))
    end = next(i for i in range(start, len(rows)) if "]" in rows[i].text)
    cited = [row.text for row in rows[start + 1 : end + 1]]
    assert cited[-1].startswith("."), cited  # the Hebrew sentence ends after the citation
    assert not any(RTL_LETTERS.search(text) for text in cited), cited
    assert _visual(" ".join([*cited[:-1], cited[-1][1:]])) == _visual(citation)


def test_the_sources_page_never_interleaves_english_and_its_labels(rtl: Path) -> None:
    """Each reading reads whole with its attribution; a labelled line holds one whole value."""
    pack = rtl / "briefing-pack.pdf"
    sources = {
        name: _yaml(REPO / "sources" / f"{name}.yaml")
        for name in ("ipcnkr-2005-joint-statement", "lfnkr-2007-kato-article")
    }
    page = _page_with(pack, *(source["id"] for source in sources.values()))
    rows = _rows(pack, page)
    english = _visual(
        " ".join(r.text.replace("•", "") for r in rows if not RTL_LETTERS.search(r.text))
    )
    notes = _yaml(REPO / "statements" / "coalition.yaml")["notes"]
    readings = [
        f"“{reading['quote']}” — {sources[reading['source']]['title']}, {reading['part']}"
        for note in notes
        for reading in note["readings"]
        if _visual(f"“{reading['quote']}”") in english  # the readings on this page
    ]
    assert len(readings) >= 4, english
    for reading in readings:
        assert _visual(reading) in english, reading
    values = {
        _visual(str(v))
        for source in sources.values()
        for v in (source["title"], source["publisher"], source["id"])
    }
    for row in rows:
        if RTL_LETTERS.search(row.text) and LATIN.search(row.text):
            latin = _visual(RTL_LETTERS.sub("", row.text).strip(" :.،"))
            assert latin in values, f"{row.text!r} mixes its label with part of a value"


def test_a_list_of_english_names_keeps_each_name_whole_with_its_separator(rtl: Path) -> None:
    """In "who is asked": each English name whole, its "; " after it, that is at its left."""
    summary = rtl / "ipcnkr-2005-tokyo-summary.pdf"
    vocabulary = _yaml(REPO / "statements" / "vocabulary.yaml")
    names = [actor["name"] for actor in vocabulary["actors"]]
    rows = _rows(summary, 0)
    left, right = min(r.left for r in rows), max(r.right for r in rows)
    who = _rows(summary, 0, within=(right - 0.28 * (right - left), right + 1))
    # The rows of English names (the translation mark above the table has a ";" of its own)
    separated = [row.text for row in who if ";" in row.text and not RTL_LETTER.search(row.text)]
    assert len(separated) >= 3, [row.text for row in who]
    for text in separated:
        after, _, name_end = text.partition(";")  # visually: the next name, ";", the name
        assert any(name.endswith(name_end.strip()) for name in names), text
        assert not after.strip() or after.strip() in names, f"{text!r} splits a name"


_BROKEN_RUNS = """
return [...document.querySelectorAll('body [dir]')]
  .filter((e) => getComputedStyle(e).display.startsWith('inline') && e.getClientRects().length > 1)
  .map((e) => e.tagName + ': ' + e.textContent.trim().slice(0, 60))
  .concat([...document.querySelectorAll('nav.languages a')]  // a language's name on one line
    .filter((a) =>
      a.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(a).lineHeight))
    .map((a) => 'language ' + a.textContent.trim()));
"""


def test_the_hebrew_web_pages_keep_each_run_of_the_other_direction_whole(hebrew: Path) -> None:
    """In Chromium, at a phone's width and a desk's, no isolated run breaks into line pieces."""
    from browser import chromium

    site = hebrew.parent / "site" / "he"
    pages = ("index.html", "ipcnkr-2005-tokyo.html", "sources.html", "asks.html")
    broken: dict[str, list[str]] = {}
    with chromium() as driver:
        for page in pages:
            driver.get((site / page).as_uri())
            for width in (320, 1280):
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 400},
                )
                if found := driver.execute_script(_BROKEN_RUNS):
                    broken[f"{page} at {width} px"] = found
            isolated = "return document.querySelectorAll('body [dir=ltr]').length"
            assert driver.execute_script(isolated), page  # English runs to check
    assert broken == {}
