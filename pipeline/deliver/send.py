"""`briefing send`: plan each member's message, then send it once (or write it to an outbox).

The run reads the output folder's manifest and the recipients file and sends
only what the manifest lists, byte for byte as its SHA-256 says: editing the
records, templates or recipients after a build never sends an edition nobody
built. Every change of a message's state is committed to the ledger before
the next step, so a stopped run resumes where it was and sends nothing twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.deliver.ledger import RECORD_FIELDS, Delivery, Ledger
from pipeline.deliver.messages import Change, Letter, compose, message_id
from pipeline.deliver.settings import Settings, password
from pipeline.deliver.smtp import Submission
from pipeline.editions import MEMBER_PART, content, member_digest
from pipeline.errors import BriefingError
from pipeline.files import make_folder, read_nofollow, write_atomically
from pipeline.output.manifest import Entry, Manifest
from pipeline.records.models import Recipient

_STATEMENT_FILE = re.compile(r"(?:.*/)?([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.([a-z]{2,3}))?\.yaml")


@dataclass(frozen=True)
class SendOptions:
    """What one `briefing send` run is asked to do."""

    recipients: Path
    settings: Settings
    locales: Path  # the project's catalogs: the members' languages and the messages' words
    out: Path = Path("output")
    send: bool = False  # False: a dry run that only says what would be sent
    outbox: Path | None = None  # write .eml files there instead of sending
    resend_uncertain: bool = False
    say: Callable[[str], None] = field(default=lambda line: None)
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Step:
    """What the run does for one member, and why."""

    member: Recipient
    action: str  # send | nothing | uncertain | problem
    why: str
    entry: Entry | None = None
    changes: tuple[Change, ...] = ()
    held: str | None = None


@dataclass
class SendReport:
    """How the run went: counts by outcome, and what each member was told."""

    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    @property
    def exit_code(self) -> int:
        """0 when every member holds the current edition (or would, on a dry run); else 1."""
        if self.dry_run:
            return 0
        return int(any(self.counts.get(k) for k in ("failed", "uncertain", "problem")))

    def summary(self) -> str:
        order = ("sent", "exported", "up to date", "to send", "failed", "uncertain", "problem")
        told = [f"{self.counts[k]} {k}" for k in order if self.counts.get(k)]
        return ", ".join(told) or "no members"


def send(options: SendOptions) -> SendReport:
    """Plan every member's message, then send or export it unless this is a dry run."""
    from pipeline.records.validate import load_recipients

    settings = options.settings
    members = load_recipients(options.recipients, options.locales).recipients
    manifest = Manifest.load(options.out)
    if manifest.problem:
        raise BriefingError(f"{options.out}/manifest.json is {manifest.problem}")
    if not manifest.found:
        raise BriefingError(
            f"{options.out}/manifest.json not found: build the packs first "
            f"(briefing build --recipients {options.recipients} --out {options.out})"
        )
    acting = options.send or options.outbox is not None
    if acting and options.outbox is None:
        settings.check()
    if acting:
        with _locked(settings.ledger):
            ledger = Ledger(settings.ledger)
            try:
                return _run(options, members, manifest, ledger)
            finally:
                ledger.close()
    ledger_or_none = Ledger(settings.ledger) if settings.ledger.exists() else None
    try:
        return _run(options, members, manifest, ledger_or_none)
    finally:
        if ledger_or_none is not None:
            ledger_or_none.close()


def _run(
    options: SendOptions, members: list[Recipient], manifest: Manifest, ledger: Ledger | None
) -> SendReport:
    report = SendReport(dry_run=not options.send and options.outbox is None)
    steps = [_plan(member, manifest, ledger, options) for member in members]
    sending = [s for s in steps if s.action == "send"]
    submission: Submission | None = None
    if options.send and options.outbox is None and sending:
        submission = Submission(options.settings, password(options.settings))
        submission.connect()  # a refused login stops the run here, before any message
    last = [0.0]
    try:
        for step in steps:
            who = f"{step.member.id} ({step.member.email or 'no address'})"
            if step.action != "send":
                report.count("up to date" if step.action == "nothing" else step.action)
                options.say(f"{who}: {step.why}")
                continue
            assert step.entry is not None and step.entry.edition is not None
            if report.dry_run:
                report.count("to send")
                options.say(f"{who}: would send edition {step.entry.edition}: {step.why}")
                continue
            assert ledger is not None
            outcome, said = _deliver(step, options, manifest, ledger, submission, last)
            report.count(outcome)
            options.say(f"{who}: edition {step.entry.edition} {outcome}: {said}")
    finally:
        if submission is not None:
            submission.close()
    return report


def _plan(
    member: Recipient, manifest: Manifest, ledger: Ledger | None, options: SendOptions
) -> Step:
    """Say what to do for one member, from the manifest, the file and the ledger."""
    path = f"recipients/{member.id}.pdf"
    entry = manifest.entries.get(path)
    build = f"run `briefing build --recipients {options.recipients}`"
    if member.email is None:
        return Step(member, "problem", "no email address in the recipients file: not sent")
    if entry is None or entry.edition is None:
        return Step(member, "problem", f"no pack of theirs in {options.out}/: {build}")
    if entry.parts.get(MEMBER_PART) != member_digest(member.identity()):
        return Step(member, "problem", f"their details changed since their pack was built: {build}")
    history = ledger.history(member.id) if ledger else []
    current = next((d for d in history if d.edition == entry.edition), None)
    held_rows = [d for d in history if d.state in ("sent", "exported")]
    held = held_rows[-1] if held_rows else None
    if current is not None and current.state in ("sent", "exported"):
        return Step(member, "nothing", f"holds the current edition {entry.edition}: nothing new")
    if current is not None and current.state == "uncertain" and not options.resend_uncertain:
        return Step(
            member,
            "uncertain",
            f"edition {entry.edition} is uncertain ({current.reply}): not sent again "
            "without --resend-uncertain",
        )
    changes = tuple(_changes(held, entry))
    why = "; ".join(_say(c) for c in changes)
    if current is not None and current.state in ("queued", "sending", "failed"):
        why += f" (again: it was {current.state}{', ' + current.reply if current.reply else ''})"
    return Step(member, "send", why, entry, changes, held.edition if held else None)


def _changes(held: Delivery | None, entry: Entry) -> list[Change]:
    """What changed since the edition a member holds, from the ledger and the manifest."""
    if held is None:
        return [Change("first")]
    old, new = held.parts(), content(entry.parts)
    before, now = held.statements(), list(entry.statements)
    found = [Change("new", s) for s in now if s not in before]
    found += [Change("removed", s) for s in before if s not in now]
    other = False
    for name in sorted(set(old) | set(new)):
        if old.get(name) == new.get(name):
            continue
        match = _STATEMENT_FILE.fullmatch(name)
        if match and match[1] in now and match[1] in before:
            found.append(Change("translation" if match[2] else "corrected", match[1]))
        elif not (match and (match[1] not in before or match[1] not in now)):
            other = True
    if other or not found:
        found.append(Change("wording"))
    return found


def _say(change: Change) -> str:
    return {
        "first": "first edition",
        "corrected": f"a corrected statement ({change.statement})",
        "new": f"a new statement ({change.statement})",
        "translation": f"an updated translation ({change.statement})",
        "removed": f"a statement removed ({change.statement})",
        "wording": "the pack's wording or the member's details",
    }[change.what]


def _deliver(
    step: Step,
    options: SendOptions,
    manifest: Manifest,
    ledger: Ledger,
    submission: Submission | None,
    last: list[float],
) -> tuple[str, str]:
    """Send or export one member's edition; return the outcome and what to say of it."""
    settings, member, entry = options.settings, step.member, step.entry
    assert entry is not None and entry.edition is not None and member.email is not None
    data = read_nofollow(manifest.folder / entry.path)
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        return "problem", f"{entry.path} differs from the manifest: rebuild before sending"
    ledger.keep(data)
    # The day the build wrote the pack (the manifest keeps no date of its own).
    prepared = dt.datetime.fromtimestamp((manifest.folder / entry.path).stat().st_mtime).date()
    sender = settings.sender or "secretariat@briefing.invalid"
    ledger.queue(
        Delivery(
            member.id,
            entry.edition,
            member.email,
            ", ".join(member.cc),
            entry.lang,
            entry.path,
            entry.sha256,
            entry.bytes,
            json.dumps({"statements": entry.statements, "parts": content(entry.parts)}),
            "queued",
            "",
            message_id(member.id, entry.edition, sender),
            0,
            time.time(),
            time.time(),
        )
    )
    link = None
    if member.delivery == "link" or entry.bytes > settings.size_limit:
        if not settings.link_base:
            ledger.mark(member.id, entry.edition, "failed", "no link_base in [send] to link it")
            return "failed", "linked (delivery: link or over the size limit) but no link_base set"
        link = f"{settings.link_base.rstrip('/')}/{member.id}-{entry.edition}.pdf"
    letter = Letter(
        member.id,
        member.language,
        member.honorific,
        member.name,
        entry.edition,
        step.held,
        step.changes,
        prepared,
        entry.sha256,
        link,
    )
    recipients = [member.email, *member.cc]
    edition = entry.edition
    if options.outbox is not None:
        email = compose(
            letter,
            sender,
            member.email,
            list(member.cc),
            None if link else data,
            dt.datetime.now(dt.UTC),
            options.locales,
        )
        make_folder(options.outbox)
        target = options.outbox / f"{member.id}-{entry.edition}.eml"
        write_atomically(target, email.as_bytes())
        ledger.mark(member.id, entry.edition, "exported", str(target))
        return "exported", str(target)
    assert submission is not None
    said = ""
    for attempt in range(settings.retries + 1):
        _pace(settings, last, options.sleep)
        email = compose(
            letter,
            sender,
            member.email,
            list(member.cc),
            None if link else data,
            dt.datetime.now(dt.UTC),
            options.locales,
        )
        ledger.mark(member.id, entry.edition, "sending", attempt=True)
        result = submission.send(
            email,
            sender,
            recipients,
            lambda: ledger.mark(
                member.id, edition, "uncertain", "the message was sent; no reply yet"
            ),
        )
        said = result.reply
        if result.outcome == "sent":
            ledger.mark(member.id, entry.edition, "sent", said)
            return "sent", said
        if result.outcome == "uncertain":
            ledger.mark(member.id, entry.edition, "uncertain", said)
            return "uncertain", f"{said}; not sent again without --resend-uncertain"
        if result.outcome == "permanent":
            ledger.mark(member.id, entry.edition, "failed", said)
            return "failed", said
        ledger.mark(member.id, entry.edition, "queued", said)  # transient: try again
        if attempt < settings.retries:
            options.sleep(min(settings.backoff * 2**attempt, 60.0))
    ledger.mark(member.id, entry.edition, "failed", said)
    return "failed", f"{said} (after {settings.retries + 1} attempts; the next run tries again)"


def _pace(settings: Settings, last: list[float], sleep: Callable[[float], None]) -> None:
    """Keep to the rate limit: at most `rate_per_minute` messages a minute."""
    if settings.rate_per_minute > 0:
        wait = last[0] + 60.0 / settings.rate_per_minute - time.monotonic()
        if wait > 0:
            sleep(wait)
    last[0] = time.monotonic()


@contextmanager
def _locked(ledger: Path) -> Iterator[None]:
    """Hold the ledger's lock for the run; a second run stops at once (the lock dies with us)."""
    make_folder(ledger.parent)
    lock = ledger.with_name(ledger.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BriefingError(
                f"another `briefing send` is using {ledger} (lock {lock}): "
                "wait for it to finish, then run this again"
            ) from None
        yield
    finally:
        os.close(fd)


def deliveries(ledger_path: Path, out: Path | None, output_format: str) -> tuple[str, int]:
    """Show who holds which edition, who is behind, who failed; return the text and exit code."""
    if not ledger_path.exists():
        raise BriefingError(f"no ledger at {ledger_path}: nothing has been sent yet")
    ledger = Ledger(ledger_path)
    try:
        rows = ledger.everything()
    finally:
        ledger.close()
    records = [row.as_record() for row in rows]
    if output_format == "json":
        return json.dumps(records, ensure_ascii=False, indent=2), 0
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(RECORD_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue().rstrip("\n"), 0
    header = ("id", "email", "edition", "state", "attempts", "time", "reply")
    table = [tuple(str(r[k]) for k in header) for r in records]
    widths = [max(len(c) for c in column) for column in zip(header, *table, strict=True)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in (header, *table)
    ]
    behind = _behind(rows, out)
    lines += [f"behind: {line}" for line in behind]
    failing = [r for r in rows if r.state in ("failed", "uncertain")]
    lines.append(
        f"{len({r.member for r in rows})} members, {len(behind)} behind, "
        f"{len(failing)} failed or uncertain"
    )
    return "\n".join(lines), 0


def _behind(rows: list[Delivery], out: Path | None) -> list[str]:
    """Members whose latest held edition is not the one in the output folder's manifest."""
    if out is None or not (out / "manifest.json").exists():
        return []
    manifest = Manifest.load(out)
    held: dict[str, str] = {}
    for row in rows:
        if row.state in ("sent", "exported"):
            held[row.member] = row.edition
    found = []
    for entry in manifest.entries.values():
        if entry.recipient and entry.edition and held.get(entry.recipient) != entry.edition:
            holds = held.get(entry.recipient, "nothing")
            found.append(f"{entry.recipient} holds {holds}, current {entry.edition}")
    return sorted(found)
