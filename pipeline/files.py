"""Writing files so that a reader sees the old one or the new one, never half of one.

Every file the pipeline writes is created beside its target with O_EXCL and
O_NOFOLLOW, flushed, then renamed over it: a symbolic link planted where a
file or a temporary file will go is never followed, and a rename replaces the
link itself, never what it points at.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from pipeline.errors import BriefingError, UsageError

TEMP_SUFFIX = ".tmp"
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temp_name(path: Path) -> Path:
    """Return a fresh temporary name beside `path`: `.<name>.<random>.tmp`."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def is_temp(path: Path) -> bool:
    """True for a temporary file `write_atomically` leaves if it is killed."""
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


def make_folder(folder: Path) -> None:
    """Make `folder` and its parents; a file in its place is a usage error."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder: choose a folder")
    folder.mkdir(parents=True, exist_ok=True)


def create_exclusive(path: Path, data: bytes) -> None:
    """Write a new file; refuse an existing one or a symbolic link (O_EXCL, O_NOFOLLOW)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, 0o666)
    try:
        _write_all(fd, data, path)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)  # half a file is no file
        raise
    os.close(fd)


def _write_all(fd: int, data: bytes, path: Path) -> None:
    """Write and flush every byte; an error names `path` (os.write's errors name none)."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError as error:
        if error.filename is not None:
            raise
        raise OSError(error.errno, error.strerror, str(path)) from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, flush to disk, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        raise BriefingError(
            f"{path} is a symbolic link; refusing to write through it. "
            "Remove the link and run the command again"
        )
    name = temp_name(path)
    try:
        fd = os.open(
            name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, 0o666 & ~_umask()
        )
        try:
            _write_all(fd, data, path)
        finally:
            os.close(fd)
        os.replace(name, path)
    except BaseException:
        name.unlink(missing_ok=True)
        raise


def read_nofollow(path: Path, limit: int | None = None) -> bytes:
    """Read a file without following a symbolic link at its last component."""
    fd = os.open(path, os.O_RDONLY | NOFOLLOW | CLOEXEC)
    try:
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read() if limit is None else handle.read(limit)
    finally:
        os.close(fd)


def confined(folder: Path, name: str) -> Path | None:
    """Return `folder/name` if `name` is a plain relative path that stays inside, else None."""
    if not name or "\x00" in name or "\\" in name:
        return None
    relative = Path(name)
    if relative.is_absolute() or any(p in ("..", ".", "") for p in name.split("/")):
        return None
    return folder / relative


def os_error_message(error: OSError, doing: str | None = None) -> str:
    """Say in one line what failed, on which path, and what to do."""
    path = error.filename if error.filename is not None else "?"
    what = doing or "cannot use"
    reason = error.strerror or str(error)
    hints = {
        errno.ENOSPC: "free some space and run the command again",
        errno.EDQUOT: "free some space and run the command again",
        errno.EACCES: "check its permissions, or choose another folder",
        errno.EPERM: "check its permissions, or choose another folder",
        errno.EROFS: "the file system is read-only: choose another folder",
        errno.EISDIR: "a folder is where a file should be: remove or rename it",
        errno.ENOTDIR: "a file is where a folder should be: remove or rename it",
        errno.ELOOP: "it is a symbolic link, which is never followed: remove the link",
        errno.EEXIST: "remove it, or choose another name",
        errno.ENOENT: "check that it exists",
    }
    hint = hints.get(error.errno or 0, "fix the problem and run the command again")
    return f"{what} {path}: {reason}; {hint}"


KEY_VARIABLE = "BRIEFING_CACHE_KEY"


@functools.cache
def _cache_key() -> bytes:
    """The secret that seals cache records: `$BRIEFING_CACHE_KEY`, else this user's key file.

    It is kept outside the cache, so whoever can write the cache folder (a shared
    drive, a CI cache a pull request saved) cannot forge a record this user's
    builds accept. A key that cannot be read or made is a fresh one per process:
    every record is then worked out again, which costs only time.
    """
    given = os.environ.get(KEY_VARIABLE)
    if given:
        return given.encode()
    home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    path = Path(home) / "briefing" / "cache.key"
    for _ in range(2):
        try:
            key = read_nofollow(path, 1024).strip()
            if len(key) >= 32:
                return key
            break
        except FileNotFoundError:
            try:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, 0o600)
                try:
                    _write_all(fd, secrets.token_hex(32).encode() + b"\n", path)
                finally:
                    os.close(fd)
            except FileExistsError:
                continue  # another process made it first: read theirs
            except OSError:
                break
        except OSError:
            break
    return secrets.token_bytes(32)


def seal(*parts: bytes) -> str:
    """Return the HMAC-SHA256, under the cache key, of `parts` taken as one message."""
    mac = hmac.new(_cache_key(), digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big") + part)
    return mac.hexdigest()


def sealed(mark: bytes, *parts: bytes) -> bool:
    """True if `mark` is the seal of `parts` (compared in constant time)."""
    return hmac.compare_digest(mark, seal(*parts).encode())
