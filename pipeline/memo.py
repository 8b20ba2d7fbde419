"""What the build remembers in `.cache/`, read as untrusted input.

Each remembered decision is stored with the full hash of the content it was
derived from and read through a strict model; a file it names must lie inside
its cache folder and still have the content hash recorded for it. Anything
that does not check out is ignored and worked out again, never used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from pipeline.files import read_nofollow, write_atomically

MAX_BYTES = 4 * 1024 * 1024
Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class _Memo(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FontStage(_Memo):
    """The font CSS of each language, and every file it relies on.

    Files in the cache by their content hash; the system's own font files
    (outside the project, 20 MB and more) by size and modification time.
    """

    key: Hash
    css: dict[str, str]
    files: dict[str, Hash]
    system: dict[str, tuple[int, int]] = {}


class Fit(_Memo):
    """The density at which a summary fits one page, for one hash of its inputs."""

    key: Hash
    density: int = Field(ge=0)


class Complete(_Memo):
    """These very catalogs were found complete."""

    key: Hash


M = TypeVar("M", bound=_Memo)


def read(path: Path, model: type[M], key: str) -> M | None:
    """Return the memo at `path` if it parses and was made for `key`, else None."""
    try:
        raw = read_nofollow(path, MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        memo = model.model_validate_json(raw)
    except (OSError, ValidationError, ValueError):
        return None
    return memo if getattr(memo, "key", None) == key else None


def write(path: Path, memo: _Memo) -> None:
    write_atomically(path, memo.model_dump_json().encode())


def file_hash(path: Path) -> str | None:
    """Return the SHA-256 of a regular file (never through a link), or None."""
    try:
        return hashlib.sha256(read_nofollow(path)).hexdigest()
    except OSError:
        return None


def inside(folder: Path, name: str) -> Path | None:
    """Return `name` as a path if it lies inside `folder` (resolved), else None."""
    path = Path(name)
    try:
        if path.is_symlink() or not path.resolve().is_relative_to(folder.resolve()):
            return None
    except (OSError, ValueError):
        return None
    return path


def recall_font_stage(path: Path, key: str, folder: Path) -> dict[str, str] | None:
    """Return the languages' font CSS files if the stage and every file it names check out."""
    stage = read(path, FontStage, key)
    if stage is None:
        return None
    for name in [*stage.files, *stage.css.values()]:
        if inside(folder, name) is None:
            return None
    if any(name not in stage.files for name in stage.css.values()):
        return None
    for name, digest in stage.files.items():
        if file_hash(Path(name)) != digest:
            return None
    for name, identity in stage.system.items():
        if system_identity(Path(name)) != identity:
            return None
    return dict(stage.css)


def system_identity(path: Path) -> tuple[int, int] | None:
    """Return a system file's size and modification time, or None."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns
