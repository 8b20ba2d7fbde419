"""The kinds of document a build makes, each declaring what it is made from and how.

A new kind of document is a new `Kind` here: its format, template and
stylesheets, what it shows, which documents of it a build makes, where each one
goes, which records it is made from and carries as attachments, how it is
fitted and what it is joined to. A kind only declares: it reaches neither the
workers nor an exporter. The exporter of its format (`typeset` for PDF, `web`
for HTML) makes it; the rest of the build (hashing, the manifest, the workers,
the transaction) works on any kind.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from pipeline.cache import digest
from pipeline.errors import BuildError
from pipeline.records.models import DEFAULT_PACK, Packs, Recipient

if TYPE_CHECKING:
    from pipeline.records.instruments import Instruments
    from pipeline.records.project import Project

LETTER = "letter.css"  # added after a kind's own stylesheets for US Letter paper

Content = Literal[
    "summary",
    "pack",
    "member's pages",
    "site page",  # a page of the web edition, from the language's planned pack
    "site style",  # the web edition's stylesheet, with the language's @font-face rules
    "site font",  # a face the language's pages use, as WOFF2
    "copy",  # the bytes of the document it is joined to (a PDF served with the site)
]  # what the document shows (`render`, `web`)
Fitting = Literal["one page", "chapters", "as it comes"]  # how its exporter makes it fit
Edition = Literal["print", "web"]  # `--only web` builds every kind of the web edition
SITE = Path("site")  # the web edition's folder inside the output folder


@dataclass(frozen=True)
class Spec:
    """One document of a kind, before its inputs are hashed."""

    lang: str
    statements: tuple[str, ...]
    recipient: Recipient | None = None
    paper: str = "A4"
    pack: str = ""  # a named pack of packs.yaml; "" for today's pack
    summaries: tuple[str, ...] = ()  # of `statements`, those shown as their summary only
    edition: str = ""  # a member's edition label (pipeline/editions.py), printed on the cover
    page: str = ""  # what a document of the web edition is about (a country, a face)
    site: tuple[str, ...] = ()  # the languages a web page links between
    # Of the statements the full document would hold, those left out by --statement:
    # such a document is written under a name of its own, never the full one's.
    left_out: tuple[str, ...] = ()


PARTIAL = ".only-"  # in the name of a document some of whose statements were left out


def partial_name(stem: str, spec: Spec) -> str:
    """The file name of a document limited by --statement: never the full document's."""
    if not spec.left_out:
        return stem
    shown = "+".join(spec.statements)
    if len(spec.statements) > 3 or len(shown) > 120:
        shown = f"{len(spec.statements)}-statements-{digest(*spec.statements)[:8]}"
    return f"{stem}{PARTIAL}{shown}"


def holds(kind: Kind, spec: Spec) -> str:
    """What a document holds, in words, for the manifest."""
    said = kind.describe(spec)
    if not spec.left_out:
        return said
    total = len(spec.statements) + len(spec.left_out)
    return (
        f"part of {said}: {', '.join(spec.statements)} only "
        f"({len(spec.statements)} of {total} statements; made with --statement)"
    )


@dataclass(frozen=True)
class Listing:
    """What a kind may read, beyond its language and statements, to list its documents."""

    project: Project
    faces: Mapping[str, tuple[str, ...]]  # each language's font faces (`FontFace.name`)
    languages: tuple[str, ...]  # every language the output folder may hold


class Kind(ABC):
    """A kind of document; instances are stateless and shared by every job of the kind."""

    name: ClassVar[str]  # as the manifest and `--only` name it
    format: ClassVar[str] = "pdf"  # the exporter that makes it
    content: ClassVar[Content]
    fitting: ClassVar[Fitting] = "as it comes"
    template: ClassVar[str]
    stylesheets: ClassVar[tuple[str, ...]]  # in cascade order, after the generated font CSS
    joined_to: ClassVar[Kind | None] = None  # typeset alone, then put in front of that kind
    edition: ClassVar[Edition] = "print"
    per_statement: ClassVar[bool] = False  # one document per statement: gone with it
    # Its pages show a member's name and chamber: set in fonts made with the members'
    # texts, under family names of their own, so every other document's fonts are
    # the records' alone (the same bytes with or without --recipients).
    shows_members: ClassVar[bool] = False

    @abstractmethod
    def documents(self, lang: str, statements: list[str]) -> list[Spec]:
        """The documents of this kind in one language, for the statements chosen."""

    def listed(self, lang: str, statements: list[str], listing: Listing) -> list[Spec]:
        """The documents of this kind, for a kind that needs more than the statements to say."""
        return self.documents(lang, statements)

    def chosen_by(self, only: str | None) -> bool:
        """Whether `--only` asks for this kind: by its name or by its edition."""
        return only is None or only in (self.name, self.edition)

    @abstractmethod
    def output(self, spec: Spec) -> Path:
        """Where the document goes, relative to the output folder."""

    def sheets(self, paper: str) -> tuple[str, ...]:
        return (*self.stylesheets, LETTER) if paper == "Letter" else self.stylesheets

    def records(self, spec: Spec) -> list[str]:
        """The record keys the document is made from (each with its translation)."""
        return [*spec.statements, "vocabulary", "coalition"]

    def attachments(self, project: Project, instruments: Instruments, spec: Spec) -> list[Path]:
        """The record files the PDF carries, so a reader can check it against them."""
        return [*project.record_files(self.records(spec), spec.lang), *instruments.files]

    def parts(self, project: Project, spec: Spec) -> dict[str, str]:
        """Named hashes of inputs that are not whole files (a definition in a file)."""
        return {}

    def base(self, spec: Spec) -> Spec:
        """The document of `joined_to` that this one's pages go in front of."""
        return Spec(spec.lang, spec.statements, None, spec.paper, left_out=spec.left_out)

    def describe(self, spec: Spec) -> str:
        return f"the {spec.lang} {self.name} of {', '.join(spec.statements)}"

    def __repr__(self) -> str:
        return f"<kind {self.name}>"

    def __reduce__(self) -> str:  # sent to worker processes as the module's own instance
        return next(name for name, kind in KINDS_BY_GLOBAL.items() if kind is self)


class _Summary(Kind):
    """One statement on one page, tightened step by step until it fits."""

    name = "summary"
    content = "summary"
    fitting = "one page"
    per_statement = True
    template = "summary.html"
    stylesheets = ("print.css", "summary.css")

    def documents(self, lang: str, statements: list[str]) -> list[Spec]:
        return [Spec(lang, (statement,)) for statement in statements]

    def output(self, spec: Spec) -> Path:
        letter = "-letter" if spec.paper == "Letter" else ""
        return Path(spec.lang) / f"{spec.statements[0]}-summary{letter}.pdf"

    def attachments(self, project: Project, instruments: Instruments, spec: Spec) -> list[Path]:
        return project.record_files(list(spec.statements), spec.lang)


class _Pack(Kind):
    """Every chosen statement in full, each with its one-page summary as a chapter opening."""

    name = "pack"
    content = "pack"
    fitting = "chapters"
    template = "pack.html"
    stylesheets = ("print.css", "summary.css", "pack.css")

    def documents(self, lang: str, statements: list[str]) -> list[Spec]:
        return [Spec(lang, tuple(statements))]

    def scoped(self, lang: str, packs: Packs, ordered: list[str], chosen: list[str]) -> list[Spec]:
        """The named packs of packs.yaml in one language, each limited to the statements chosen.

        `latest` and `earlier` mean the same whatever is chosen: `ordered` is
        every statement of the project, oldest first. A pack left with none of
        the chosen statements is not made.
        """
        specs = []
        for definition in packs.packs:
            if definition.id == DEFAULT_PACK:  # today's pack, which `documents` makes
                continue
            full, summaries = definition.chosen(ordered)
            every = [s for s in ordered if s in full or s in summaries]
            shown = tuple(s for s in every if s in chosen)
            if shown:
                only = tuple(s for s in shown if s in summaries and s not in full)
                left_out = tuple(s for s in every if s not in shown)
                specs.append(
                    Spec(lang, shown, pack=definition.id, summaries=only, left_out=left_out)
                )
        return specs

    def output(self, spec: Spec) -> Path:
        if spec.pack:
            return Path(spec.lang) / f"{partial_name(spec.pack, spec)}.pdf"
        letter = "-letter" if spec.paper == "Letter" else ""
        return Path(spec.lang) / f"{partial_name(DEFAULT_PACK + letter, spec)}.pdf"

    def parts(self, project: Project, spec: Spec) -> dict[str, str]:
        """A named pack is made from its definition: editing another one leaves it be."""
        if not spec.pack or project.packs is None:
            return {}
        where = project.files.get("packs", Path("packs.yaml"))
        definition = next(p for p in project.packs.packs if p.id == spec.pack)
        return {f"{where}#{spec.pack}": digest(definition.model_dump_json())}

    def describe(self, spec: Spec) -> str:
        if spec.pack:
            return f"the {spec.lang} pack {spec.pack}"
        paper = " (US Letter)" if spec.paper == "Letter" else ""
        return f"the {spec.lang} briefing pack{paper}"


class _RecipientPack(Kind):
    """A member's own pages (a cover, the asks concerning their country) before the pack.

    Only these pages are typeset for each member; the language pack, typeset
    once, is joined behind them (pipeline/join.py), keeping its own page numbers.
    """

    name = "recipient pack"
    content = "member's pages"
    template = "recipient.html"
    stylesheets = ("print.css", "summary.css", "pack.css", "recipient.css")
    shows_members = True

    def documents(self, lang: str, statements: list[str]) -> list[Spec]:
        raise BuildError("a recipient pack is made for a recipient, not for a language")

    def for_recipient(
        self, recipient: Recipient, statements: list[str], left_out: tuple[str, ...] = ()
    ) -> Spec:
        return Spec(
            recipient.language, tuple(statements), recipient, recipient.paper, left_out=left_out
        )

    def output(self, spec: Spec) -> Path:
        assert spec.recipient is not None
        return Path("recipients") / f"{partial_name(spec.recipient.id, spec)}.pdf"

    def attachments(self, project: Project, instruments: Instruments, spec: Spec) -> list[Path]:
        return []  # the pack behind these pages carries the records

    def describe(self, spec: Spec) -> str:
        assert spec.recipient is not None
        return f"the pack for {spec.recipient.id}"


class _SitePage(Kind):
    """A page of the web edition of one language: the same plan as the PDFs, as HTML."""

    format = "html"
    edition = "web"
    content: ClassVar[Content] = "site page"
    stylesheets: ClassVar[tuple[str, ...]] = ()
    stem: ClassVar[str]  # its file name, without .html

    def documents(self, lang: str, statements: list[str]) -> list[Spec]:
        return [Spec(lang, tuple(statements))]

    def listed(self, lang: str, statements: list[str], listing: Listing) -> list[Spec]:
        site = tuple(sorted(listing.languages))
        return [replace(s, site=site) for s in self.documents(lang, statements)]

    def output(self, spec: Spec) -> Path:
        return SITE / spec.lang / f"{self.stem}.html"

    def attachments(self, project: Project, instruments: Instruments, spec: Spec) -> list[Path]:
        return list(instruments.files)  # not attached: what the instruments page reads

    def describe(self, spec: Spec) -> str:
        return f"the {spec.lang} web page {self.output(spec).name}"


class _SiteIndex(_SitePage):
    name = "web index"
    template = "web/index.html"
    stem = "index"


class _SiteStatement(_SitePage):
    """One statement: its summary, then its full text, with an anchor per paragraph."""

    name = "web statement"
    template = "web/statement.html"
    per_statement = True
    stem = ""

    def documents(self, lang: str, statements: list[str]) -> list[Spec]:
        return [Spec(lang, (statement,)) for statement in statements]

    def output(self, spec: Spec) -> Path:
        return SITE / spec.lang / f"{spec.statements[0]}.html"


class _SiteAsks(_SitePage):
    name = "web asks"
    template = "web/asks.html"
    stem = "asks"


class _SiteThemes(_SitePage):
    name = "web themes"
    template = "web/themes.html"
    stem = "themes"


class _SiteInstruments(_SitePage):
    name = "web instruments"
    template = "web/instruments.html"
    stem = "instruments"


class _SiteSources(_SitePage):
    name = "web sources"
    template = "web/sources.html"
    stem = "sources"


class _SiteCountry(_SitePage):
    """The asks concerning one country: what a member's pack opens with, for no one person."""

    name = "web country"
    template = "web/country.html"
    stem = ""

    def listed(self, lang: str, statements: list[str], listing: Listing) -> list[Spec]:
        site = tuple(sorted(listing.languages))
        return [
            Spec(lang, tuple(statements), page=c, site=site) for c in countries(listing.project)
        ]

    def output(self, spec: Spec) -> Path:
        return SITE / spec.lang / f"country-{spec.page.lower()}.html"


def countries(project: Project) -> list[str]:
    """The countries whose government or legislature an actor of the vocabulary is."""
    vocabulary = project.vocabulary
    actors = vocabulary.actors if vocabulary is not None else []
    return sorted({country for actor in actors for country in actor.countries})


class _SiteStyle(_SitePage):
    """The site's stylesheet, with @font-face rules for the language's own faces."""

    name = "web style"
    template = ""
    stylesheets = ("web/site.css",)
    content = "site style"

    def output(self, spec: Spec) -> Path:
        return SITE / spec.lang / "site.css"

    def records(self, spec: Spec) -> list[str]:
        return []

    def attachments(self, project: Project, instruments: Instruments, spec: Spec) -> list[Path]:
        return []


class _SiteFont(_SitePage):
    """One face, cut to the project's characters as the PDFs' are, as WOFF2."""

    name = "web font"
    template = ""
    stylesheets = ()
    content = "site font"

    def documents(self, lang: str, statements: list[str]) -> list[Spec]:
        return []

    def listed(self, lang: str, statements: list[str], listing: Listing) -> list[Spec]:
        return [Spec(lang, (), page=face) for face in listing.faces.get(lang, ())]

    def output(self, spec: Spec) -> Path:
        return SITE / spec.lang / "fonts" / f"{spec.page}.woff2"

    def records(self, spec: Spec) -> list[str]:
        return []

    def attachments(self, project: Project, instruments: Instruments, spec: Spec) -> list[Path]:
        return []


class _SitePdf(Kind):
    """A PDF served with the site: the bytes of the PDF built beside it, copied after it."""

    format = "html"  # the web exporter copies it
    edition = "web"
    content = "copy"
    template = ""
    stylesheets = ()

    def records(self, spec: Spec) -> list[str]:
        return []

    def attachments(self, project: Project, instruments: Instruments, spec: Spec) -> list[Path]:
        return []

    def base(self, spec: Spec) -> Spec:
        return spec

    def output(self, spec: Spec) -> Path:
        assert self.joined_to is not None
        return SITE / self.joined_to.output(spec)

    def describe(self, spec: Spec) -> str:
        return f"the copy of {self.output(spec).name} in the {spec.lang} web edition"


class _SiteSummaryPdf(_SitePdf):
    name = "web summary pdf"
    per_statement = True

    def documents(self, lang: str, statements: list[str]) -> list[Spec]:
        return [Spec(lang, (statement,)) for statement in statements]


class _SitePackPdf(_SitePdf):
    name = "web pack pdf"

    def documents(self, lang: str, statements: list[str]) -> list[Spec]:
        return [Spec(lang, tuple(statements))]


SUMMARY = _Summary()
PACK = _Pack()
RECIPIENT_PACK = _RecipientPack()
WEB_INDEX = _SiteIndex()
WEB_STATEMENT = _SiteStatement()
WEB_ASKS = _SiteAsks()
WEB_THEMES = _SiteThemes()
WEB_INSTRUMENTS = _SiteInstruments()
WEB_SOURCES = _SiteSources()
WEB_COUNTRY = _SiteCountry()
WEB_STYLE = _SiteStyle()
WEB_FONT = _SiteFont()
WEB_SUMMARY_PDF = _SiteSummaryPdf()
WEB_PACK_PDF = _SitePackPdf()
KINDS_BY_GLOBAL: dict[str, Kind] = {
    "SUMMARY": SUMMARY,
    "PACK": PACK,
    "RECIPIENT_PACK": RECIPIENT_PACK,
    "WEB_INDEX": WEB_INDEX,
    "WEB_STATEMENT": WEB_STATEMENT,
    "WEB_ASKS": WEB_ASKS,
    "WEB_THEMES": WEB_THEMES,
    "WEB_INSTRUMENTS": WEB_INSTRUMENTS,
    "WEB_SOURCES": WEB_SOURCES,
    "WEB_COUNTRY": WEB_COUNTRY,
    "WEB_STYLE": WEB_STYLE,
    "WEB_FONT": WEB_FONT,
    "WEB_SUMMARY_PDF": WEB_SUMMARY_PDF,
    "WEB_PACK_PDF": WEB_PACK_PDF,
}
# Made in every language built, in this order.
LANGUAGE_KINDS: tuple[Kind, ...] = (
    SUMMARY,
    PACK,
    WEB_STYLE,
    WEB_FONT,
    WEB_INDEX,
    WEB_STATEMENT,
    WEB_ASKS,
    WEB_THEMES,
    WEB_INSTRUMENTS,
    WEB_SOURCES,
    WEB_COUNTRY,
    WEB_SUMMARY_PDF,
    WEB_PACK_PDF,
)
KINDS: dict[str, Kind] = {kind.name: kind for kind in KINDS_BY_GLOBAL.values()}
EDITIONS: tuple[str, ...] = tuple(dict.fromkeys(kind.edition for kind in KINDS.values()))
_RecipientPack.joined_to = PACK
_SiteSummaryPdf.joined_to = SUMMARY
_SitePackPdf.joined_to = PACK
