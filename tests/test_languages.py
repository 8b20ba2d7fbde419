"""One command starts a language; status shows what each language has."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from support import REPO, copy_project, project_config


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the records, sources, catalogs and instruments that `Paths()` points at."""
    records = copy_project(tmp_path)
    shutil.copytree(REPO / "locales", tmp_path / "locales")
    shutil.copytree(REPO / "instruments", tmp_path / "instruments")
    project_config(
        monkeypatch,
        records=records,
        locales=tmp_path / "locales",
        instruments=tmp_path / "instruments",
    )
    return tmp_path


def test_init_starts_a_language_with_its_official_udhr(
    briefing: Callable[..., Result], project: Path
) -> None:
    result = briefing("i18n", "init", "ar", "--locale", "ar_EG")
    assert result.exit_code == 0, result.output
    for path in (
        "locales/ar/LC_MESSAGES/messages.po",
        "statements/vocabulary.ar.yaml",
        "statements/coalition.ar.yaml",
        "instruments/udhr.yaml",
    ):
        assert f"Wrote {project / path}" in result.output
    udhr = yaml.safe_load((project / "instruments" / "udhr.yaml").read_text(encoding="utf-8"))
    assert list(udhr["texts"])[:1] == ["en"] and "ar" in udhr["texts"]
    article_1 = udhr["texts"]["ar"]["articles"][0]["paragraphs"][0]
    assert article_1.startswith("يولد جميع الناس أحرارًا متساوين")  # the UN's Arabic text
    assert briefing("validate", project / "statements").exit_code == 0
    status = briefing("i18n", "status", "--records", project / "statements")
    assert status.exit_code == 0  # a catalog in progress is reported, not an error
    row = [line.split() for line in status.output.splitlines() if line.startswith("ar ")][-1]
    assert row[1:] == ["0", "of", "31", "names", "0", "of", "3", "notes", "official", "text"]


def test_a_language_the_collection_lacks_keeps_the_english_udhr(
    briefing: Callable[..., Result], project: Path
) -> None:
    before = (project / "instruments" / "udhr.yaml").read_bytes()
    result = briefing("i18n", "init", "ru", "--locale", "ru_RU")
    assert result.exit_code == 0, result.output
    assert (project / "instruments" / "udhr.yaml").read_bytes() == before
    status = briefing("i18n", "status", "--records", project / "statements")
    rows = [line for line in status.output.splitlines() if line.startswith("ru ")]
    assert rows[-1].endswith("English only (none on file)")  # the last table: names, UDHR


def test_init_keeps_existing_translations(briefing: Callable[..., Result], project: Path) -> None:
    japanese = (project / "statements" / "vocabulary.ja.yaml").read_bytes()
    (project / "locales" / "ja" / "LC_MESSAGES" / "messages.po").unlink()
    result = briefing("i18n", "init", "ja", "--locale", "ja_JP")
    assert result.exit_code == 0, result.output
    assert (project / "statements" / "vocabulary.ja.yaml").read_bytes() == japanese
    assert "vocabulary.ja.yaml" not in result.output


@pytest.mark.typeset
def test_an_untranslated_statement_fits_its_summary_in_every_language(
    tmp_path: Path, cache_dir: Path
) -> None:
    """A new statement arrives in English first: no language's summary may then overflow."""
    from pypdf import PdfReader
    from support import build

    records = copy_project(tmp_path)
    for translation in records.glob("ipcnkr-2007-seoul.*.yaml"):
        translation.unlink()
    written = build(
        records, tmp_path / "out", cache_dir, only="summary", statements=["ipcnkr-2007-seoul"]
    )
    assert len(written) >= 5
    for document in written:
        assert len(PdfReader(tmp_path / "out" / document.lang / document.path.name).pages) == 1
