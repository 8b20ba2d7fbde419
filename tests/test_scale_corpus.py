"""The scale benchmark's generated corpus and recipients are records `briefing validate` accepts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from support import REPO, STATEMENTS

from bench.corpus import coalition_countries, make_corpus, make_recipients
from pipeline.i18n.catalogs import shipped_languages

LANGUAGES = tuple(shipped_languages(REPO / "locales"))


def test_scale_corpus_and_recipients_validate(tmp_path: Path) -> None:
    """A small corpus in every shipped language and 12 recipients: clean, fictional, spread out."""
    corpus = make_corpus(STATEMENTS, tmp_path / "statements", 3, LANGUAGES)
    people = make_recipients(
        REPO / "examples" / "recipients.yaml",
        STATEMENTS,
        tmp_path / "recipients.yaml",
        12,
        LANGUAGES,
    )
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "validate", str(corpus.folder), str(people.path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout + result.stderr

    data = yaml.safe_load(people.path.read_text(encoding="utf-8"))
    assert data["examples"] is True
    assert people.path.read_text(encoding="utf-8").startswith("# EXAMPLES ONLY")
    recipients = data["recipients"]
    assert len(recipients) == 12 == len({r["id"] for r in recipients})
    assert set(people.languages) == set(LANGUAGES)
    assert set(people.countries) == set(coalition_countries(STATEMENTS))
    assert all(r["paper"] == "Letter" for r in recipients if r["country"] == "US")
