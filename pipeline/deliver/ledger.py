"""The ledger: which edition each member was sent, as which bytes, and how it went.

SQLite in WAL mode, one transaction per change of state, so a run stopped at
any moment (Ctrl-C, `kill -9`, the power) leaves every message in the last
state it reached. The bytes of every edition sent or exported are kept beside
it (`<ledger>.editions/<sha256>.pdf`), so what a member holds can be shown
again even after the output folder is rebuilt.

States: queued → sending → sent; or failed (the server's reply kept), or
uncertain (the message's end was sent but not acknowledged: it may have been
delivered, so it is not sent again unless asked); exported (written to an
outbox for the secretariat's own mail client).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.errors import BriefingError
from pipeline.files import make_folder, write_atomically

State = Literal["queued", "sending", "sent", "failed", "uncertain", "exported"]
RECORD_FIELDS = (
    "id",
    "email",
    "edition",
    "sha256",
    "state",
    "reply",
    "message_id",
    "attempts",
    "time",
)
HELD: tuple[State, ...] = ("sent", "exported")  # the member has this edition
_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    member TEXT NOT NULL,
    edition TEXT NOT NULL,
    email TEXT NOT NULL,
    cc TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    content TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN
        ('queued', 'sending', 'sent', 'failed', 'uncertain', 'exported')),
    reply TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    queued_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (member, edition)
);
CREATE TABLE IF NOT EXISTS events (
    member TEXT NOT NULL,
    edition TEXT NOT NULL,
    time REAL NOT NULL,
    state TEXT NOT NULL,
    reply TEXT NOT NULL DEFAULT ''
);
"""


@dataclass(frozen=True)
class Delivery:
    """One member's one edition, as the ledger holds it."""

    member: str
    edition: str
    email: str
    cc: str
    lang: str
    path: str
    sha256: str
    bytes: int
    content: str  # JSON: the statements and the content parts of the edition
    state: State
    reply: str
    message_id: str
    attempts: int
    queued_at: float
    updated_at: float

    def parts(self) -> dict[str, str]:
        return dict(json.loads(self.content).get("parts", {}))

    def statements(self) -> list[str]:
        return list(json.loads(self.content).get("statements", []))

    def as_record(self) -> dict[str, object]:
        """The record `briefing deliveries --format json|csv` prints."""
        return {
            "id": self.member,
            "email": self.email,
            "edition": self.edition,
            "sha256": self.sha256,
            "state": self.state,
            "reply": self.reply,
            "message_id": self.message_id,
            "attempts": self.attempts,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.updated_at)),
        }


class Ledger:
    """The ledger file and the editions' bytes kept beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.editions = path.with_name(path.name + ".editions")
        try:
            make_folder(path.parent)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")  # a state recorded survives the power
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise BriefingError(f"{path}: the ledger cannot be opened: {error}") from None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _change(self) -> Iterator[sqlite3.Connection]:
        """One change of state: all of it, or none of it, on disk when this returns."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def get(self, member: str, edition: str) -> Delivery | None:
        row = self.db.execute(
            "SELECT * FROM deliveries WHERE member = ? AND edition = ?", (member, edition)
        ).fetchone()
        return Delivery(*row) if row else None

    def history(self, member: str) -> list[Delivery]:
        """Every edition of one member, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM deliveries WHERE member = ? ORDER BY queued_at, rowid", (member,)
        ).fetchall()
        return [Delivery(*row) for row in rows]

    def everything(self) -> list[Delivery]:
        rows = self.db.execute("SELECT * FROM deliveries ORDER BY member, queued_at").fetchall()
        return [Delivery(*row) for row in rows]

    def held(self, member: str) -> Delivery | None:
        """The latest edition the member was sent or exported, if any."""
        held = [d for d in self.history(member) if d.state in HELD]
        return held[-1] if held else None

    def keep(self, data: bytes) -> str:
        """Keep an edition's bytes beside the ledger, under their SHA-256; return it."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.editions / f"{sha}.pdf"
        if not target.exists():
            make_folder(self.editions)
            write_atomically(target, data)
        return sha

    def queue(self, delivery: Delivery) -> Delivery:
        """Record an edition to send (or keep the row already there, whatever its state)."""
        with self._change() as db:
            db.execute(
                "INSERT OR IGNORE INTO deliveries VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    delivery.member,
                    delivery.edition,
                    delivery.email,
                    delivery.cc,
                    delivery.lang,
                    delivery.path,
                    delivery.sha256,
                    delivery.bytes,
                    delivery.content,
                    "queued",
                    "",
                    delivery.message_id,
                    0,
                    delivery.queued_at,
                    delivery.queued_at,
                ),
            )
            # The address may have been corrected since a failure: send to today's.
            db.execute(
                "UPDATE deliveries SET email = ?, cc = ? WHERE member = ? AND edition = ? "
                "AND state IN ('queued', 'sending', 'failed')",
                (delivery.email, delivery.cc, delivery.member, delivery.edition),
            )
        found = self.get(delivery.member, delivery.edition)
        assert found is not None
        return found

    def mark(
        self, member: str, edition: str, state: State, reply: str = "", attempt: bool = False
    ) -> None:
        """Record a change of state (and the server's reply) in one transaction."""
        now = time.time()
        with self._change() as db:
            db.execute(
                "UPDATE deliveries SET state = ?, reply = ?, updated_at = ?, "
                "attempts = attempts + ? WHERE member = ? AND edition = ?",
                (state, reply, now, int(attempt), member, edition),
            )
            db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?)", (member, edition, now, state, reply)
            )
