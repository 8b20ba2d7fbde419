"""A build's outputs as one transaction: its PDFs and its manifest change together.

Every new file is first written into `output/.transaction/`, beside the
folder it replaces files in, and flushed to disk. Then a journal listing each
rename and each removal is written there (atomically): from that moment the
build is decided. The renames follow, the manifest last, and the folder is
removed. A build that stops before the journal leaves the output folder as it
was (the next build removes the unfinished folder); one that stops after it is
completed by the next build, which says so. `briefing verify` names both.

Once the journal is being written, Ctrl-C and SIGTERM are held until the renames
are done: the build then stops with exit code 130, saying that the commit was
finished (`Interrupted`), never half way and never with exit code 0.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.errors import BuildError
from pipeline.files import confined, create_exclusive, is_temp, read_nofollow, write_atomically

STAGING = ".transaction"
JOURNAL = "journal.json"


class Interrupted(BuildError):
    """Ctrl-C (or SIGTERM) came once the outputs were being committed; they were, in full."""

    exit_code = 130


class _Journal(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    moves: list[tuple[str, str]]
    removals: list[str]


@dataclass
class Transaction:
    """The files one build replaces, adds and removes in one output folder."""

    out: Path
    moves: list[tuple[str, str]] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)

    @property
    def staging(self) -> Path:
        return self.out / STAGING

    def stage(self, target: str, data: bytes) -> None:
        """Write the new contents of `target` (relative to the output folder) aside."""
        path = confined(self.out, target)
        if path is None:
            raise BuildError(f"refused to write {target!r}: it is not inside {self.out}/")
        _refuse_linked_folders(self.out, path)
        if not self.staging.is_dir():
            self.staging.mkdir()
        name = f"{len(self.moves):05d}{Path(target).suffix}"
        create_exclusive(self.staging / name, data)
        self.moves.append((name, target))

    def remove(self, target: str) -> None:
        """Remove `target` from the output folder when the transaction commits."""
        path = confined(self.out, target)
        if path is None:
            raise BuildError(f"refused to remove {target!r}: it is not inside {self.out}/")
        _refuse_linked_folders(self.out, path)
        self.removals.append(target)

    def commit(self) -> None:
        """Write the journal (the point of no return), then apply it."""
        if not self.moves and not self.removals:
            return
        if not self.staging.is_dir():
            self.staging.mkdir()
        _sync(self.staging)
        journal = _Journal(moves=self.moves, removals=self.removals)
        with _finished_first(self.out):
            write_atomically(self.staging / JOURNAL, journal.model_dump_json().encode())
            _sync(self.staging)
            _apply(self.out, journal)

    def abandon(self) -> None:
        """Remove what was staged; the output folder is as it was."""
        _remove_staging(self.out)


@contextmanager
def transaction(out: Path) -> Iterator[Transaction]:
    """Collect a build's changes; commit them at the end, or leave the folder untouched."""
    pending = Transaction(out)
    committing = False
    try:
        yield pending
        committing = True
        pending.commit()
    except BaseException:
        if not committing or not (pending.staging / JOURNAL).is_file():
            pending.abandon()
        raise


@contextmanager
def _finished_first(out: Path) -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then say the commit was finished."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, lambda n, _: caught.append(n)) for number in held}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if caught:
        raise Interrupted(
            f"interrupted while the outputs were being committed: the commit was finished "
            f"first, so {out}/ holds this build's documents and manifest"
        )


def recover(out: Path) -> list[str]:
    """Finish or undo what an interrupted build left in `out`; say what was done."""
    said = []
    staging = out / STAGING
    if staging.is_symlink() or staging.exists():
        journal = _read_journal(out)
        if journal is not None:
            _apply(out, journal)
            said.append(
                f"completed an interrupted build in {out}/: "
                f"{len(journal.moves)} files replaced, "
                f"{len(journal.removals)} removed"
            )
        else:
            _remove_staging(out)
            said.append(
                f"removed the unfinished files of an interrupted build from {staging}/ "
                "(the documents were left as they were)"
            )
    temporary = leftovers(out)
    for path in temporary:
        path.unlink(missing_ok=True)
    if temporary:
        said.append(
            f"removed {len(temporary)} temporary files an interrupted build left in "
            f"{out}/: " + ", ".join(str(p.relative_to(out)) for p in temporary)
        )
    return said


def leftovers(out: Path) -> list[Path]:
    """Return the temporary files an interrupted write left in `out`."""
    found = []
    for folder, folders, files in os.walk(out):
        folders[:] = [f for f in folders if f != STAGING]
        found += [Path(folder) / name for name in files if is_temp(Path(name))]
    return sorted(found)


def pending_state(out: Path) -> str | None:
    """Say what an interrupted build left for the next one to do, if anything."""
    staging = out / STAGING
    if not (staging.is_symlink() or staging.exists()):
        return None
    if _read_journal(out) is not None:
        return "an interrupted build's journal: the next build completes it"
    return "an interrupted build's unfinished files: the next build removes them"


def _read_journal(out: Path) -> _Journal | None:
    staging = out / STAGING
    if staging.is_symlink() or not staging.is_dir():
        return None
    try:
        journal = _Journal.model_validate_json(read_nofollow(staging / JOURNAL))
    except (OSError, ValidationError, ValueError):
        return None
    for name, target in journal.moves:
        if "/" in name or name.startswith(".") or confined(out, target) is None:
            return None
    if any(confined(out, target) is None for target in journal.removals):
        return None
    return journal


def _apply(out: Path, journal: _Journal) -> None:
    """Do the renames and removals a journal lists; doing them twice is harmless."""
    staging = out / STAGING
    touched: set[Path] = set()
    for name, target in journal.moves:
        source, path = staging / name, out / target
        if not source.is_file() or source.is_symlink():
            continue  # renamed already, before an interruption
        _refuse_linked_folders(out, path)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, path)
        touched.add(path.parent)
    for target in journal.removals:
        path = out / target
        _refuse_linked_folders(out, path)
        path.unlink(missing_ok=True)
        touched.add(path.parent)
        _remove_empty_folders(out, path.parent)
    for folder in touched:
        if folder.is_dir():
            _sync(folder)
    _remove_staging(out)


def _remove_staging(out: Path) -> None:
    staging = out / STAGING
    if staging.is_symlink() or staging.is_file():
        staging.unlink()
    elif staging.is_dir():
        shutil.rmtree(staging)


def _remove_empty_folders(out: Path, folder: Path) -> None:
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _refuse_linked_folders(out: Path, path: Path) -> None:
    """Refuse a path whose folders inside `out` include a symbolic link."""
    current = path.parent
    while current != out and current.is_relative_to(out):
        if current.is_symlink():
            raise BuildError(
                f"{current} is a symbolic link; refusing to write through it. "
                "Remove the link and build again"
            )
        current = current.parent


def _sync(folder: Path) -> None:
    """Flush a folder's entries (its renames) to disk."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
