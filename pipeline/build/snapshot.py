"""A no-op build without loading a record: every file as the last build left it.

After each build, the size and modification time of every file it read or
wrote is kept in the cache under the hash of the request (`builds/<key>.json`).
The next build of the same request looks at those files first: if each is
unchanged and no file has appeared or gone in the folders it reads, there is
nothing to do, and it says so without parsing 150 records and recipients,
which is what a no-op build at the scale of a decade spends its time on.

Like make, this trusts sizes and times; a change that keeps both can only make
a build skip, never write anything, and `--force` rebuilds while `briefing
verify` checks every byte. A snapshot is sealed like every cache record
(`pipeline/files.py`), so one planted in the cache is never believed. This module imports only
the standard library, so the no-op path does not pay for the rest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pipeline.config import BuildRequest, Paths, Written, sources_folder
from pipeline.files import seal, sealed
from pipeline.version import __version__

NAMESPACE = "builds"
_CODE = Path(__file__).resolve().parents[1]  # the whole package
_SKIPPED = {"__pycache__", ".transaction", ".git"}
Stats = dict[str, list[int]]


def unchanged(paths: Paths, request: BuildRequest, today: dt.date) -> list[Written] | None:
    """Return what the last build of this request wrote, if nothing changed since."""
    if request.force or request.explain is not None or (paths.out / ".transaction").exists():
        return None
    try:
        with (paths.cache / NAMESPACE / f"{_key(paths, request, today)}.json").open("rb") as f:
            mark, _, body = f.read(64 * 1024 * 1024).partition(b"\n")
        if not sealed(mark, NAMESPACE.encode(), body):
            return None
        kept = json.loads(body)
        extra = [Path(p) for p in kept["extra"]]
        if kept["files"] != _stats(paths, request, extra):
            return None
        return [
            Written(
                Path(w["path"]),
                w["kind"],
                w["lang"],
                int(w["pages"]),
                int(w["size"]),
                tuple(w["statements"]),
                False,
            )
            for w in kept["written"]
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no snapshot, or one that does not read: the build works it out


def remember(
    paths: Paths,
    request: BuildRequest,
    today: dt.date,
    written: Sequence[Written],
    extra: Iterable[Path],
) -> None:
    """Keep the stats of every file this build read or wrote, for the next one."""
    names = sorted({str(p) for p in extra})
    kept = {
        "files": _stats(paths, request, [Path(p) for p in names]),
        "extra": names,
        "written": [
            {
                "path": str(w.path),
                "kind": w.kind,
                "lang": w.lang,
                "pages": w.pages,
                "size": w.size,
                "statements": list(w.statements),
            }
            for w in written
        ],
    }
    folder = paths.cache / NAMESPACE
    target = folder / f"{_key(paths, request, today)}.json"
    temporary = folder / f".{target.name}.{os.getpid()}.tmp"
    body = json.dumps(kept, sort_keys=True).encode()
    try:  # the documents are written: a snapshot that cannot be kept costs the next build time
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(seal(NAMESPACE.encode(), body).encode() + b"\n" + body)
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _key(paths: Paths, request: BuildRequest, today: dt.date) -> str:
    parts = [
        __version__,
        *(
            str(p.resolve())
            for p in (
                paths.records,
                paths.out,
                paths.templates,
                paths.locales,
                paths.instruments,
                paths.cache,
            )
        ),
        ",".join(request.statements),
        str(request.only),
        str(request.langs),
        str(request.recipients.resolve()) if request.recipients else "",
        str(request.subsets),
        request.paper,
        str(request.copies),
        request.base_url,
        today.isoformat(),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def _stats(paths: Paths, request: BuildRequest, extra: list[Path]) -> Stats:
    """Size and modification time of every file a build of this request reads or writes."""
    roots = [
        paths.records,
        sources_folder(paths.records),
        paths.templates,
        paths.locales,
        paths.instruments,
        _CODE,
    ]
    # Each root as the file system names it: a folder given as `locales` and as
    # `/project/locales` is one folder, whose files must not look changed.
    files = [*(f for root in roots for f in _walk(root.resolve())), *extra]
    files += _walk(paths.out, temporary=True)  # a leftover of a killed build: the full path
    if request.recipients is not None:
        files.append(request.recipients)
    stats: Stats = {}
    for file in files:
        try:
            info = file.stat()
        except OSError:
            stats[str(file)] = [-1, -1]
            continue
        stats[str(file)] = [info.st_size, info.st_mtime_ns]
    return stats


def _walk(root: Path, temporary: bool = False) -> Iterator[Path]:
    with contextlib.suppress(OSError):
        for folder, folders, names in os.walk(root):
            folders[:] = sorted(f for f in folders if f not in _SKIPPED)
            for name in sorted(names):
                if (temporary or not name.endswith(".tmp")) and name != ".lock":
                    yield Path(folder) / name
