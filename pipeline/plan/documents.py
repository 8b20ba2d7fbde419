"""The documents a build makes, as data: what every exporter needs, and one job each.

Plain data, made by `build.jobs` and read by the exporters (`typeset`, `web`)
and the output folder; nothing here does any work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Paths
from pipeline.plan.kinds import Kind, Spec
from pipeline.records.instruments import Instruments
from pipeline.records.models import Recipient
from pipeline.records.project import Project


@dataclass(frozen=True)
class FontFace:
    """A face of the font stage, as the web edition serves it."""

    family: str  # as fonts.yaml names it
    css_family: str  # as the font stylesheet names it
    weight: int
    file: Path  # the subset, in the cache

    @property
    def name(self) -> str:
        return f"{self.family.replace(' ', '')}-{self.weight}"


@dataclass(frozen=True)
class Context:
    """What a worker needs to typeset any job; sent once to each worker."""

    paths: Paths
    project: Project
    instruments: Instruments
    fonts: dict[str, Path]  # the font stylesheet of each language, from the records' texts
    today: dt.date
    drafts: frozenset[str] = frozenset()  # languages built with an incomplete catalog
    subsets: bool = True  # False only in the benchmark's comparison with WeasyPrint's fonts
    faces: Mapping[str, tuple[FontFace, ...]] = field(default_factory=dict)  # for the web
    base_url: str = ""  # where the web edition is published, named in the PDFs; "" if nowhere
    # With the members' texts too, under family names of their own: one WeasyPrint font
    # configuration holds both stages' @font-face rules, which must not share a name.
    member_fonts: dict[str, Path] = field(default_factory=dict)

    def font_sheet(self, kind: Kind, lang: str) -> Path:
        """The font stylesheet of a kind of document in a language.

        Members' names reach only their own pages, so only those pages' fonts
        hold them: a pack or a summary is the same file with or without
        `--recipients`, and so are its cached fittings.
        """
        return (self.member_fonts if kind.shows_members else self.fonts)[lang]

    def sheets(self, kind: Kind, lang: str, paper: str) -> list[Path]:
        """The stylesheets of a document, in cascade order, its language's fonts first."""
        return [
            self.font_sheet(kind, lang),
            *(self.paths.templates / s for s in kind.sheets(paper)),
        ]


@dataclass(frozen=True)
class Job:
    """One document to make: its kind, which one, where it goes, and its inputs' hashes."""

    kind: Kind
    spec: Spec
    path: Path
    inputs: str
    parts: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[Path, ...] = ()
    base: Path | None = None  # the document this one's pages are joined in front of

    @property
    def lang(self) -> str:
        return self.spec.lang

    @property
    def statements(self) -> tuple[str, ...]:
        return self.spec.statements

    @property
    def recipient(self) -> Recipient | None:
        return self.spec.recipient
