"""The project: every valid record, as planning and rendering see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.records.models import (
    Coalition,
    Packs,
    SourceDocument,
    Statement,
    StatementTranslation,
    Vocabulary,
)


@dataclass
class Project:
    """Every valid record, ready for planning and rendering."""

    statements: dict[str, Statement]
    translations: dict[tuple[str, str], StatementTranslation]
    coalition: Coalition | None
    vocabulary: Vocabulary | None
    files: dict[str, Path] = field(default_factory=dict)
    extra: dict[tuple[str, str], object] = field(default_factory=dict)
    sources: dict[str, SourceDocument] = field(default_factory=dict)
    packs: Packs | None = None  # statements/packs.yaml, if the project has one

    def record_files(self, keys: list[str], lang: str) -> list[Path]:
        """Return the files of the records `keys`, with their `lang` translations if any."""
        found = []
        for key in keys:
            for name in (key, f"{key}.{lang}"):
                if name in self.files:
                    found.append(self.files[name])
        return found

    def source_files(self) -> list[Path]:
        """Return the provenance records of the sources, which the documents cite."""
        return [path for key, path in sorted(self.files.items()) if key.startswith("sources/")]
