"""The build's one cache: remembered work, addressed by content, read as untrusted input.

Everything the build remembers in `.cache/` goes through `Cache`:

- a *record* is a small JSON decision (the density a summary fits at, the font
  CSS of each language, a face's character map) stored under the hash of every
  input it was derived from, read through a strict model and used only if it
  was made for exactly that hash;
- a *blob* is a file the documents use (a font subset, a font stylesheet),
  stored under the hash of its own bytes and checked against that hash each
  time it is handed out.

Anything that does not check out is ignored and worked out again, never used.
Reads and writes touch an entry, and `prune` removes entries no build has
touched for a month and files a killed build left half-written.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from pipeline.files import is_temp, read_nofollow, write_atomically

MAX_BYTES = 4 * 1024 * 1024
KEEP_SECONDS = 30 * 24 * 3600  # an entry no build has used for a month is pruned
TMP_SECONDS = 3600  # a half-written file older than an hour belongs to no running build
Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def digest(*parts: str) -> str:
    """Hash strings as one key; the separator keeps ("ab", "c") apart from ("a", "bc")."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def hash_files(files: Sequence[Path]) -> str:
    """Hash the names and contents of files; a missing file hashes as missing."""
    sha = hashlib.sha256()
    for path in files:
        sha.update(str(path.name).encode() + b"\x00")
        try:
            sha.update(path.read_bytes())
        except OSError:
            sha.update(b"<missing>")
    return sha.hexdigest()


def file_hash(path: Path) -> str | None:
    """Return the SHA-256 of a regular file (never through a link), or None."""
    try:
        return hashlib.sha256(read_nofollow(path)).hexdigest()
    except OSError:
        return None


class Record(BaseModel):
    """A remembered decision and the key of the inputs it was made from."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    key: Hash


class FontStage(Record):
    """The font CSS of each language, and every file it relies on.

    The cache's own files by their place in it and their content hash (a copied
    cache holds); the system's own font files
    (outside the project, 20 MB and more) by size and modification time.
    """

    css: dict[str, str]
    files: dict[str, Hash]
    system: dict[str, tuple[int, int]] = {}


class Fit(Record):
    """The density at which a summary fits one page: a hint, checked by a layout."""

    density: int = Field(ge=0)


class Complete(Record):
    """These very catalogs were found complete."""


class Coverage(Record):
    """The code points a font face covers (reading a CJK collection takes a second)."""

    codepoints: list[int]


class Subset(Record):
    """A font subset made for one face, character set and feature list: its blob."""

    blob: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]*[0-9a-f]{64}\.otf$")]
    characters: int = Field(ge=0)


class Characters(Record):
    """The characters a subset holds, by its file's name: what `--explain` compares."""

    codepoints: list[int]


def characters_key(subset_name: str) -> str:
    """The key of a subset's `Characters`, from its file name."""
    return digest("characters", subset_name)


R = TypeVar("R", bound=Record)


class Cache:
    """One folder of records and blobs, each namespace in its own subfolder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def recall(self, namespace: str, key: str, model: type[R]) -> R | None:
        """Return the record made for `key` if it parses and checks out, else None."""
        path = self._record_path(namespace, key)
        try:
            raw = read_nofollow(path, MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                return None
            record = model.model_validate_json(raw)
        except (OSError, ValidationError, ValueError):
            return None
        if record.key != key:
            return None
        _touch(path)
        return record

    def remember(self, namespace: str, record: Record) -> None:
        write_atomically(
            self._record_path(namespace, record.key), record.model_dump_json().encode()
        )

    def store(self, namespace: str, data: bytes, suffix: str, label: str = "") -> Path:
        """Keep `data` under the hash of its bytes (after a readable label); return its path."""
        name = hashlib.sha256(data).hexdigest()
        path = (
            self.folder / namespace / f"{label}-{name}{suffix}"
            if label
            else (self.folder / namespace / f"{name}{suffix}")
        )
        if self.blob(path) is None:
            write_atomically(path, data)
        return path

    def blob(self, path: Path) -> Path | None:
        """Return a blob's path if it lies in this cache and its bytes match its name."""
        try:
            inside = path.resolve().is_relative_to(self.folder.resolve())
        except (OSError, ValueError):
            return None
        name = path.name.split(".", 1)[0].rsplit("-", 1)[-1]
        if not inside or path.is_symlink() or file_hash(path) != name:
            return None
        _touch(path)
        return path

    def prune(self, now: float | None = None) -> int:
        """Remove entries unused for a month and stale half-written files; return how many."""
        now = time.time() if now is None else now
        removed = 0
        for root, _, names in os.walk(self.folder):
            for name in names:
                path = Path(root) / name
                try:
                    age = now - path.lstat().st_mtime
                except OSError:
                    continue
                if age > (TMP_SECONDS if is_temp(path) else KEEP_SECONDS):
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed

    def _record_path(self, namespace: str, key: str) -> Path:
        return self.folder / namespace / f"{key[:32]}.json"


def _touch(path: Path) -> None:
    """Mark an entry used, so pruning keeps it; a read-only cache is still a cache."""
    with contextlib.suppress(OSError):
        os.utime(path)


def system_identity(path: Path) -> tuple[int, int] | None:
    """Return a system file's size and modification time, or None."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


@functools.cache
def code_hash() -> str:
    """Hash the pipeline's own source: a code change makes every output out of date."""
    package = Path(__file__).resolve().parent
    return hash_files(
        sorted(p for p in package.rglob("*.py") if p.relative_to(package).parts[0] != "deliver")
    )
