"""Copying gives the text in scripts whose glyphs do not map one to one to characters.

Hindi, Thai and Arabic UDHR excerpts (tests/fixtures/copy/, with their
provenance) are typeset through the project's Typesetter, in subsets its font
stage makes, and every heading and paragraph must come out of poppler
(pdftotext), PDFium and MuPDF word for word: the glyphs of a Devanagari vowel
drawn before its consonant, of Thai SARA AM, of a Thai tone mark raised over a
vowel, copy as the text (pipeline/typeset/actualtext.py), and the files stay
PDF/A-3a and PDF/UA-1.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pymupdf
import pypdfium2
import pytest
from support import REPO

from pipeline.cache import Cache
from pipeline.i18n.scripts import script_of
from pipeline.typeset.fonts import FontCache, find_font
from pipeline.typeset.pdf import Typesetter, check_pdf

pytestmark = pytest.mark.typeset  # every test here lays documents out

MUPDF: Any = pymupdf  # untyped: reached through Any
FIXTURES = Path(__file__).parent / "fixtures" / "copy"
# The faces of each language, as fonts-noto-core has them: the script's own,
# then a Latin one for what it lacks (the Thai face has no Latin digits).
FAMILIES = {
    "en": ("Noto Serif",),
    "hi": ("Noto Serif Devanagari", "Noto Serif"),
    "th": ("Noto Serif Thai", "Noto Serif"),
    "ar": ("Noto Naskh Arabic", "Noto Serif"),
}
# Headings in another face where the script's group has one (Thai: each face
# places tone marks its own way).
HEADINGS = {"th": ("Noto Sans Thai", "Noto Sans")}
# The bidirectional controls poppler wraps right-to-left lines in, for a terminal.
POPPLER_BIDI = re.compile("[\u202a-\u202e]")
HARAKAT = re.compile("[\u064b-\u0652]")  # Arabic short vowels, tanween, shadda, sukun


def blocks(lang: str) -> list[tuple[str, str]]:
    """The fixture's headings and paragraphs, as (tag, text)."""
    found = []
    for line in (FIXTURES / f"udhr-{lang}.txt").read_text(encoding="utf-8").splitlines():
        level = len(line) - len(line.lstrip("#"))
        found.append((f"h{level}" if level else "p", line[level:].strip()))
    return found


def document(lang: str, faces: dict[tuple[str, int], Path], body: str = "") -> str:
    """A small tagged document with the fixture's text in the project's subsets."""
    # One family name per subset: two subsets under one name in one font
    # configuration would draw a document with the other's glyphs.
    rules = "\n".join(
        f'@font-face {{ font-family: "{family} subset {lang}"; src: url("{path.as_uri()}"); '
        f"font-weight: {weight}; }}"
        for (family, weight), path in faces.items()
    )
    families = ", ".join(f'"{family} subset {lang}"' for family in FAMILIES[lang])
    headings = ", ".join(f'"{f} subset {lang}"' for f in HEADINGS.get(lang, FAMILIES[lang]))
    direction = script_of(lang).direction
    body = body or "".join(f"<{tag}>{text}</{tag}>" for tag, text in blocks(lang))
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>UDHR ({lang})</title><style>{rules}\n"
        f"@page {{ size: A4; margin: 20mm }} html {{ font-family: {families}; font-size: 11pt }}"
        f" h1, h2 {{ font-family: {headings} }}"
        f"</style></head><body>{body}</body></html>"
    )


@pytest.fixture(scope="module")
def typesetter(cache_dir: Path) -> Typesetter:
    return Typesetter(REPO / "templates", extra_roots=[cache_dir])


def faces_of(lang: str, text: str, cache: Path) -> dict[tuple[str, int], Path]:
    """The project's subsets of the language's faces, for the characters of `text`."""
    fonts = FontCache(Cache(cache))
    characters = set(text)  # the subset adds what the shaper needs (typeset/shaping.py)
    return {
        (family, weight): fonts.subset(
            find_font(family, weight), characters, script_of(lang).features
        )
        for family in dict.fromkeys((*FAMILIES[lang], *HEADINGS.get(lang, ())))
        for weight in (400, 700)
    }


def pdf(typesetter: Typesetter, html: str, what: str) -> bytes:
    """The PDF the build would write, checked as the build checks it."""
    layout = typesetter.layout(html, what)
    data = typesetter.pdf_bytes(layout, what, [], dt.date(2026, 12, 7))
    check_pdf(data, layout.pages, what)
    return data


@pytest.fixture(scope="module")
def typeset(
    tmp_path_factory: pytest.TempPathFactory, cache_dir: Path, typesetter: Typesetter
) -> dict[str, Path]:
    """Each fixture as a PDF from the project's Typesetter."""
    folder = tmp_path_factory.mktemp("copy")
    made = {}
    for lang in ("hi", "th", "ar"):
        faces = faces_of(lang, "".join(text for _, text in blocks(lang)), cache_dir)
        made[lang] = folder / f"udhr-{lang}.pdf"
        made[lang].write_bytes(pdf(typesetter, document(lang, faces), made[lang].name))
    return made


def copied(pdf: Path) -> dict[str, str]:
    """The whole text each reader copies from `pdf`, spaces folded."""
    poppler = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode()
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pdfium = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    with MUPDF.open(pdf) as opened:
        mupdf = "\n".join(page.get_text() for page in opened)
    return {
        name: " ".join(text.split())
        for name, text in (
            ("poppler", POPPLER_BIDI.sub("", poppler)),
            ("PDFium", pdfium),
            ("MuPDF", mupdf),
        )
    }


@pytest.mark.parametrize("lang", ["hi", "th"])
def test_every_sentence_copies_word_for_word(typeset: dict[str, Path], lang: str) -> None:
    """Thai lines break between words no space parts, and readers copy a line end there:
    Thai is compared without its whitespace (the glyphs are what is checked here)."""
    fold = (lambda text: "".join(text.split())) if lang == "th" else (lambda text: text)
    texts = copied(typeset[lang])
    missing = [
        f"{reader}: {text}"
        for reader, whole in texts.items()
        for _, text in blocks(lang)
        if fold(" ".join(text.split())) not in fold(whole)
    ]
    assert not missing, "\n".join(missing)


def words(text: str) -> list[str]:
    """The words of `text`, without punctuation or digits.

    Where a reader puts a full stop or a number in a right-to-left line is a
    matter of reading order (MuPDF copies "المادة 1" as "1 المادة"), not of
    the glyphs' text: issue 28, item 6.
    """
    kept = (
        "".join(c for c in word if unicodedata.category(c)[0] not in "PN") for word in text.split()
    )
    return [word for word in kept if word]


def in_order(wanted: list[str], found: list[str]) -> bool:
    return any(found[i : i + len(wanted)] == wanted for i in range(len(found)))


def test_arabic_letters_and_ligatures_copy_word_for_word(typeset: dict[str, Path]) -> None:
    """Joined forms and lam-alef ligatures (وسلامة, الإخاء) copy as their letters."""
    texts = copied(typeset["ar"])
    missing = [
        f"{reader}: {text}"
        for reader, whole in texts.items()
        for _, text in blocks("ar")
        if not HARAKAT.search(text) and not in_order(words(text), words(whole))
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "reader",
    [
        "MuPDF",
        pytest.param(
            "poppler",
            marks=pytest.mark.xfail(
                strict=True,
                reason="WeasyPrint draws a tanween above its letter with a text rise, which "
                "poppler takes for another line; an ActualText cannot mend it right to left, "
                "where readers reverse it",
            ),
        ),
        pytest.param(
            "PDFium",
            marks=pytest.mark.xfail(
                strict=True,
                reason="WeasyPrint draws a tanween above its letter with a text rise, which "
                "PDFium copies as a word of its own; an ActualText cannot mend it right to "
                "left, where readers reverse it",
            ),
        ),
    ],
)
def test_arabic_harakat_copy_in_place(typeset: dict[str, Path], reader: str) -> None:
    whole = words(copied(typeset["ar"])[reader])
    with_harakat = [text for _, text in blocks("ar") if HARAKAT.search(text)]
    assert with_harakat
    for text in with_harakat:
        assert in_order(words(text), whole), text


@pytest.mark.parametrize("flavour", ["3a", "ua1"])
def test_verapdf_passes_the_scripts(typeset: dict[str, Path], flavour: str) -> None:
    command = os.environ.get("VERAPDF", "")
    if not command or not shutil.which(command):
        pytest.skip("veraPDF is not configured: set VERAPDF (.ci/run does)")
    files = [str(path) for path in typeset.values()]
    result = subprocess.run([command, flavour, *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_latin_text_is_written_as_weasyprint_writes_it(
    typesetter: Typesetter, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where every glyph spells its text, nothing is added: the same bytes as without the hook."""
    from weasyprint.draw import text as weasyprint_text

    body = (
        "<h1>Universal Declaration of Human Rights</h1><p>All human beings are born free and "
        "equal in dignity and rights. They are endowed with reason and conscience and should "
        "act towards one another in a spirit of brotherhood: <i>office</i>, <b>affluent</b>, "
        "fifty-five “quotations” — and 1948.</p>"
    )
    html = document("en", faces_of("en", body, cache_dir), body)
    hooked = pdf(typesetter, html, "latin.pdf")
    assert b"/ActualText" not in hooked
    monkeypatch.setattr(
        weasyprint_text, "draw_first_line", weasyprint_text.draw_first_line.__wrapped__
    )
    assert pdf(typesetter, html, "latin.pdf") == hooked
