"""briefing.toml, briefing init, the date rule, --statement's own name, --dry-run and manners.

Builds here use the `fake_pdf` exporter: they test what a build decides (what
is made, under which name, dated how, said how), not how pages look.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fake_pdf import FakePdf

from pipeline.cli import cli
from pipeline.config import build_date

Run = Callable[..., Result]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to run in, reading its own briefing.toml (if any)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BRIEFING_CONFIG")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


@pytest.fixture
def run() -> Run:
    def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
        result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
        assert "Traceback" not in result.output, result.output
        return result

    return invoke


def git(folder: Path, *args: str, when: str = "2025-03-04T05:06:07") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "TZ": "UTC",
    }
    subprocess.run(["git", "-C", str(folder), *args], check=True, env=env, capture_output=True)


def manifest(out: Path) -> dict[str, dict[str, object]]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {entry["path"]: entry for entry in data["files"]}


# --- Outside a project, init, the config file --------------------------------------


def test_an_empty_folder_gets_a_hint_not_a_missing_file(here: Path, run: Run) -> None:
    result = run("build")
    assert result.exit_code == 2
    assert "not a briefing project" in result.output and "briefing init" in result.output
    assert "statements:1:1" not in result.output


def test_init_then_build_makes_the_documents(here: Path, run: Run, fake_pdf: FakePdf) -> None:
    made = run("init", "proj")
    assert made.exit_code == 0, made.output
    project = here / "proj"
    assert {p.name for p in project.iterdir()} >= {
        "briefing.toml",
        ".gitignore",
        "statements",
        "sources",
        "recipients.example.yaml",
    }
    ignored = (project / ".gitignore").read_text(encoding="utf-8")
    assert "/recipients.yaml" in ignored and "/.briefing/" in ignored
    os.chdir(project)
    built = run("build", "--lang", "en", "--jobs", "1")
    assert built.exit_code == 0, built.output
    assert (project / "output" / "en" / "briefing-pack.pdf").exists()
    again = run("init", str(project))
    assert again.exit_code == 2 and "is a project already" in again.output


def test_unknown_and_wrong_keys_are_errors_at_their_lines(here: Path, run: Run) -> None:
    (here / "briefing.toml").write_text(
        'records = "statements"\nrecods = "x"\n\n[send]\nsmtp_port = "587"\n'
        '[web]\nbase_url = "ftp://example.org"\n[colour]\n',
        encoding="utf-8",
    )
    result = run("build")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        "Error: briefing.toml:2:1: recods: unknown key (known: records, output, templates, "
        "locales, instruments, recipients, languages, paper, date, [send], [web])"
    )
    assert "briefing.toml:5:1: [send] smtp_port: must be a port number" in result.output
    assert "briefing.toml:7:1: [web] base_url: must be an http(s) address" in result.output
    assert "briefing.toml:8:1: colour: unknown key" in result.output


def test_options_override_the_config(here: Path, run: Run, fake_pdf: FakePdf) -> None:
    assert run("init", ".").exit_code == 0
    config = here / "briefing.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('languages = "all"', 'languages = ["ja"]'),
        encoding="utf-8",
    )
    from_config = run("build", "--only", "summary", "--dry-run")
    assert "output/ja/ipcnkr-2005-tokyo-summary.pdf: would be built" in from_config.output
    assert "output/en/" not in from_config.output
    overridden = run("build", "--only", "summary", "--dry-run", "--lang", "en", "--out", "o2")
    assert "o2/en/ipcnkr-2005-tokyo-summary.pdf: would be built" in overridden.output
    assert "/ja/" not in overridden.output


def test_the_send_table_is_read_through_the_one_loader(here: Path) -> None:
    from pipeline.deliver.settings import load_settings

    (here / "briefing.toml").write_text(
        '[send]\nsmtp_host = "mail.example.org"\nfrom = "s@example.org"\n'
        'ledger = "l/ledger.sqlite"\nretries = 2\n',
        encoding="utf-8",
    )
    settings = load_settings(here)
    assert settings.smtp_host == "mail.example.org" and settings.sender == "s@example.org"
    assert settings.retries == 2 and settings.ledger.name == "ledger.sqlite"


# --- Manners --------------------------------------------------------------------------


def test_h_is_help_and_errors_have_no_colour_when_piped(here: Path, run: Run) -> None:
    assert run("-h").exit_code == 0 and "-q, --quiet" in run("-h").output
    assert "--dry-run" in run("build", "-h").output
    piped = run("build")
    assert "\x1b[" not in piped.output and piped.output.startswith("Error: ")


def test_colour_only_on_a_terminal_without_no_color() -> None:
    from pipeline.errors import colour_wanted

    class Terminal:
        def isatty(self) -> bool:
            return True

    old = os.environ.pop("NO_COLOR", None)
    try:
        assert colour_wanted(Terminal())  # type: ignore[arg-type]
        os.environ["NO_COLOR"] = "1"
        assert not colour_wanted(Terminal())  # type: ignore[arg-type]
    finally:
        os.environ.pop("NO_COLOR", None)
        if old is not None:
            os.environ["NO_COLOR"] = old


def test_quiet_says_nothing_on_success(here: Path, run: Run, fake_pdf: FakePdf) -> None:
    assert run("init", ".").exit_code == 0
    quiet = run("-q", "build", "--lang", "en", "--only", "summary", "--date", "2025-01-01")
    assert quiet.exit_code == 0 and quiet.output == ""
    loud = run("-v", "build", "--lang", "en", "--only", "pack", "--date", "2025-01-01")
    assert "output/en/briefing-pack.pdf: built: not built before" in loud.output
    assert "building 1 of 1 documents" in loud.output


# --- The date rule --------------------------------------------------------------------


def test_the_date_is_the_records_last_commit_not_a_code_commit(here: Path, run: Run) -> None:
    assert run("init", ".").exit_code == 0
    git(here, "init", "-q")
    git(here, "add", "-A")
    git(here, "commit", "-qm", "records", when="2025-03-04T05:06:07")
    assert build_date(here / "statements") == dt.date(2025, 3, 4)
    (here / "tool.py").write_text("print()\n", encoding="utf-8")
    git(here, "add", "tool.py")
    git(here, "commit", "-qm", "code only", when="2025-06-01T00:00:00")
    assert build_date(here / "statements") == dt.date(2025, 3, 4)
    (here / "sources" / "note.txt").write_text("a new source\n", encoding="utf-8")
    git(here, "add", "-A")
    git(here, "commit", "-qm", "a source", when="2025-07-08T00:00:00")
    assert build_date(here / "statements") == dt.date(2025, 7, 8)
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    try:
        assert build_date(here / "statements") == dt.date(1970, 1, 1)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def test_outside_git_it_is_today_with_a_notice(here: Path) -> None:
    said: list[str] = []
    assert build_date(here, "content", said.append) == dt.date.today()
    assert said and "dated today" in said[0] and "not in a git checkout" in said[0]
    assert build_date(here, "2024-02-29") == dt.date(2024, 2, 29)


def test_a_second_bare_build_rebuilds_nothing(here: Path, run: Run, fake_pdf: FakePdf) -> None:
    """What make build runs and a bare briefing build are one command reading one config."""
    assert run("init", ".").exit_code == 0
    git(here, "init", "-q")
    git(here, "add", "-A")
    git(here, "commit", "-qm", "records")
    first = run("build", "--lang", "en")
    assert first.exit_code == 0, first.output
    second = run("build", "--lang", "en", "--dry-run")
    assert re.search(r"\b0 of \d+ documents would be built", second.output), second.output


# --- --statement, --dry-run, --explain -----------------------------------------------


def test_statement_never_takes_the_full_packs_name(here: Path, run: Run, fake_pdf: FakePdf) -> None:
    assert run("init", ".").exit_code == 0
    full = run("build", "--lang", "en", "--only", "pack", "--date", "2025-01-01")
    assert full.exit_code == 0, full.output
    pack = here / "output" / "en" / "briefing-pack.pdf"
    before = pack.read_bytes()
    one = run(
        "build", "--lang", "en", "--only", "pack", "--statement", "ipcnkr-2005-tokyo",
        "--date", "2025-01-01",
    )  # fmt: skip
    assert one.exit_code == 0, one.output
    assert pack.read_bytes() == before
    partial = "en/briefing-pack.only-ipcnkr-2005-tokyo.pdf"
    assert (here / "output" / partial).exists()
    entries = manifest(here / "output")
    assert entries["en/briefing-pack.pdf"]["holds"] == "the en briefing pack"
    assert entries[partial]["holds"] == (
        "part of the en briefing pack: ipcnkr-2005-tokyo only "
        "(1 of 2 statements; made with --statement)"
    )
    assert run("verify", "output").exit_code == 0


def test_dry_run_writes_nothing_and_says_why_in_words(
    here: Path, run: Run, fake_pdf: FakePdf
) -> None:
    assert run("init", ".").exit_code == 0
    nothing = run("build", "--only", "print", "--lang", "en", "--dry-run", "--date", "2025-01-01")
    assert nothing.exit_code == 0 and not (here / "output").exists()
    assert "3 of 3 documents would be built; nothing was written" in nothing.output
    assert run("build", "--only", "print", "--lang", "en", "--date", "2025-01-01").exit_code == 0
    files = {p: p.stat().st_mtime_ns for p in (here / "output").rglob("*")}
    statement = here / "statements" / "ipcnkr-2007-seoul.yaml"
    statement.write_text(statement.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    said = run(
        "build", "--only", "print", "--lang", "en", "--explain", "--date", "2025-01-02"
    ).output
    assert {p: p.stat().st_mtime_ns for p in (here / "output").rglob("*")} == files
    assert (
        "output/en/ipcnkr-2005-tokyo-summary.pdf: would be built: "
        "date changed from 2025-01-01 to 2025-01-02"
    ) in said
    assert "statements/ipcnkr-2007-seoul.yaml changed" in said
    dry = run(
        "build", "--only", "print", "--lang", "en", "--dry-run", "--date", "2025-01-01"
    ).output
    assert "ipcnkr-2005-tokyo-summary.pdf" not in dry  # up to date: not listed
    assert "output/en/ipcnkr-2007-seoul-summary.pdf: would be built: " in dry
    assert "2 of 3 documents would be built" in dry  # its summary and the pack
