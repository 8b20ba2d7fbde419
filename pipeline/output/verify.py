"""`briefing verify`: prove that the files in an output folder are the ones built."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.files import read_nofollow
from pipeline.output.manifest import NAME, SUFFIXES, Manifest
from pipeline.output.transaction import STAGING, leftovers, pending_state


@dataclass(frozen=True)
class Finding:
    path: str
    problem: str  # missing, changed, not in the manifest, left by an interrupted build

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def verify(folder: Path) -> tuple[int, list[Finding]]:
    """Return how many files the manifest lists and every file that does not match it."""
    manifest = Manifest.load(folder)
    findings = []
    if manifest.problem:
        findings.append(
            Finding(NAME, f"unreadable: {manifest.problem}; the next build writes a new one")
        )
    state = pending_state(folder)
    if state:
        findings.append(Finding(f"{STAGING}/", state))
    for path in leftovers(folder):
        findings.append(
            Finding(
                str(path.relative_to(folder)),
                "a temporary file left by an interrupted build; the next build removes it",
            )
        )
    for name, entry in sorted(manifest.entries.items()):
        path = folder / name
        if path.is_symlink():
            findings.append(Finding(name, "a symbolic link, not the file built"))
            continue
        if not path.is_file():
            findings.append(Finding(name, "missing"))
            continue
        digest = hashlib.sha256(read_nofollow(path)).hexdigest()
        if digest != entry.sha256:
            findings.append(Finding(name, f"changed (sha256 {digest}, manifest {entry.sha256})"))
    for path in sorted(p for p in folder.rglob("*") if p.name.endswith(SUFFIXES)):
        name = str(path.relative_to(folder))
        if name not in manifest.entries and not name.startswith(f"{STAGING}/"):
            findings.append(Finding(name, f"not in {NAME}"))
    return len(manifest.entries), findings
