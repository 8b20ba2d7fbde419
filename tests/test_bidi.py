"""Bidirectional isolation in the HTML every reader gets, without typesetting.

The Hebrew fixture's pack, summaries and web pages are rendered (the PDFs by
the stand-in exporter, which writes their HTML) and read as a tree: every
text is laid out in its own language's direction, an English run in a Hebrew
page inside an element with `dir="ltr"`; and in the HTML made into PDFs no
link holds an element of another language (PDF/UA wants a link's text in the
Link itself). tests/test_rtl.py checks what the typeset pages show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fake_pdf import HEADER, FakePdf
from markupsafe import Markup
from test_rtl import rtl_project

from pipeline.i18n.scripts import direction_of
from pipeline.render.renderer import isolated

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
ENGLISH_WORDS = re.compile(r"[A-Za-z]+[ ,;:]+[A-Za-z]+")


class _Runs(HTMLParser):
    """Each text of a page with the language and direction it is laid out in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, str | None]] = []
        self.texts: list[tuple[str, str, str, tuple[str, ...]]] = []  # text, lang, dir, tags
        self.nested_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if any(t == "a" for t, _, _ in self.stack) and ("lang" in values or "dir" in values):
            self.nested_links.append(f"<{tag} {values}> inside a link")
        if tag not in VOID:
            self.stack.append((tag, values.get("lang"), values.get("dir")))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not any(c.isalpha() for c in data):
            return
        if any(tag in ("style", "script", "title") for tag, _, _ in self.stack):
            return  # not text on the page (a title is metadata: it holds no markup)
        lang = next((lang for _, lang, _ in reversed(self.stack) if lang), "")
        way = next((way for _, _, way in reversed(self.stack) if way), "")
        self.texts.append((data, lang, way, tuple(t for t, *_ in self.stack)))


def _read(path: Path) -> _Runs:
    data = path.read_bytes()
    if data.startswith(HEADER):
        data = data[data.lower().index(b"<!doctype") :]
    runs = _Runs()
    runs.feed(data.decode("utf-8"))
    return runs


@pytest.fixture(scope="module")
def hebrew_html(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Iterator[Path]:
    """The Hebrew fixture's documents and web pages, as HTML."""
    import dataclasses

    from pipeline import BuildRequest, build_all
    from pipeline.build import workers

    paths = rtl_project(tmp_path_factory.mktemp("he"), "he")
    paths = dataclasses.replace(paths, cache=cache_dir)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(workers.EXPORTERS, "pdf", FakePdf)
        build_all(paths, BuildRequest(langs="he", jobs=1))
    yield paths.out


def _documents(out: Path) -> list[Path]:
    files = sorted([*(out / "he").glob("*.pdf"), *(out / "site" / "he").glob("*.html")])
    assert len(files) >= 8, files
    return files


def test_every_text_is_laid_out_in_its_languages_direction(hebrew_html: Path) -> None:
    wrong = []
    for path in _documents(hebrew_html):
        for text, lang, way, tags in _read(path).texts:
            if direction_of(lang) != way:
                wrong.append(
                    f"{path.name}: {text.strip()[:60]!r} ({lang}) set {way} in {tags[-3:]}"
                )
    assert not wrong, "\n".join(wrong[:20])


def test_no_english_words_go_untagged_in_a_hebrew_page(hebrew_html: Path) -> None:
    """Two English words in a row are an English run: they carry `lang` (and so `dir`)."""
    untagged = [
        f"{path.name}: {text.strip()[:80]!r}"
        for path in _documents(hebrew_html)
        for text, lang, _, _ in _read(path).texts
        if lang == "he" and ENGLISH_WORDS.search(text)
    ]
    assert not untagged, "\n".join(untagged[:20])


def test_no_link_of_a_pdf_holds_an_element_of_another_language(hebrew_html: Path) -> None:
    nested = [
        f"{path.name}: {found}"
        for path in sorted((hebrew_html / "he").glob("*.pdf"))
        for found in _read(path).nested_links
    ]
    assert not nested, "\n".join(nested)


@pytest.mark.parametrize(
    ("text", "lang", "page", "expected"),
    [
        ("Tokyo", "he", "he", "Tokyo"),
        (
            "Joint Statement*",
            "en",
            "he",
            '<span lang="en" dir="ltr" class="other-lang">Joint Statement*</span>',
        ),
        ("Joint <b>", "en", "ja", '<span lang="en" class="other-lang">Joint &lt;b&gt;</span>'),
        ("טוקיו", "he", "en", '<span lang="he" dir="rtl" class="other-lang">טוקיו</span>'),
    ],
)
def test_a_run_is_tagged_with_its_language_and_isolated_in_another_direction(
    text: str, lang: str, page: str, expected: str
) -> None:
    assert isolated(text, lang, page, direction_of(page)) == Markup(expected)
