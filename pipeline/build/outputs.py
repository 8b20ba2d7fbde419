"""The output folder: one build at a time, documents and manifest replaced together."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.config import Written
from pipeline.errors import BuildError
from pipeline.files import NOFOLLOW, os_error_message
from pipeline.i18n.languages import Language
from pipeline.output.manifest import Entry, Manifest
from pipeline.output.transaction import Transaction, transaction
from pipeline.plan.documents import Job
from pipeline.plan.kinds import KINDS, PACK, PARTIAL, RECIPIENT_PACK, Spec, holds
from pipeline.records.models import Recipients
from pipeline.records.project import Project
from pipeline.render.exporter import Made


class Changes:
    """A build's changes to its output folder, staged as each document is finished.

    A finished document goes to the transaction's staging folder at once and
    only its manifest entry stays in memory: 150 recipients' packs of 2 MB each
    would otherwise be held until the end. Nothing in the folder itself changes
    until `changing` commits, with the removals and the manifest.
    """

    def __init__(self, pending: Transaction, manifest: Manifest) -> None:
        self.pending = pending
        self.manifest = manifest
        self.built: set[Path] = set()

    def add(self, result: Made) -> None:
        job = result.job
        self.pending.stage(str(job.path), result.data)
        self.manifest.record(
            Entry.of(
                job.path,
                result.data,
                result.pages,
                job.lang,
                job.kind.name,
                list(job.statements),
                job.inputs,
                job.recipient.id if job.recipient else None,
                dict(job.parts),
                job.kind.format,
                edition=job.spec.edition or None,
                holds=holds(job.kind, job.spec),
            )
        )
        self.built.add(job.path)


@contextlib.contextmanager
def changing(
    out: Path, manifest: Manifest, gone: dict[str, str], notice: Callable[[str], None]
) -> Iterator[Changes]:
    """Stage documents as they are added; remove `gone`; commit with the manifest, or nothing."""
    with transaction(out) as pending:
        changes = Changes(pending, manifest)
        yield changes
        for name in sorted(gone):
            pending.remove(name)
            manifest.forget(name)
        if changes.built or gone or manifest.problem:
            pending.stage("manifest.json", manifest.text())
    for name, why in sorted(gone.items()):
        notice(f"removed {out / name}: {why}")


def written(manifest: Manifest, job: Job, built: bool) -> Written:
    entry = manifest.entries[str(job.path)]
    return Written(
        manifest.folder / job.path,
        job.kind.name,
        job.lang,
        entry.pages,
        entry.bytes,
        job.statements,
        built,
    )


def stale_documents(
    manifest: Manifest,
    project: Project,
    languages: dict[str, Language],
    recipients: Recipients | None,
    planned: set[str],
) -> dict[str, str]:
    """Return the listed documents whose source is gone, and why each is.

    A summary (or another document of one statement: its web page) of a
    statement no longer in the records, any document in a language without a
    catalog, a named pack no longer defined, and, when a recipients list is
    given, the pack of anyone not on it. Documents merely left out of this
    build (another language, another statement) stay as they are.
    """
    members = {r.id for r in recipients.recipients} if recipients is not None else None
    packs = {PACK.output(Spec("", (), paper=paper)).stem for paper in ("A4", "Letter")}
    packs |= {p.id for p in project.packs.packs} if project.packs else set()
    gone = {}
    for name, entry in manifest.entries.items():
        if name in planned:
            continue
        missing = [s for s in entry.statements if s not in project.statements]
        if entry.lang not in languages:
            gone[name] = f"there is no {entry.lang!r} catalog any more"
        elif KINDS[entry.kind].per_statement and missing:
            gone[name] = f"statement {missing[0]} is no longer in the records"
        elif entry.kind == PACK.name and Path(name).stem.split(PARTIAL)[0] not in packs:
            gone[name] = f"pack {Path(name).stem} is no longer defined (packs.yaml)"
        elif (
            entry.kind == RECIPIENT_PACK.name
            and members is not None
            and entry.recipient not in members
        ):
            gone[name] = f"recipient {entry.recipient} is not in the recipients list"
    return gone


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Let one build at a time write to an output folder; another stops with a message.

    The lock file is opened without following a symbolic link: a link planted
    there would otherwise have the build empty whatever it points at.
    """
    path = out / ".lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise BuildError(os_error_message(error, "cannot open the lock file")) from None
    with os.fdopen(fd, "r+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError(
                f"another build ({holder}) is writing to {out}/; "
                "wait for it to finish and run this one again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
