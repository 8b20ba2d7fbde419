"""The records carry every sentence of their archived sources' statements, and no other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.config import Paths
from pipeline.records.models import SourceDocument, Statement
from pipeline.records.validate import load_project

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "sources"
SEED_2005 = SOURCES / "ipcnkr-2005-joint-statement.txt"
SEED_2007 = SOURCES / "lfnkr-2007-kato-article.txt"


def statement_lines(path: Path, first: str, skip: tuple[str, ...] = ()) -> list[str]:
    """Return the statement's lines: from its first line to the end, minus non-statement ones."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    start = lines.index(first)
    return [line for line in lines[start:] if line and not line.startswith(skip)]


def sentences(line: str) -> list[str]:
    """Split a line into sentences, keeping each sentence's own punctuation."""
    parts = re.split(r"(?<=[.!?:])\s+(?=[A-Z0-9“\"])", line)
    return [p for p in parts if p]


def record_text(statement: Statement) -> str:
    pieces = list(statement.heading)
    if statement.opening:
        pieces.append(statement.opening)
    pieces += [p.text for p in statement.preamble]
    for resolution in statement.resolutions:
        pieces.append(f"{resolution.number}. {resolution.text}")
        for item in resolution.items:
            pieces.append(f"{item.action} {item.text}" if item.action else item.text)
    return "\n".join(pieces)


@pytest.fixture(scope="module")
def statements() -> dict[str, Statement]:
    return load_project([REPO / "statements"], Paths()).statements


# Lines inside a statement's part of its source that are not statement text.
NOT_STATEMENT_TEXT: dict[str, tuple[str, ...]] = {
    # The photo caption (printed twice) is the article's, not the statement's.
    "lfnkr-2007-kato-article": ("111 representatives from 36 different countries attended",),
}


def archived_cases() -> list[tuple[str, Path, str, tuple[str, ...]]]:
    """Every statement under statements/ with each archived source it cites.

    The statement's text starts in its source at its first heading line.
    """
    project = load_project([REPO / "statements"], Paths())
    cases: list[tuple[str, Path, str, tuple[str, ...]]] = []
    for statement in project.statements.values():
        for ref in statement.sources:
            source = project.sources.get(ref.source)
            if source is not None and source.statement_text:
                skip = NOT_STATEMENT_TEXT.get(source.id, ())
                cases.append((statement.id, SOURCES / source.file, statement.heading[0], skip))
    return cases


SEED_CASES = archived_cases()


def test_the_seeds_are_among_the_cases() -> None:
    assert [(c[0], c[1]) for c in SEED_CASES[:2]] == [
        ("ipcnkr-2005-tokyo", SEED_2005),
        ("ipcnkr-2007-seoul", SEED_2007),
    ]


@pytest.mark.parametrize(("statement_id", "seed", "first", "skip"), SEED_CASES)
def test_every_seed_sentence_is_in_the_record(
    statements: dict[str, Statement],
    statement_id: str,
    seed: Path,
    first: str,
    skip: tuple[str, ...],
) -> None:
    text = record_text(statements[statement_id])
    lines = statement_lines(seed, first, skip)
    assert len(lines) >= 12
    missing = [s for line in lines for s in sentences(line) if s not in text]
    assert missing == []


@pytest.mark.parametrize(("statement_id", "seed", "first", "skip"), SEED_CASES)
def test_the_record_invents_no_statement_text(
    statements: dict[str, Statement],
    statement_id: str,
    seed: Path,
    first: str,
    skip: tuple[str, ...],
) -> None:
    """Every line of the record's statement text is a line (or a line's part) of the seed."""
    seed_text = "\n".join(statement_lines(seed, first, skip))
    for piece in record_text(statements[statement_id]).splitlines():
        piece = re.sub(r"^\d+\. ", "", piece)
        assert piece in seed_text, piece


def test_the_2007_items_keep_their_verbs_as_data(statements: dict[str, Statement]) -> None:
    items = [i for r in statements["ipcnkr-2007-seoul"].resolutions for i in r.items]
    assert [i.action for i in items[:3]] == ["STRENGTHEN", "STOP", "URGE"]
    assert items[1].text == "the forcible repatriation of North Korean refugees in China"
    assert items[-1].action is None and items[-1].text.startswith("IPCNKR will cooperate")


def test_the_sources_disagreements_are_recorded(statements: dict[str, Statement]) -> None:
    coalition = load_project([REPO / "statements"], Paths()).coalition
    assert coalition is not None
    founding = {tuple(sorted(f.countries)) for f in coalition.founding_countries}
    assert ("AU", "GB", "JP", "KR", "MN", "US") in founding
    assert ("GB", "JP", "KR", "MN", "US") in founding
    place = next(n for n in coalition.notes if n.id == "place-of-the-4th-meeting")
    quotes = " ".join(r.quote for r in place.readings)
    assert "held in Seoul, Korea" in quotes and "held in Japan" in quotes


@pytest.mark.parametrize(("statement_id", "seed"), [(c[0], c[1]) for c in SEED_CASES])
def test_each_statement_cites_the_archived_copy_it_is_checked_against(
    statement_id: str, seed: Path
) -> None:
    project = load_project([REPO / "statements"], Paths())
    cited = [project.sources[ref.source] for ref in project.statements[statement_id].sources]
    assert [SOURCES / source.file for source in cited] == [seed]
    assert all(isinstance(source, SourceDocument) and source.statement_text for source in cited)
