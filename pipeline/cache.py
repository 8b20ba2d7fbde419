"""The build's one cache: remembered work, addressed by content, read as untrusted input.

Everything the build remembers in `.cache/` goes through `Cache`:

- a *record* is a small JSON decision (the density a summary fits at, the font
  CSS of each language, a face's character map) stored under the hash of every
  input it was derived from, read through a strict model and used only if it
  was made for exactly that hash;
- a *blob* is a file the documents use (a font subset, a font stylesheet),
  stored under the hash of its own bytes and checked against that hash each
  time it is handed out.

Each record is sealed (HMAC-SHA256) with a key kept outside the cache
(`pipeline/files.py`), so a record planted by whoever can write the cache folder
is never used: forging one costs a build time, never a byte of output. Anything
that does not check out is ignored and worked out again, never used.

The cache touches only what it wrote: its marker (`CACHEDIR.TAG`, which backup
tools also understand) at its root, and names of its own patterns in its own
namespaces. A folder that holds anything else and no marker is refused (a
typo in `BRIEFING_CACHE`, the home folder), and pruning, which removes entries
no build has touched for a month and files a killed build left half-written,
looks at nothing else.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from pipeline.errors import BriefingError
from pipeline.files import is_temp, read_nofollow, seal, sealed, write_atomically

MAX_BYTES = 4 * 1024 * 1024
KEEP_SECONDS = 30 * 24 * 3600  # an entry no build has used for a month is pruned
TMP_SECONDS = 3600  # a half-written file older than an hour belongs to no running build
Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
MARKER = "CACHEDIR.TAG"
MARKER_TEXT = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This folder is briefing's cache (pipeline/cache.py). It holds only files briefing\n"
    b"# wrote, and removing it loses nothing but time. See https://bford.info/cachedir/\n"
)
_RECORD = re.compile(r"[0-9a-f]{32}\.json")
_BLOB = re.compile(r"(?:[A-Za-z0-9_-]*-)?[0-9a-f]{64}\.(?:otf|css)")
_TEMP = re.compile(r"\.[^/]+\.[0-9a-z]+\.tmp")
# Each namespace the cache writes, and the names of what it writes there. `catalogs`
# held the complete catalogs' records, before catalogs were read every build.
NAMESPACES: dict[str, tuple[re.Pattern[str], ...]] = {
    "fit": (_RECORD,),
    "fonts": (_RECORD, _BLOB),
    "catalogs": (_RECORD,),
    "builds": (_RECORD,),  # pipeline/build/snapshot.py
}


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
    # each language's own faces and its default group's: (family, CSS family, weight, subset)
    faces: dict[str, list[tuple[str, str, int, str]]] = {}


class Fit(Record):
    """The density at which a summary fits one page: a hint, checked by a layout."""

    density: int = Field(ge=0)


class Coverage(Record):
    """The code points a font face covers (reading a CJK collection takes a second)."""

    codepoints: list[int]


class Subset(Record):
    """A font subset made for one face, character set and feature list: its blob."""

    blob: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]*[0-9a-f]{64}\.otf$")]
    characters: int = Field(ge=0)


class Converted(Record):
    """A blob made from another by a fixed conversion (a font subset as WOFF2): its name."""

    blob: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]*[0-9a-f]{64}\.[a-z0-9]{1,8}$")]


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
        self._claimed = False

    def claim(self) -> None:
        """Make the folder this cache's, or refuse it if it holds files the cache did not write.

        An empty or missing folder gets the marker; so does a cache written before
        the marker was, whose every file has one of the cache's own names.
        """
        if self._claimed:
            return
        marker = self.folder / MARKER
        if marker.is_symlink() or marker.is_dir():
            raise BriefingError(f"{marker} is not the cache's marker file: {_CHOOSE}")
        if not marker.is_file():
            if self.folder.exists() and not self.folder.is_dir():
                raise BriefingError(f"the cache folder {self.folder} is a file: {_CHOOSE}")
            foreign = _foreign(self.folder)
            if foreign is not None:
                raise BriefingError(
                    f"the cache folder {self.folder} holds {foreign}, which the cache did not "
                    f"write, and no {MARKER}: {_CHOOSE}"
                )
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(marker, MARKER_TEXT)
        self._claimed = True

    def recall(self, namespace: str, key: str, model: type[R]) -> R | None:
        """Return the record made for `key` if its seal, model and key check out, else None."""
        path = self._record_path(namespace, key)
        try:
            raw = read_nofollow(path, MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                return None
            mark, _, body = raw.partition(b"\n")
            if not sealed(mark, namespace.encode(), body):
                return None  # not written by this user's builds: never trusted
            record = model.model_validate_json(body)
        except (OSError, ValidationError, ValueError):
            return None
        if record.key != key:
            return None
        _touch(path)
        return record

    def remember(self, namespace: str, record: Record) -> None:
        """Keep a record, sealed, under its key."""
        self.claim()
        body = record.model_dump_json().encode()
        mark = seal(namespace.encode(), body).encode()
        write_atomically(self._record_path(namespace, record.key), mark + b"\n" + body)

    def store(self, namespace: str, data: bytes, suffix: str, label: str = "") -> Path:
        """Keep `data` under the hash of its bytes (after a readable label); return its path."""
        name = hashlib.sha256(data).hexdigest()
        path = (
            self.folder / namespace / f"{label}-{name}{suffix}"
            if label
            else (self.folder / namespace / f"{name}{suffix}")
        )
        if self.blob(path) is None:
            self.claim()
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
        """Remove entries unused for a month and stale half-written files; return how many.

        Only in a folder with the cache's marker, only in its namespaces, only
        names of its own patterns, only regular files (never a link or a folder).
        """
        marker = self.folder / MARKER
        if marker.is_symlink() or not marker.is_file():
            return 0
        now = time.time() if now is None else now
        removed = 0
        for namespace, patterns in NAMESPACES.items():
            folder = self.folder / namespace
            if folder.is_symlink() or not folder.is_dir():
                continue
            with contextlib.suppress(OSError):
                for entry in os.scandir(folder):
                    temporary = is_temp(Path(entry.name)) and _TEMP.fullmatch(entry.name)
                    if not (temporary or any(p.fullmatch(entry.name) for p in patterns)):
                        continue
                    try:
                        if not entry.is_file(follow_symlinks=False):
                            continue
                        age = now - entry.stat(follow_symlinks=False).st_mtime
                    except OSError:
                        continue
                    if age > (TMP_SECONDS if temporary else KEEP_SECONDS):
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)
                            removed += 1
        return removed

    def _record_path(self, namespace: str, key: str) -> Path:
        return self.folder / namespace / f"{key[:32]}.json"


_CHOOSE = "set BRIEFING_CACHE to an empty or new folder (the cache writes only its own files)"


def _foreign(folder: Path) -> str | None:
    """Name something in `folder` the cache would not have written, or None."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return None
    for entry in sorted(entries, key=lambda e: e.name):
        patterns = NAMESPACES.get(entry.name)
        if patterns is None or entry.is_symlink() or not entry.is_dir():
            return repr(entry.name)
        for inner in sorted(os.scandir(entry.path), key=lambda e: e.name):
            mine = any(p.fullmatch(inner.name) for p in patterns) or _TEMP.fullmatch(inner.name)
            if not mine or not inner.is_file(follow_symlinks=False):
                return repr(f"{entry.name}/{inner.name}")
    return None


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
