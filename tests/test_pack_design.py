"""A pack of 30 statements reads as well as one of two: nothing leaves the page, asks repeat once.

The corpus is the benchmark's (`bench/corpus.py`): the project's two statements
cloned 15 times each, so every ask is made again and again, and the last clone
moved to 2009, so one ask is repeated across years. One English build of it
(about a minute) and one of the project's own two statements serve every test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from support import STATEMENTS, build, copy_project

from bench.corpus import dump_yaml, make_corpus
from pipeline.config import DEFAULT_INSTRUMENTS, DEFAULT_LOCALES, Paths
from pipeline.i18n.languages import available_languages
from pipeline.plan.planner import GRID_COLUMNS, Planner, normalise_ask, theme_grids
from pipeline.records.instruments import Instruments
from pipeline.records.validate import load_project

COUNT = 30
MOVED = "bench-0030"  # a clone of the 2007 statement, re-dated to 2009
A4_WIDTH_PT = 595.28
LEFT_MARGIN_PT = 22 * 72 / 25.4  # templates/print.css: @page margin 22mm 20mm 20mm 22mm
RIGHT_EDGE_PT = A4_WIDTH_PT - 20 * 72 / 25.4
# "Asks by addressee" at 30 statements: the project's two statements make 42
# distinct asks of 18 actors, four pages. The corpus repeats those same asks,
# 15 times each; listed once with their years, each gains at most a line or two
# of resolution numbers, so the section may grow by half, never by the ~36
# pages that one row per statement took. A member can read six pages.
ASKS_PAGE_BUDGET = 6


@dataclass(frozen=True)
class Pack:
    path: Path
    reader: PdfReader
    sections: dict[str, tuple[int, int]]  # title: first and last page (0-based)

    def text(self, title: str) -> str:
        first, last = self.sections[title]
        return "\n".join(self.reader.pages[n].extract_text() for n in range(first, last + 1))

    def pages(self, title: str) -> int:
        first, last = self.sections[title]
        return last - first + 1


def _open(path: Path) -> Pack:
    """Read a pack and where its chapters (the top-level bookmarks) start and end."""
    reader = PdfReader(path)
    starts: list[tuple[str, int]] = []
    for item in reader.outline:
        if not isinstance(item, list):
            page = reader.get_destination_page_number(item)
            assert item.title is not None and page is not None
            starts.append((item.title, page))
    sections = {}
    for index, (title, first) in enumerate(starts):
        after = starts[index + 1][1] if index + 1 < len(starts) else len(reader.pages)
        sections[title] = (first, max(first, after - 1))
    return Pack(path, reader, sections)


def _move_to_2009(records: Path, statement: str) -> None:
    """Re-date one clone of the 2007 statement, and its meeting, to 2009."""
    path = records / f"{statement}.yaml"
    text = path.read_text(encoding="utf-8")
    for field in ("start: 2007-08-28", "end: 2007-08-30", "adopted: 2007-08-29"):
        assert field in text, field
        text = text.replace(field, field.replace("2007", "2009"))
    path.write_text(text, encoding="utf-8")
    coalition = yaml.safe_load((records / "coalition.yaml").read_text(encoding="utf-8"))
    (meeting,) = [m for m in coalition["meetings"] if m.get("statement") == statement]
    meeting["year"] = 2009
    meeting["start"] = meeting["start"].replace(year=2009)
    meeting["end"] = meeting["end"].replace(year=2009)
    (records / "coalition.yaml").write_text(dump_yaml(coalition), encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "records"
    make_corpus(STATEMENTS, folder, COUNT)
    _move_to_2009(folder, MOVED)
    return folder


@pytest.fixture(scope="module")
def large(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Pack:
    """The English pack of the 30-statement corpus; building it is the overflow gate."""
    root = tmp_path_factory.mktemp("large")
    build(corpus, root / "out", root / "cache", only="pack", langs="en")
    return _open(root / "out" / "en" / "briefing-pack.pdf")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    """The English pack of the project's own two statements."""
    root = tmp_path_factory.mktemp("small")
    records = copy_project(root)
    build(records, root / "out", root / "cache", only="pack", langs="en")
    return _open(root / "out" / "en" / "briefing-pack.pdf")


@pytest.mark.typeset
def test_the_thirty_statement_pack_builds_with_every_statement(large: Pack) -> None:
    cover = large.reader.pages[0].extract_text()
    assert f"{COUNT} joint statements" in cover
    assert "2005–2009" in cover
    assert {"Asks by addressee", "Themes over time"} <= set(large.sections)


@pytest.mark.typeset
def test_the_themes_tables_stay_inside_the_page(large: Pack) -> None:
    first, last = large.sections["Themes over time"]
    starts: list[tuple[float, str]] = []
    for number in range(first, last + 1):

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                starts.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text))

        large.reader.pages[number].extract_text(visitor_text=visit)
    outside = [(round(x), t) for x, t in starts if not LEFT_MARGIN_PT - 1 <= x < RIGHT_EDGE_PT]
    assert not outside, outside
    # Nothing was dropped to make it fit: a row for every statement, grouped by year.
    text = large.text("Themes over time")
    assert len(re.findall(r"\d+(?:st|nd|rd|th) General Meeting", text)) == COUNT
    years = re.findall(r"^(\d{4}) \d+(?:st|nd|rd|th) General Meeting", text, re.M)
    assert years == sorted(years)
    assert years.count("2009") == 1


@pytest.mark.typeset
def test_the_verdicts_compare_the_latest_statement_with_the_one_before(large: Pack) -> None:
    text = " ".join(large.text("Themes over time").split())
    # Only the 2005 statement asks for the aid workers' protection: the latest
    # (2009) and the one before it (2007) do not, so it is not repeated.
    row = re.search(r"Protection of aid workers .*? (\d+) of (\d+) (\d{4}) – – (\S+ \S+)", text)
    assert row is not None, text[:2000]
    assert row.groups() == ("15", str(COUNT), "2005", "not repeated")
    # The latest statement repeats the 2007 one word for word: nothing changed.
    # Four asks each, not five: the 2007 statement's undertaking to cooperate on
    # resettlement is IPCNKR's own commitment, and only asks are counted (issue 23).
    row = re.search(r"Resettlement .*? (\d+) of (\d+) (\d{4}) (\d+) (\d+) (\S+)", text)
    assert row is not None
    assert row.groups() == ("15", str(COUNT), "2007", "4", "4", "recurs")


@pytest.mark.typeset
def test_asks_by_addressee_stay_within_their_page_budget(large: Pack, small: Pack) -> None:
    assert large.pages("Asks by addressee") <= ASKS_PAGE_BUDGET
    assert large.pages("Asks by addressee") <= small.pages("Asks by addressee") * 3 // 2


@pytest.mark.typeset
def test_a_repeated_ask_is_listed_once_with_its_years_and_a_link_for_each(
    corpus: Path, large: Pack
) -> None:
    project = load_project([corpus], Paths())
    # Resolution 4, item 2 of the 2007 statement, made by every clone of it: it
    # is asked of the international community and concerns both Koreas.
    places = {
        statement.id: statement.resolutions[3].items[1]
        for statement in project.statements.values()
        if statement.year >= 2007
    }
    assert len(places) == COUNT // 2
    summaries = {item.ask.summary for item in places.values() if item.ask}
    assert len(summaries) == 1
    summary = " ".join(summaries.pop().split())
    actors = {*places[MOVED].addressees, *places[MOVED].concerns}
    assert len(actors) == 3

    section = " ".join(large.text("Asks by addressee").split())
    # Once under each actor it is asked of or concerns, not once per statement:
    # each time with its years, newest first, and the resolution after each.
    listed = re.findall(
        re.escape(summary) + r"(?: \(asked of [^)]*\))? (\S+ \([^)]*\)(?:, \S+ \([^)]*\))*)",
        section,
    )
    assert listed == ["2009 (4), 2007 (" + ", ".join(["4"] * (COUNT // 2 - 1)) + ")"] * len(actors)
    # Each number links to the item in that statement's full text.
    links = set()
    first, last = large.sections["Asks by addressee"]
    for number in range(first, last + 1):
        for annotation in large.reader.pages[number].get("/Annots", []):
            link = annotation.get_object()
            assert isinstance(link, DictionaryObject)
            if link.get("/Subtype") == "/Link" and "/Dest" in link:
                links.add(str(link["/Dest"]))
    wanted = {f"{statement}-r-4-i-2" for statement in places}
    assert wanted <= links
    assert wanted <= set(large.reader.named_destinations)


def test_a_long_vocabulary_is_split_into_grids_that_each_fit() -> None:
    project = load_project([STATEMENTS], Paths())
    planner = Planner(
        project, available_languages(DEFAULT_LOCALES)["en"], Instruments.load(DEFAULT_INSTRUMENTS)
    )
    pack = planner.pack({})
    pack.themes = pack.themes * 2  # twice the project's themes: more than one grid holds
    grids = theme_grids(pack)
    assert [len(g.themes) for g in grids] == [GRID_COLUMNS, len(pack.themes) - GRID_COLUMNS]
    assert all(len(g.rows) == len(pack.statements) for g in grids)
    assert [row.first_of_year for row in grids[0].rows] == [True, True]


def test_asks_that_differ_only_in_case_spacing_or_the_full_stop_are_one() -> None:
    assert normalise_ask("Put  abductions on the agenda.") == normalise_ask(
        "put abductions on the agenda"
    )
    assert normalise_ask("難民を保護すること。") == normalise_ask("難民を保護すること")
    assert normalise_ask("Stop repatriation.") != normalise_ask("Stop all repatriation.")
