"""output/manifest.json: what was written, its hash, and what it was made from."""

from __future__ import annotations

import builtins
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.files import write_atomically

NAME = "manifest.json"


@dataclass(frozen=True)
class Entry:
    """One file: enough to prove later that a file is the one that was sent."""

    path: str
    sha256: str
    bytes: int
    pages: int
    lang: str
    kind: str
    statements: list[str]
    inputs: str
    recipient: str | None = None
    tool: str = __version__

    @classmethod
    def of(cls, path: Path, data: builtins.bytes, pages: int, lang: str, kind: str,
           statements: list[str], inputs: str, recipient: str | None = None) -> Entry:
        return cls(str(path), hashlib.sha256(data).hexdigest(), len(data), pages, lang, kind,
                   statements, inputs, recipient)


@dataclass
class Manifest:
    """The manifest of one output folder."""

    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """Read the manifest; a missing or unreadable one means nothing is known to be built."""
        manifest = cls(folder)
        try:
            data = json.loads((folder / NAME).read_text(encoding="utf-8"))
            for raw in data["files"]:
                entry = Entry(**raw)
                manifest.entries[entry.path] = entry
        except (OSError, ValueError, KeyError, TypeError):
            manifest.entries.clear()
        return manifest

    def is_current(self, path: Path, inputs: str) -> bool:
        """True if the file was built from these inputs and is unchanged since."""
        entry = self.entries.get(str(path))
        if entry is None or entry.inputs != inputs:
            return False
        try:
            data = (self.folder / path).read_bytes()
        except OSError:
            return False
        return len(data) == entry.bytes and hashlib.sha256(data).hexdigest() == entry.sha256

    def record(self, entry: Entry) -> None:
        self.entries[entry.path] = entry

    def as_json(self) -> dict[str, Any]:
        return {"tool": "briefing", "version": __version__,
                "files": [asdict(e) for _, e in sorted(self.entries.items())]}

    def save(self) -> None:
        """Write the manifest atomically, so it never describes half a build."""
        text = json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n"
        write_atomically(self.folder / NAME, text.encode())
