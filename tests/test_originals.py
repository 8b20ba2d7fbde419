"""Translations know their original: an edit of the original makes them stale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from support import STATEMENTS, build, copy_project, edit, page_texts, squash

from pipeline.records.originals import with_originals

# One line of the record (its text is folded over several) and its correction.
RESOLUTION_3 = "We demand the United Nations and other international organizations investigate the"
CORRECTED = RESOLUTION_3.replace("We demand", "We call on")


@pytest.fixture
def statements(tmp_path: Path) -> Path:
    """A copy of the real records and their sources, to edit."""
    return copy_project(tmp_path)


def test_the_shipped_translations_are_current(briefing: Callable[..., Result]) -> None:
    result = briefing("validate", STATEMENTS)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_editing_an_english_sentence_names_every_translation_of_it_as_stale(
    briefing: Callable[..., Result], statements: Path
) -> None:
    edit(statements / "ipcnkr-2005-tokyo.yaml", RESOLUTION_3, CORRECTED)
    result = briefing("validate", statements)
    assert result.exit_code == 0, result.output  # a warning: the correction may land
    stale = [line for line in result.output.splitlines() if "earlier version" in line]
    translations = {path.name for path in statements.glob("ipcnkr-2005-tokyo.*.yaml")}
    assert len(translations) >= 2
    assert {Path(line.split(":")[0]).name for line in stale} == translations
    for line in stale:
        assert ": resolutions[2].text: warning: translates an earlier version" in line
        assert f"was '{RESOLUTION_3} state" in line and f"now '{CORRECTED} state" in line
        assert line.split(":")[1].isdigit() and line.split(":")[2].isdigit()  # line, column
    # and the verb DEMAND has left the paragraph, so the verb column cannot show it
    assert "resolutions[2].ask: warning: the verb 'DEMAND' is not in the paragraph" in result.output
    assert f"{len(translations) + 1} warnings (see above), no problems." in result.output


def test_confirming_records_todays_original_and_keeps_the_file(
    briefing: Callable[..., Result], statements: Path
) -> None:
    edit(statements / "ipcnkr-2005-tokyo.yaml", RESOLUTION_3, CORRECTED)
    japanese = statements / "ipcnkr-2005-tokyo.ja.yaml"
    before = japanese.read_text(encoding="utf-8")
    result = briefing("i18n", "confirm", japanese, "--records", statements)
    assert result.exit_code == 0, result.output
    after = japanese.read_text(encoding="utf-8")
    assert after.split("originals:")[0] == before.split("originals:")[0]  # comments, layout
    assert CORRECTED in after and RESOLUTION_3 not in after.split("originals:")[1]
    output = briefing("validate", statements).output
    assert "ipcnkr-2005-tokyo.ja.yaml" not in output and "ipcnkr-2005-tokyo.ko.yaml" in output


def test_a_translation_that_records_no_originals_is_named_once(
    briefing: Callable[..., Result], statements: Path
) -> None:
    korean = statements / "ipcnkr-2007-seoul.ko.yaml"
    korean.write_text(with_originals(korean.read_text(encoding="utf-8"), {}), encoding="utf-8")
    result = briefing("validate", statements)
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if ": warning:" in line]
    assert len(lines) == 1 and "records no originals" in lines[0]
    assert "briefing i18n confirm" in lines[0] and "ipcnkr-2007-seoul.ko.yaml" in lines[0]


def test_i18n_status_counts_stale_texts(
    briefing: Callable[..., Result],
    statements: Path,
) -> None:
    edit(statements / "ipcnkr-2005-tokyo.yaml", RESOLUTION_3, CORRECTED)
    result = briefing("i18n", "status", "--records", statements)
    row = next(line for line in result.output.splitlines() if line.startswith("ipcnkr-2005-tokyo"))
    translations = list(statements.glob("ipcnkr-2005-tokyo.*.yaml"))
    assert row.count("1 stale") == len(translations) >= 2, row


@pytest.mark.typeset
def test_the_documents_mark_a_stale_text(statements: Path, tmp_path: Path, cache_dir: Path) -> None:
    overview = "The coalition demands that North Korea end its human rights abuses"
    edit(statements / "ipcnkr-2005-tokyo.yaml", overview, overview.replace("demands", "asks"))
    build(
        statements,
        tmp_path / "out",
        cache_dir,
        langs="ja",
        only="summary",
        statements=["ipcnkr-2005-tokyo"],
    )
    text = page_texts(tmp_path / "out" / "ja" / "ipcnkr-2005-tokyo-summary.pdf")[0]
    assert squash("†印の1箇所は、その後訂正された原文の旧版を翻訳したものである。") in squash(text)
    assert text.count("†") == 2  # the mark after the overview, and the note that explains it
