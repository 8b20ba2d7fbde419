"""What a build is asked to do, and where it finds its inputs and puts its outputs."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.assets import CHECKOUT, asset
from pipeline.errors import UsageError

REPO = CHECKOUT
DEFAULT_RECORDS = Path("statements")
DEFAULT_TEMPLATES = asset("templates")
DEFAULT_LOCALES = asset("locales")
DEFAULT_INSTRUMENTS = asset("instruments")
DEFAULT_SCHEMAS = asset("schemas")
SOURCES = "sources"  # beside the records folder: the archived documents and their provenance


@dataclass(frozen=True)
class Paths:
    """Where the records are, where the code's assets are, where outputs go."""

    records: Path = DEFAULT_RECORDS
    out: Path = Path("output")
    templates: Path = DEFAULT_TEMPLATES
    locales: Path = DEFAULT_LOCALES
    instruments: Path = DEFAULT_INSTRUMENTS
    cache: Path = field(default_factory=lambda: Path(os.environ.get("BRIEFING_CACHE", ".cache")))


@dataclass(frozen=True)
class Finished:
    """One document typeset: which, in how many seconds, and how far the build has come."""

    path: Path
    seconds: float
    done: int
    total: int


@dataclass(frozen=True)
class Written:
    """A document of the build as the manifest lists it, and whether this build made it."""

    path: Path
    kind: str
    lang: str
    pages: int | None  # None for a format without pages
    size: int
    statements: tuple[str, ...]
    built: bool


@dataclass
class BuildRequest:
    """The options of one build, as the command line gives them."""

    statements: Sequence[str] = ()
    only: str | None = None
    langs: str | None = None
    today: dt.date | None = None
    jobs: int = 1
    force: bool = False
    recipients: Path | None = None
    explain: Callable[[str], None] | None = None  # told why each document is (re)built
    subsets: bool = True  # False only in the benchmark's comparison with WeasyPrint's fonts
    # False: leave out the documents made from another one (the web edition's copies
    # of the PDFs), so the pages alone are made, without typesetting (the preview).
    copies: bool = True
    # Where the web edition is published (`https://example.org/briefing`), named in
    # each PDF's summary; "" names none. The command line's --base-url sets it; a
    # project's settings file (briefing.toml's [web] base_url) is the other hook.
    base_url: str = ""
    progress: Callable[[Finished], None] = field(default=lambda finished: None)
    notice: Callable[[str], None] = field(default=lambda message: None)


def sources_folder(records: Path) -> Path:
    """Return where the sources of a records folder are: `sources/` beside it."""
    return records.parent / SOURCES


def build_date() -> dt.date:
    """Return the pack's date: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time") from None
    return dt.date.today()
