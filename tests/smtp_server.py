"""A real SMTP submission server on the loopback interface, for the delivery tests.

aiosmtpd with STARTTLS on a trustme certificate and AUTH, and a mailbox that
misbehaves on purpose for chosen addresses: it refuses one for good (550),
defers one once (451), drops the connection after one's message (before it
answers), or answers one's message too slowly.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USER = "secretariat"
PASSWORD = "s3cret-Pa55word-never-shown"


@dataclass
class Mailbox:
    """What the server received, and the addresses it misbehaves for."""

    refuse: frozenset[str] = frozenset()
    defer: frozenset[str] = frozenset()
    drop: frozenset[str] = frozenset()
    slow: frozenset[str] = frozenset()
    slow_seconds: float = 1.0
    delay: float = 0.0  # before answering every message: a window to be stopped in
    received: list[EmailMessage] = field(default_factory=list)
    deferred: set[str] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address in self.defer and address not in self.deferred:
            self.deferred.add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        first = envelope.rcpt_tos[0]
        if first in self.drop and first not in self.dropped:
            self.dropped.add(first)
            transport = server.transport
            assert isinstance(transport, asyncio.Transport)
            transport.abort()  # the message is lost, and no answer comes
            return "421 gone"
        data = envelope.original_content or b""
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:  # taken: whatever happens to the answer, it is delivered
            self.received.append(message)
        if first in self.slow:
            await asyncio.sleep(self.slow_seconds)
        elif self.delay:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 OK: queued"

    def count(self, member: str) -> int:
        with self.lock:
            return sum(1 for m in self.received if m["X-Briefing-Member"] == member)

    def of(self, member: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if m["X-Briefing-Member"] == member]


def _authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = (
        isinstance(data, LoginPassword)
        and data.login == USER.encode()
        and data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    """A running server: where it listens, its CA's certificate, and its mailbox."""

    port: int
    ca: Path
    mailbox: Mailbox
    implicit_tls: bool

    def options(self, timeout: float = 5.0) -> list[str]:
        """The `briefing send` options that reach this server."""
        return [
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(self.port),
            "--smtp-security",
            "tls" if self.implicit_tls else "starttls",
            "--smtp-user",
            USER,
            "--smtp-ca",
            str(self.ca),
            "--smtp-timeout",
            str(timeout),
            "--from",
            "secretariat@example.org",
        ]


@contextmanager
def smtp_server(folder: Path, mailbox: Mailbox, implicit_tls: bool = False) -> Iterator[Server]:
    """Run a server with STARTTLS (or implicit TLS) and AUTH on 127.0.0.1 until the block ends."""
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    ca = folder / "ca.pem"
    authority.cert_pem.write_to_path(str(ca))
    port = free_port()
    tls: dict[str, Any] = (
        # aiosmtpd does not count implicit TLS as TLS for AUTH: the whole connection is TLS.
        {"ssl_context": context, "auth_require_tls": False}
        if implicit_tls
        else {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
    )
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        auth_required=True,
        **tls,
    )
    controller.start()
    try:
        yield Server(port, ca, mailbox, implicit_tls)
    finally:
        controller.stop()


def wait_for(condition: Any, seconds: float = 5.0) -> bool:
    """Wait until `condition()` holds (a server still finishing a slow answer)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


def clone_members(out: Path, recipients: Path, count: int) -> None:
    """Make `count` fictional members from the example ones, each with a copy of a built pack.

    Each clone gets its own id, address, manifest entry and edition, as a build
    would write them, without typesetting a pack for each.
    """
    import json

    import yaml

    from pipeline.editions import MEMBER_PART, edition, member_digest
    from pipeline.records.models import Recipient

    document = yaml.safe_load(recipients.read_text(encoding="utf-8"))
    examples = document["recipients"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["recipient"]: e for e in manifest["files"] if e["recipient"]}
    clones = []
    for number in range(count):
        model = dict(examples[number % len(examples)])
        base = model["id"]
        model["id"] = f"{base}-{number}"
        model["email"] = f"member-{number}@example.org"
        model.pop("cc", None)
        clones.append(model)
        identity = Recipient.model_validate(model, strict=False).identity()
        entry = json.loads(json.dumps(entries[base]))
        entry["recipient"] = model["id"]
        entry["path"] = f"recipients/{model['id']}.pdf"
        entry["parts"][MEMBER_PART] = member_digest(identity)
        entry["edition"] = edition(model["id"], entry["parts"])
        manifest["files"].append(entry)
        (out / entry["path"]).write_bytes((out / f"recipients/{base}.pdf").read_bytes())
    document["recipients"] = clones
    recipients.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
