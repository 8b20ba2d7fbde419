"""The English summaries and pack: pages, text, bookmarks, metadata, contents, links."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination, DictionaryObject
from support import STATEMENTS, body_text, build, page_texts, squash
from test_fidelity import SEED_CASES, sentences, statement_lines

pytestmark = pytest.mark.typeset  # every test here lays documents out


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("out")
    build(STATEMENTS, out, cache_dir, langs="en")
    return out / "en"


def test_each_summary_is_one_page(english: Path) -> None:
    for statement_id in ("ipcnkr-2005-tokyo", "ipcnkr-2007-seoul"):
        reader = PdfReader(english / f"{statement_id}-summary.pdf")
        assert len(reader.pages) == 1
        text = reader.pages[0].extract_text()
        assert "Who is asked to do what" in text or "WHO IS ASKED TO DO WHAT" in text


def test_the_pack_has_every_seed_sentence(english: Path) -> None:
    text = squash(body_text(english / "briefing-pack.pdf"))
    for _, seed, first, skip in SEED_CASES:
        for line in statement_lines(seed, first, skip):
            for sentence in sentences(line):
                assert squash(sentence) in text, sentence


def test_bookmarks_cover_every_section_and_statement(english: Path) -> None:
    reader = PdfReader(english / "briefing-pack.pdf")

    def titles(outline: Sequence[object]) -> list[str | None]:
        found: list[str | None] = []
        for entry in outline:
            if isinstance(entry, list):
                found += titles(entry)
            else:
                assert isinstance(entry, Destination), entry
                found.append(entry.title)
        return found

    found = titles(reader.outline)
    for title in (
        "Contents",
        "About the coalition",
        "Asks by addressee",
        "Themes over time",
        "Referenced instruments",
        "Sources and notes",
        "Joint Statement of the 2nd General Meeting (2005)",
        "Joint Statement of the 4th General Meeting (2007)",
        "Full text",
    ):
        assert title in found, (title, found)


def test_metadata(english: Path) -> None:
    reader = PdfReader(english / "briefing-pack.pdf")
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "IPCNKR briefing pack"
    assert meta.author == "International Parliamentarians’ Coalition for North Korean Refugees"
    assert "2005–2007" in (meta.subject or "")
    assert "North Korean refugees" in str(meta.get("/Keywords"))
    root = reader.trailer["/Root"]
    assert isinstance(root, DictionaryObject)
    assert root.get("/Lang") == "en"


def test_contents_page_numbers_are_the_real_pages(english: Path) -> None:
    pack = english / "briefing-pack.pdf"
    pages = page_texts(pack)
    number = (
        next(
            i for i, p in enumerate(pages) if p.lstrip().startswith("Contents") or "\nContents" in p
        )
        + 1
    )
    # As laid out: each entry's title, then its page number at the right margin.
    contents = subprocess.run(
        [
            "pdftotext",
            "-layout",
            "-f",
            str(number),
            "-l",
            str(number),
            "-enc",
            "UTF-8",
            str(pack),
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout.decode()
    entries = re.findall(r"^\s*(\S.+?)\s{3,}(\d+)\s*$", contents, flags=re.M)
    assert len(entries) >= 8
    for title, number in entries:
        title = title.strip(" .")
        page = pages[int(number) - 1]
        assert squash(title).casefold() in squash(page).casefold(), (title, number)


def test_asks_by_addressee_lists_china_under_both_statements(english: Path) -> None:
    pages = page_texts(english / "briefing-pack.pdf")
    text = "\n".join(p for p in pages if "Asks by addressee" in p.split("\n", 3)[0] + p[:200])
    china = text.split("The government of the People’s Republic of China", 1)[1]
    china = china.split("The government of the Republic of Korea", 1)[0]
    assert "2005" in china and "2007" in china


def test_internal_links_point_into_the_document(english: Path) -> None:
    reader = PdfReader(english / "briefing-pack.pdf")
    links = [
        a.get_object()
        for page in reader.pages
        for a in page.get("/Annots", [])
        if a.get_object().get("/Subtype") == "/Link"
    ]
    assert len(links) > 40
    assert all("/URI" not in (link.get("/A") or {}) for link in links)


def test_fidelity_marks_and_disagreements_are_printed(english: Path) -> None:
    text = squash("".join(page_texts(english / "briefing-pack.pdf")))
    assert squash("The sources do not agree on the founding countries") in text
    assert squash("Where the sources disagree") in text
    assert squash("held in Japan.") in text


def test_only_and_statement_select_what_is_written(tmp_path: Path, cache_dir: Path) -> None:
    written = build(
        STATEMENTS,
        tmp_path,
        cache_dir,
        langs="en",
        only="summary",
        statements=["ipcnkr-2005-tokyo"],
    )
    assert [w.path.name for w in written] == ["ipcnkr-2005-tokyo-summary.pdf"]
    assert sorted(p.name for p in (tmp_path / "en").iterdir()) == ["ipcnkr-2005-tokyo-summary.pdf"]


def test_indentation_between_blocks_is_dropped_and_spaces_between_words_kept() -> None:
    from pipeline.typeset.html import drop_layout_whitespace

    html = (
        '<ul>\n  <li><span lang="en">IPCNKR</span> <a href="#x">urges</a> China</li>\n'
        "  <li>b</li>\n</ul>\n<table>\n <tr>\n  <td>1</td>\n  <td>2 <code>c</code></td>"
        "\n </tr>\n</table>"
    )
    assert drop_layout_whitespace(html) == (
        '<ul><li><span lang="en">IPCNKR</span> <a href="#x">urges</a> China</li><li>b</li>'
        "</ul><table><tr><td>1</td><td>2 <code>c</code></td></tr></table>"
    )
