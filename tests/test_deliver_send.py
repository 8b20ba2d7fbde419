"""`briefing send` against a real SMTP server on the loopback: faults, resuming, exit codes."""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from smtp_server import PASSWORD, Mailbox, Server, smtp_server, wait_for
from support import REPO

pytestmark = pytest.mark.typeset  # every test here lays documents out

EXAMPLES = REPO / "examples" / "recipients.yaml"
MEMBERS = {
    "example-jp-sato": ("sato.hanako@example.org", "ja"),
    "example-kr-kim": ("kim.minji@example.org", "ko"),
    "example-mn-bat": ("bat-erdene.d@example.org", "mn"),
    "example-us-smith": ("jordan.smith@example.org", "en"),
    "example-gb-jones": ("alex.jones@example.org", "en"),
    "example-au-brown": ("sam.brown@example.org", "en"),
}
# A phrase of each language's message, from its catalog (locales/<lang>/LC_MESSAGES/deliver.po).
GREETING = {
    "ja": "添付いたします",
    "ko": "첨부하여",
    "mn": "хавсаргав",
    "en": "Please find attached",
}
CONFIG = """[send]
ledger = "ledger/ledger.sqlite"
retries = 2
backoff = 0.01
rate_per_minute = 0
link_base = "https://packs.example.org/briefing"
"""


@pytest.fixture
def place(tmp_path: Path, example_packs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder: the built packs, the example members, briefing.toml, the password."""
    shutil.copytree(example_packs, tmp_path / "output")
    shutil.copy(EXAMPLES, tmp_path / "recipients.yaml")
    (tmp_path / "briefing.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BRIEFING_CONFIG")  # this project's briefing.toml
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", PASSWORD)
    return tmp_path


def ledger_rows(place: Path) -> dict[str, dict[str, object]]:
    with sqlite3.connect(place / "ledger" / "ledger.sqlite") as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM deliveries").fetchall()
    return {f"{r['member']}:{r['edition']}": dict(r) for r in rows}


def states(place: Path) -> dict[str, str]:
    return {key.split(":")[0]: str(row["state"]) for key, row in ledger_rows(place).items()}


def no_password_anywhere(place: Path, *results: Result) -> None:
    for result in results:
        assert PASSWORD not in result.output
    for path in place.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def send(briefing: Callable[..., Result], server: Server, *more: str) -> Result:
    return briefing("send", "--recipients", "recipients.yaml", *server.options(), *more)


def test_a_dry_run_says_what_would_be_sent_and_sends_nothing(
    place: Path, briefing: Callable[..., Result], tmp_path: Path
) -> None:
    with smtp_server(tmp_path, Mailbox()) as server:
        result = send(briefing, server)
    assert result.exit_code == 0, result.output
    for member, (address, _) in MEMBERS.items():
        assert f"{member} ({address}): would send edition" in result.output
    assert result.output.count("first edition") == 6
    assert "dry run" in result.output
    assert server.mailbox.received == []
    assert not (place / "ledger").exists()


def test_faults_are_retried_recorded_and_nothing_is_sent_twice(
    place: Path, briefing: Callable[..., Result], tmp_path: Path
) -> None:
    mailbox = Mailbox(
        refuse=frozenset({"sato.hanako@example.org"}),
        defer=frozenset({"kim.minji@example.org"}),
        drop=frozenset({"bat-erdene.d@example.org"}),
        slow=frozenset({"jordan.smith@example.org"}),
        slow_seconds=1.0,
    )
    with smtp_server(tmp_path, mailbox) as server:
        server_options = server.options(timeout=0.4)
        first = briefing("send", "--recipients", "recipients.yaml", *server_options, "--send")
        assert first.exit_code == 1, first.output
        assert wait_for(lambda: mailbox.count("example-us-smith") == 1)
        assert states(place) == {
            "example-jp-sato": "failed",  # 550: recorded, and the run went on
            "example-kr-kim": "sent",  # 451 once, then sent in the same run
            "example-mn-bat": "uncertain",  # the connection dropped after the message
            "example-us-smith": "uncertain",  # no answer in time (the server did take it)
            "example-gb-jones": "sent",
            "example-au-brown": "sent",
        }
        rows = {key.split(":")[0]: row for key, row in ledger_rows(place).items()}
        assert "550" in str(rows["example-jp-sato"]["reply"])
        assert rows["example-kr-kim"]["attempts"] == 2
        assert "1 failed, 2 uncertain" in first.output or "2 uncertain" in first.output
        counts = {m: mailbox.count(m) for m in MEMBERS}
        assert counts == {
            "example-jp-sato": 0,
            "example-kr-kim": 1,
            "example-mn-bat": 0,
            "example-us-smith": 1,
            "example-gb-jones": 1,
            "example-au-brown": 1,
        }
        # Each message: the member's language, the edition in its subject, the exact bytes.
        manifest = json.loads((place / "output" / "manifest.json").read_text())
        entries = {e["recipient"]: e for e in manifest["files"] if e["recipient"]}
        for member in ("example-kr-kim", "example-us-smith", "example-gb-jones"):
            (message,) = mailbox.of(member)
            lang = MEMBERS[member][1]
            assert message["Content-Language"] == lang
            assert entries[member]["edition"] in message["Subject"]
            body = message.get_body(("plain",))
            assert body is not None and GREETING[lang] in body.get_content()
            (attachment,) = list(message.iter_attachments())
            data = attachment.get_content()
            digest = hashlib.sha256(data).hexdigest()
            assert digest == rows[member]["sha256"] == entries[member]["sha256"]
            kept = place / "ledger" / "ledger.sqlite.editions" / f"{digest}.pdf"
            assert kept.read_bytes() == data
        (linked,) = mailbox.of("example-au-brown")
        assert list(linked.iter_attachments()) == []
        plain = linked.get_body(("plain",))
        assert plain is not None
        assert "https://packs.example.org/briefing/example-au-brown-" in plain.get_content()
        (smith,) = mailbox.of("example-us-smith")
        assert smith["Cc"] == "office.smith@example.org"

        again = briefing("send", "--recipients", "recipients.yaml", *server_options, "--send")
        assert again.exit_code == 1  # the refused address is tried again, and refused again
        assert "not sent again without --resend-uncertain" in again.output
        assert {m: mailbox.count(m) for m in MEMBERS} == counts

        resent = briefing(
            "send",
            "--recipients",
            "recipients.yaml",
            *server.options(),
            "--send",
            "--resend-uncertain",
        )
        assert resent.exit_code == 1  # still the refused address
        assert mailbox.count("example-mn-bat") == 1
        assert mailbox.count("example-us-smith") == 2  # the same message again, on purpose
        first_id, second_id = (m["Message-ID"] for m in mailbox.of("example-us-smith"))
        assert first_id == second_id  # so mail clients fold the duplicate
        assert mailbox.count("example-gb-jones") == 1
    no_password_anywhere(place, first, again, resent)


def test_a_refused_login_sends_nothing(
    place: Path, briefing: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "wrong-" + PASSWORD)
    with smtp_server(tmp_path, Mailbox()) as server:
        result = send(briefing, server, "--send")
    assert result.exit_code == 1
    assert "refused the login of secretariat" in result.output
    assert "nothing was sent" in result.output
    assert server.mailbox.received == []
    assert "wrong-" not in result.output
    assert not (place / "ledger" / "ledger.sqlite").exists() or all(
        s == "queued" for s in states(place).values()
    )


def test_implicit_tls_and_a_second_run_that_sends_nothing(
    place: Path, briefing: Callable[..., Result], tmp_path: Path
) -> None:
    with smtp_server(tmp_path, Mailbox(), implicit_tls=True) as server:
        first = send(briefing, server, "--send")
        assert first.exit_code == 0, first.output
        assert len(server.mailbox.received) == 6
        second = send(briefing, server, "--send")
        assert second.exit_code == 0
        assert second.output.count("nothing new") == 6
        assert len(server.mailbox.received) == 6
    shown = briefing("deliveries", "--format", "json")
    records = json.loads(shown.output)
    assert {r["id"] for r in records} == set(MEMBERS)
    assert set(records[0]) == {
        "id",
        "email",
        "edition",
        "sha256",
        "state",
        "reply",
        "message_id",
        "attempts",
        "time",
    }
    assert all(r["state"] == "sent" and r["attempts"] == 1 for r in records)
    table = list(csv.DictReader(io.StringIO(briefing("deliveries", "--format", "csv").output)))
    assert len(table) == 6 and table[0]["message_id"].startswith("<briefing.")
    text = briefing("deliveries").output
    assert "6 members, 0 behind, 0 failed or uncertain" in text


def test_a_corrected_statement_makes_new_editions_that_say_what_changed(
    place: Path, briefing: Callable[..., Result], tmp_path: Path
) -> None:
    with smtp_server(tmp_path, Mailbox()) as server:
        assert send(briefing, server, "--send").exit_code == 0
        # As a rebuild after a correction of the 2007 statement writes it for the Korean
        # and Japanese members (whose packs hold it), and an unchanged edition for the others.
        path = place / "output" / "manifest.json"
        manifest = json.loads(path.read_text())
        for entry in manifest["files"]:
            if entry["recipient"] in ("example-kr-kim", "example-jp-sato"):
                entry["parts"]["statements/ipcnkr-2007-seoul.yaml"] = "0" * 64
                entry["edition"] = "NEW0-" + entry["edition"][5:]
            elif entry["recipient"]:
                entry["parts"]["code"] = "1" * 64  # a code-only change: same edition
        path.write_text(json.dumps(manifest))
        dry = send(briefing, server)
        assert dry.output.count("a corrected statement (ipcnkr-2007-seoul)") == 2
        assert dry.output.count("nothing new") == 4
        result = send(briefing, server, "--send")
        assert result.exit_code == 0, result.output
        assert len(server.mailbox.received) == 8
        (_, corrected) = server.mailbox.of("example-kr-kim")
        assert corrected["Subject"].count("NEW0-") == 1
        body = corrected.get_body(("plain",))
        assert body is not None
        assert "성명이 정정되었습니다: ipcnkr-2007-seoul" in body.get_content()
    text = briefing("deliveries").output
    assert "6 members, 0 behind" in text


def test_the_outbox_writes_messages_and_records_them_as_exported(
    place: Path, briefing: Callable[..., Result]
) -> None:
    result = briefing(
        "send",
        "--recipients",
        "recipients.yaml",
        "--outbox",
        "outbox",
        "--from",
        "secretariat@example.org",
    )
    assert result.exit_code == 0, result.output
    assert len(list((place / "outbox").glob("*.eml"))) == 6
    assert set(states(place).values()) == {"exported"}
    again = briefing("send", "--recipients", "recipients.yaml", "--from", "s@example.org")
    assert again.output.count("nothing new") == 6


def test_two_runs_cannot_interleave(place: Path, briefing: Callable[..., Result]) -> None:
    (place / "ledger").mkdir()
    with open(place / "ledger" / "ledger.sqlite.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = briefing(
            "send", "--recipients", "recipients.yaml", "--outbox", "outbox", "--from", "s@x.org"
        )
    assert result.exit_code == 1
    assert "another `briefing send` is using" in result.output
    assert not (place / "outbox").exists()


def test_plain_smtp_only_to_this_machine(place: Path, briefing: Callable[..., Result]) -> None:
    result = briefing(
        "send",
        "--recipients",
        "recipients.yaml",
        "--send",
        "--smtp-security",
        "none",
        "--smtp-host",
        "smtp.example.org",
        "--from",
        "s@example.org",
    )
    assert result.exit_code == 2
    assert "only allowed to a server on this machine" in result.output


def test_a_changed_file_or_member_is_not_sent(
    place: Path, briefing: Callable[..., Result], tmp_path: Path
) -> None:
    pdf = place / "output" / "recipients" / "example-gb-jones.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"%")
    recipients = place / "recipients.yaml"
    recipients.write_text(
        recipients.read_text(encoding="utf-8").replace("Sam Brown", "Samantha Brown"),
        encoding="utf-8",
    )
    with smtp_server(tmp_path, Mailbox()) as server:
        result = send(briefing, server, "--send")
        assert result.exit_code == 1
        assert "example-gb-jones.pdf differs from the manifest" in result.output
        assert "example-au-brown" in result.output and "details changed" in result.output
        assert server.mailbox.count("example-gb-jones") == 0
        assert server.mailbox.count("example-au-brown") == 0
        assert len(server.mailbox.received) == 4


def test_delivery_never_imports_the_build(place: Path) -> None:
    code = (
        "import sys; from pipeline.cli import main; sys.argv = ['briefing', 'send', "
        "'--recipients', 'recipients.yaml'];\n"
        "import atexit\n"
        "atexit.register(lambda: print('MODULES', sorted(m for m in sys.modules "
        "if m.split('.')[0] == 'weasyprint' or m in ('pipeline.build.run', 'pipeline.build.jobs', "
        "'pipeline.build.workers', 'pipeline.typeset.pdf', 'pipeline.typeset.fitting'))))\n"
        "main()"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=place, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "MODULES []" in done.stdout
