"""Section 11: `briefing send` of 150 members' packs to a local SMTP server.

The example members' packs are built once; 150 fictional members are cloned
from them (a copy of a built pack each, with its own manifest entry and
edition), and sent over STARTTLS with AUTH to aiosmtpd on the loopback. The
sender runs in its own process (`python -m bench.deliver drive ...`), which
times the ledger's methods, so the report gives the wall time, the peak memory
and the ledger's share of the time.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import ssl
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.measure import briefing_command, environment, run

if TYPE_CHECKING:
    from bench.__main__ import Bench

MEMBERS = 150
USER, PASSWORD = "secretariat", "bench-password"
CONFIG = """[send]
ledger = "ledger/ledger.sqlite"
rate_per_minute = 0
link_base = "https://packs.example.org/briefing"
"""


class _Counter:
    """A mailbox that counts what it is given, and keeps nothing."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages += 1
            self.bytes += len(envelope.original_content or b"")
        await asyncio.sleep(0)
        return "250 OK"


def clone_members(out: Path, recipients: Path, count: int) -> None:
    """Make `count` fictional members from the examples, each with a copy of a built pack."""
    import yaml

    from pipeline.editions import MEMBER_PART, edition, member_digest
    from pipeline.records.models import Recipient

    document = yaml.safe_load(recipients.read_text(encoding="utf-8"))
    examples = document["recipients"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["recipient"]: e for e in manifest["files"] if e["recipient"]}
    clones = []
    for number in range(count):
        model = {**examples[number % len(examples)]}
        base = model["id"]
        model.update(id=f"{base}-{number}", email=f"member-{number}@example.org")
        model.pop("cc", None)
        clones.append(model)
        identity = Recipient.model_validate(model, strict=False).identity()
        entry = json.loads(json.dumps(entries[base]))
        entry.update(recipient=model["id"], path=f"recipients/{model['id']}.pdf")
        entry["parts"][MEMBER_PART] = member_digest(identity)
        entry["edition"] = edition(model["id"], entry["parts"])
        manifest["files"].append(entry)
        shutil.copyfile(out / f"recipients/{base}.pdf", out / entry["path"])
    document["recipients"] = clones
    recipients.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def measure_deliver(bench: Bench) -> dict[str, Any]:
    """Build the examples' packs, clone 150 members, send them all; time, memory, ledger share."""
    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    base = bench.root / "deliver"
    base.mkdir()
    examples = bench.code / "examples" / "recipients.yaml"
    build = [*briefing_command(), "build", "--records", str(bench.records), "--out"]
    build += [str(base / "output"), "--recipients", str(examples), "--only", "recipients"]
    run(build, bench.env(), bench.code).check()
    shutil.copy(examples, base / "recipients.yaml")
    clone_members(base / "output", base / "recipients.yaml", MEMBERS)
    (base / "briefing.toml").write_text(CONFIG, encoding="utf-8")

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    authority.cert_pem.write_to_path(str(base / "ca.pem"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)

    counter = _Counter()
    controller = Controller(
        counter,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        env = {**environment(bench.code), "BRIEFING_SMTP_PASSWORD": PASSWORD}
        drive = [sys.executable, "-m", "bench.deliver", "drive", str(base), str(port)]
        first = run(drive, env, bench.code, sample_memory=True).check()
        again = run(drive, env, bench.code).check()
    finally:
        controller.stop()
    told, second = json.loads(first.stdout), json.loads(again.stdout)
    ledger = base / "ledger"
    kept = sum(p.stat().st_size for p in ledger.rglob("*") if p.is_file())
    result = {
        "members": MEMBERS,
        "messages": counter.messages,
        "megabytes_sent": round(counter.bytes / 1e6, 1),
        "seconds": round(first.seconds, 2),
        "send_seconds": round(told["seconds"], 2),
        "ledger_seconds": round(told["ledger_seconds"], 3),
        "ledger_share": round(told["ledger_seconds"] / told["seconds"], 3),
        "peak_memory_mb": round(first.max_rss_mb, 1),
        "second_run_seconds": round(again.seconds, 2),
        "second_run_sent": second["counts"].get("sent", 0),
        "ledger_megabytes": round(kept / 1e6, 1),
    }
    bench.details.append(
        f"Sending: {counter.messages} messages to {MEMBERS} members "
        f"({result['megabytes_sent']} MB) in {first.seconds:.1f} s (process), "
        f"ledger {100 * result['ledger_share']:.1f} % of the "
        f"send, peak {first.max_rss_mb:.0f} MB; second run {again.seconds:.1f} s, "
        f"{result['second_run_sent']} sent; "
        f"ledger and kept editions {result['ledger_megabytes']} MB"
    )
    return result


def _drive(folder: Path, port: int) -> None:
    """Run one `send --send` in this process, timing the ledger's methods; print JSON."""
    from pipeline.config import Paths
    from pipeline.deliver import SendOptions, send
    from pipeline.deliver.ledger import Ledger
    from pipeline.deliver.settings import load_settings

    spent = [0.0]
    for name in ("queue", "mark", "keep", "history", "get", "__init__"):
        method = getattr(Ledger, name)

        def timed(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return _method(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        setattr(Ledger, name, timed)
    os.chdir(folder)
    settings = load_settings(folder).override(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_user=USER,
        smtp_ca=folder / "ca.pem",
        sender="secretariat@example.org",
    )
    start = time.perf_counter()
    report = send(
        SendOptions(
            folder / "recipients.yaml", settings, Paths().locales, out=folder / "output", send=True
        )
    )
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "ledger_seconds": spent[0], "counts": report.counts}))


if __name__ == "__main__" and sys.argv[1:2] == ["drive"]:
    _drive(Path(sys.argv[2]), int(sys.argv[3]))
