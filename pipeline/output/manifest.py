"""output/manifest.json: what was written, its hash, and what it was made from.

The manifest is input like any other: it is read through a strict model, every
path in it must stay inside the output folder, and one that cannot be read is
named as unreadable rather than taken for an empty folder.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator

from pipeline.files import confined, read_nofollow
from pipeline.version import __version__

NAME = "manifest.json"
# What an output folder holds: the PDFs, and the web edition's pages, styles and fonts.
SUFFIXES = (".pdf", ".html", ".css", ".woff2")
MAX_BYTES = 64 * 1024 * 1024

_Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class _EntryModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    path: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    sha256: _Hash
    bytes: int
    pages: int | None
    lang: str
    kind: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    statements: list[str]
    inputs: str
    recipient: str | None = None
    tool: str
    parts: dict[str, str] = {}
    format: Annotated[str, StringConstraints(pattern=r"^[a-z]{1,20}$")] = "pdf"
    edition: str | None = None  # a member's edition label (pipeline/editions.py)
    holds: Annotated[str, StringConstraints(max_length=2000)] | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        from pipeline.plan.kinds import KINDS

        if kind not in KINDS:
            raise ValueError(f"unknown kind of document {kind!r}")
        return kind


class _ManifestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    tool: Literal["briefing"]
    version: str
    files: list[_EntryModel]


@dataclass(frozen=True)
class Entry:
    """One file: enough to prove later that a file is the one that was sent."""

    path: str
    sha256: str
    bytes: int
    pages: int | None  # None for a format without pages
    lang: str
    kind: str
    statements: list[str]
    inputs: str
    recipient: str | None = None
    tool: str = __version__
    parts: dict[str, str] = field(default_factory=dict)  # each input's hash, for --explain
    format: str = "pdf"  # the exporter that made it
    edition: str | None = None  # a member's edition label, which delivery sends
    holds: str | None = None  # what the file holds, in words (a partial pack says so)

    @classmethod
    def of(
        cls,
        path: Path,
        data: builtins.bytes,
        pages: int | None,
        lang: str,
        kind: str,
        statements: list[str],
        inputs: str,
        recipient: str | None = None,
        parts: dict[str, str] | None = None,
        format: str = "pdf",
        edition: str | None = None,
        holds: str | None = None,
    ) -> Entry:
        return cls(
            str(path),
            hashlib.sha256(data).hexdigest(),
            len(data),
            pages,
            lang,
            kind,
            statements,
            inputs,
            recipient,
            parts=parts or {},
            format=format,
            edition=edition,
            holds=holds,
        )


@dataclass
class Manifest:
    """The manifest of one output folder."""

    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    problem: str | None = None  # why a manifest present could not be read
    found: bool = False

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """Read the manifest; a missing one means nothing is known to be built.

        One that exists but cannot be read is also treated as empty, and says why
        in `problem`.
        """
        manifest = cls(folder)
        path = folder / NAME
        try:
            raw = read_nofollow(path, MAX_BYTES + 1)
        except FileNotFoundError:
            return manifest
        except OSError as error:
            manifest.found = True
            manifest.problem = f"cannot be read ({error.strerror})"
            return manifest
        manifest.found = True
        try:
            if len(raw) > MAX_BYTES:
                raise ValueError(f"it is over {MAX_BYTES:,} bytes")
            model = _ManifestModel.model_validate(json.loads(raw.decode("utf-8")))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            manifest.problem = f"not a manifest: {where}: {first['msg']}"
            return manifest
        except (ValueError, UnicodeDecodeError) as error:
            manifest.problem = f"not JSON ({error})"
            return manifest
        for item in model.files:
            target = confined(folder, item.path)
            if target is None or not item.path.endswith(SUFFIXES):
                manifest.problem = (
                    f"entry {item.path!r} is not a document ({', '.join(SUFFIXES)}) "
                    f"inside {folder}/"
                )
                manifest.entries.clear()
                return manifest
            if item.path in manifest.entries:
                manifest.problem = f"entry {item.path!r} is listed twice"
                manifest.entries.clear()
                return manifest
            manifest.entries[item.path] = Entry(**item.model_dump())
        return manifest

    def is_current(self, path: Path, inputs: str) -> bool:
        """True if the file was built from these inputs and is unchanged since."""
        entry = self.entries.get(str(path))
        if entry is None or entry.inputs != inputs:
            return False
        try:
            data = read_nofollow(self.folder / path)
        except OSError:
            return False
        return len(data) == entry.bytes and hashlib.sha256(data).hexdigest() == entry.sha256

    def record(self, entry: Entry) -> None:
        self.entries[entry.path] = entry

    def forget(self, path: str) -> None:
        self.entries.pop(path, None)

    def as_json(self) -> dict[str, Any]:
        return {
            "tool": "briefing",
            "version": __version__,
            "files": [asdict(e) for _, e in sorted(self.entries.items())],
        }

    def text(self) -> builtins.bytes:
        """Return the manifest as written to disk."""
        return (json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n").encode()
