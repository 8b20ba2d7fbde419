"""`briefing verify`: prove that the files in an output folder are the ones built."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.manifest import NAME, Manifest


@dataclass(frozen=True)
class Finding:
    path: str
    problem: str  # missing, changed, not in the manifest

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def verify(folder: Path) -> tuple[int, list[Finding]]:
    """Return how many files the manifest lists and every file that does not match it."""
    manifest = Manifest.load(folder)
    findings = []
    for name, entry in sorted(manifest.entries.items()):
        path = folder / name
        if not path.is_file():
            findings.append(Finding(name, "missing"))
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            findings.append(Finding(name, f"changed (sha256 {hashlib.sha256(data).hexdigest()}, "
                                          f"manifest {entry.sha256})"))
    for path in sorted(folder.rglob("*.pdf")):
        name = str(path.relative_to(folder))
        if name not in manifest.entries:
            findings.append(Finding(name, f"not in {NAME}"))
    return len(manifest.entries), findings
