"""`kill -9` the sender at random moments, run it again until done: nothing arrives twice."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from smtp_server import PASSWORD, Mailbox, clone_members, smtp_server, wait_for
from support import REPO

pytestmark = pytest.mark.typeset  # every test here lays documents out

CONFIG = """[send]
ledger = "ledger/ledger.sqlite"
retries = 2
backoff = 0.01
rate_per_minute = 600
link_base = "https://packs.example.org/briefing"
"""
MEMBERS = 24  # about 3 s of sending at the rate limit: room for several kills
LANGUAGE = {
    "example-jp-sato": "ja",
    "example-kr-kim": "ko",
    "example-mn-bat": "mn",
    "example-us-smith": "en",
    "example-gb-jones": "en",
    "example-au-brown": "en",
}


def test_killed_at_random_moments_every_member_gets_one_message(
    tmp_path: Path, example_packs: Path
) -> None:
    shutil.copytree(example_packs, tmp_path / "output")
    shutil.copy(REPO / "examples" / "recipients.yaml", tmp_path / "recipients.yaml")
    (tmp_path / "briefing.toml").write_text(CONFIG, encoding="utf-8")
    clone_members(tmp_path / "output", tmp_path / "recipients.yaml", MEMBERS)
    env = {**os.environ, "BRIEFING_SMTP_PASSWORD": PASSWORD, "PYTHONPATH": str(REPO)}
    env.pop("BRIEFING_CONFIG")  # this project's briefing.toml
    chance = random.Random(24)
    mailbox = Mailbox(delay=0.08)  # a window between the message and its answer
    kills, outputs = 0, []
    with smtp_server(tmp_path, mailbox) as server:
        command = [sys.executable, "-m", "pipeline", "send", "--recipients", "recipients.yaml"]
        command += [*server.options(), "--send"]
        for run in range(40):
            process = subprocess.Popen(
                command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            if run < 15:  # then let it finish
                time.sleep(chance.uniform(0.5, 1.8))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    kills += 1
            out, _ = process.communicate(timeout=60)
            outputs.append(out.decode())
            if process.returncode in (0, 1):
                final = process.returncode
                break
        else:
            raise AssertionError("the sender never finished")
        assert kills >= 3
        with sqlite3.connect(tmp_path / "ledger" / "ledger.sqlite") as db:
            rows = db.execute("SELECT member, edition, state, sha256 FROM deliveries").fetchall()
        assert len({r[0] for r in rows}) == len(rows) == MEMBERS  # one edition each
        uncertain = [r for r in rows if r[2] == "uncertain"]
        assert wait_for(
            lambda: sum(mailbox.count(r[0]) for r in rows) >= len(rows) - len(uncertain)
        )
        for member, edition, state, digest in rows:
            received = mailbox.of(member)
            assert state in ("sent", "uncertain"), (member, state)
            assert len(received) == 1 if state == "sent" else len(received) <= 1, (member, state)
            for message in received:
                assert message["X-Briefing-Edition"] == edition
                assert message["Content-Language"] == LANGUAGE[member.rsplit("-", 1)[0]]
                for attachment in message.iter_attachments():
                    assert hashlib.sha256(attachment.get_content()).hexdigest() == digest
        assert final == (1 if uncertain else 0)
    assert all(PASSWORD not in out for out in outputs)
    assert all("Traceback" not in out for out in outputs)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes()
