"""What each document shows: statements merged with their translations, asks, themes.

The views here are plain data in one language, with every text tagged with
the language it is really in, so the templates only lay them out.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel

from pipeline.errors import BuildError
from pipeline.i18n.languages import SOURCE_LANGUAGE, Formatter, Language, T, pick
from pipeline.records.instruments import ArticleView, Instruments
from pipeline.records.models import (
    Coalition,
    CoalitionTranslation,
    EditorialNote,
    Instrument,
    Item,
    MeetingRecord,
    MembershipCount,
    Paragraph,
    Recipient,
    Resolution,
    SourceDocument,
    Statement,
    StatementTranslation,
    Theme,
    VocabularyTranslation,
    printed_verb,
)
from pipeline.records.originals import stale_texts
from pipeline.records.overlay import Aligned, Where, aligned
from pipeline.records.project import Project


@dataclass(frozen=True)
class ActorView:
    id: str
    name: T
    anchor: str
    countries: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Segment:
    """A run of paragraph text; a quotation links to the instrument it quotes."""

    text: str
    link: str | None = None
    lead: bool = False  # a preambular clause's leading words (Reaffirming)


@dataclass(frozen=True)
class ParagraphView:
    lang: str
    segments: list[Segment]
    stale: bool = False


@dataclass(frozen=True)
class ItemView:
    anchor: str
    action: T | None
    text: T
    verb: T | None  # the verb as the document prints it (or its translation)
    ask: T | None
    addressees: list[ActorView]
    concerns: list[ActorView]
    kind: str = "ask"  # ask, commitment, expression
    commitment: T | None = None
    group: str = ""  # the verb asks are grouped by


@dataclass(frozen=True)
class ResolutionView:
    number: int
    anchor: str
    text: T
    verb: T | None
    ask: T | None
    addressees: list[ActorView]
    concerns: list[ActorView]
    items: list[ItemView]
    kind: str = "ask"
    commitment: T | None = None
    group: str = ""
    missing_before: list[int] = field(default_factory=list)  # declared gaps before it


@dataclass(frozen=True)
class Cite:
    """How a document is cited where one year may hold several: by year, kind, then date."""

    year: int
    document: str | None = None  # its kind, where its year holds documents of other kinds
    date: str | None = None  # its date, where its year holds others of its kind


@dataclass(frozen=True)
class IssuerView:
    """One issuer; the coalition is named by the page (as printed, or translated)."""

    coalition: bool
    name: T


@dataclass(frozen=True)
class AskRow:
    """One line of 'who is asked to do what'."""

    statement_id: str
    year: int
    resolution: int
    anchor: str
    addressees: list[ActorView]
    concerns: list[ActorView]
    verb: T | None
    summary: T
    cite: Cite = Cite(0)
    group: str = ""  # the verb it is grouped by: the normalised verb, or the printed one


@dataclass(frozen=True)
class CommitmentRow:
    """One of the coalition's own undertakings, with whom it concerns."""

    statement_id: str
    resolution: int
    anchor: str
    concerns: list[ActorView]
    summary: T


@dataclass(frozen=True)
class TranslationState:
    status: str  # original, official, unofficial, partial, untranslated
    note: T | None
    original_language: str
    stale: int = 0  # texts that translate an earlier version of the original
    # A partial translation's own status: what it does translate is still official
    # or unofficial, and the mark must say which.
    translated: str = ""


@dataclass(frozen=True)
class StatementView:
    id: str
    anchor: str
    lang: str
    year: int
    title: T
    heading: list[T]
    issuing_body: T
    meeting_ordinal: int | None
    place: str  # "place not stated" where the document names none
    adopted: str
    overview: T
    preamble: list[ParagraphView]
    resolutions: list[ResolutionView]
    asks: list[AskRow]
    sources: list[str]
    state: TranslationState
    density: int = 0
    documents: list[SourceDocument] = field(default_factory=list)  # the sources, as archived
    document: str = "joint-statement"  # its kind
    issuers: list[IssuerView] = field(default_factory=list)
    conference: T | None = None  # the conference's name, if a conference adopted it
    cite: Cite = Cite(0)
    kinds_shown: bool = False  # the project holds documents of several kinds: say which
    opening: T | None = None
    commitments: list[CommitmentRow] = field(default_factory=list)
    incomplete: T | None = None  # what of the text is missing
    truncated: bool = False  # the text stops before its end


@dataclass(frozen=True)
class AskYear:
    """The places the documents of one citation make an ask, newest first.

    Usually one document; several only where nothing but their text tells them
    apart (one year, kind and date), each row still linking to its own.
    """

    year: int
    rows: list[AskRow]
    cite: Cite = Cite(0)


@dataclass(frozen=True)
class RepeatedAsk:
    """One ask of (or concerning) one actor, with every year it was made.

    An ask whose action and summary read the same once normalised is one ask,
    however many statements repeat it; each place stays a link to its resolution.
    """

    verb: T | None
    summary: T
    addressees: list[ActorView]
    concerning: bool  # asked of others, concerning the actor
    years: list[AskYear]  # newest first

    @property
    def made(self) -> int:
        """Return how many times the statements make this ask."""
        return sum(len(y.rows) for y in self.years)


@dataclass(frozen=True)
class ActorAsks:
    actor: ActorView
    asks: list[RepeatedAsk]  # newest first


@dataclass(frozen=True)
class ThemeTrend:
    """One theme's asks in each statement (oldest first), and the latest change."""

    number: int  # the theme's column in the statement-by-theme grid
    theme: T
    description: T | None
    counts: list[int]
    verdict: str  # new, returns, recurs, strengthened, weakened, dropped, constant, incomplete
    first: int  # the year of the first statement that asks under it

    @property
    def statements(self) -> int:
        """Return how many statements ask something under this theme."""
        return sum(1 for count in self.counts if count)


@dataclass(frozen=True)
class GridRow:
    """One statement's line in the statement-by-theme grid."""

    statement: StatementView
    first_of_year: bool  # the year's first statement: the year is printed in full
    counts: list[int]


@dataclass(frozen=True)
class ThemeGrid:
    """Statements as rows, grouped by year, and at most `GRID_COLUMNS` themes as columns."""

    themes: list[ThemeTrend]
    rows: list[GridRow]


@dataclass(frozen=True)
class SummaryView:
    """Everything one statement's one-page summary shows."""

    statement: StatementView
    coalition: bool  # the coalition record is there, to name the coalition


@dataclass(frozen=True)
class MembershipRow:
    """One count of the coalition's members, as the pack's table shows it."""

    date: str
    members: str
    countries: str | None
    source: str


@dataclass(frozen=True)
class MeetingRow:
    """One general meeting; it links to its statement only if the pack holds it."""

    when: str
    ordinal: int | None
    place: str
    statement: str | None
    note: str | None
    name: str | None = None  # a conference's name
    documents: list[tuple[str, str]] = field(default_factory=list)  # (anchor, kind) in the pack


@dataclass(frozen=True)
class Citation:
    """A source as the pack cites it: the document's own title, and a short label."""

    title: str
    short: T


@dataclass(frozen=True)
class RecipientView:
    """Who a recipient's pack is for, and what the statements ask of their country."""

    recipient: Recipient
    country: str
    asks: CountryAsks


@dataclass
class PackView:
    """Everything one language's pack shows."""

    lang: str
    statements: list[StatementView]
    actors: list[ActorAsks]
    themes: list[ThemeTrend]
    years: list[int]
    coalition: Coalition
    notes: dict[str, T]
    founded_month: str
    membership: list[MembershipRow]
    meetings: list[MeetingRow]
    sources: list[SourceDocument]  # those the pack cites
    citations: dict[str, Citation]  # by source id
    instruments: list[tuple[Instrument, T, list[ArticleView]]]
    recipient: RecipientView | None = None
    summary_only: frozenset[str] = frozenset()  # statements shown without their full text
    theme_grids: list[ThemeGrid] = field(default_factory=list)  # statements as rows, by year
    uncompared: list[StatementView] = field(
        default_factory=list
    )  # incomplete, among the latest two

    @property
    def commitments(self) -> list[StatementView]:
        """Return the documents with commitments of the coalition's own."""
        return [s for s in self.statements if s.commitments]

    @property
    def general_meetings_only(self) -> bool:
        """Return whether every document is a joint statement of a general meeting."""
        return all(s.document == "joint-statement" and not s.conference for s in self.statements)


def anchor_for(*parts: object) -> str:
    return "-".join(str(p) for p in parts)


class Overlay:
    """A record's texts with its translation laid over them, each falling back on its own.

    A text the translation gives is shown in the translation's language; one it
    leaves out is the original's, tagged with the original's language; one made
    from an earlier version of its original is marked stale.
    """

    def __init__(
        self,
        original: BaseModel,
        translation: BaseModel | None,
        source: str,
        lang: str,
        stale: Collection[str] = (),
    ) -> None:
        self.source = source
        self.lang = lang
        self.stale = stale
        self.fields = {f.where: f for f in aligned(original, translation) if f.original is not None}

    def text(self, *where: str | int) -> T:
        """Return the text at `where` (the original's field) in the language it is shown in."""
        field = self.fields[where]
        if not isinstance(field.original, str):
            raise TypeError(f"{where} is not a text")
        translated = field.translated if isinstance(field.translated, str) else None
        shown = pick(field.original, translated, self.source, self.lang)
        if translated is not None and translated in self.stale:
            return T(shown.text, shown.lang, stale=True)
        return shown

    def given(self, *where: str | int) -> bool:
        """Return whether the translation gives the field at `where`."""
        return self.fields[where].translated is not None


class Planner:
    """Build the views of one language from the project's records."""

    def __init__(self, project: Project, language: Language, instruments: Instruments) -> None:
        self.project = project
        self.language = language
        self.lang = language.code
        self.fmt = Formatter(language)
        self.instruments = instruments
        vocabulary = project.vocabulary
        self._vocabulary = (
            Overlay(vocabulary, _vocabulary_translation(project, self.lang), "en", self.lang)
            if vocabulary is not None
            else None
        )
        actors = vocabulary.actors if vocabulary else []
        themes = vocabulary.themes if vocabulary else []
        self.actors = {
            a.id: ActorView(
                a.id, self._name("actors", i), anchor_for("actor", a.id), tuple(a.countries), a.kind
            )
            for i, a in enumerate(actors)
        }
        self.themes = {t.id: t for t in themes}
        self._theme_index = {t.id: i for i, t in enumerate(themes)}

    # --- vocabulary ----------------------------------------------------------

    def _name(self, *where: str | int) -> T:
        assert self._vocabulary is not None  # there are names only in a vocabulary
        return self._vocabulary.text(*where, "name")

    def theme_name(self, theme: Theme) -> tuple[T, T | None]:
        where = ("themes", self._theme_index[theme.id])
        description = None
        if theme.description and self._vocabulary is not None:
            description = self._vocabulary.text(*where, "description")
        return self._name(*where), description

    # --- statements ----------------------------------------------------------

    def _translation(self, statement: Statement) -> StatementTranslation | None:
        if statement.language == self.lang:
            return None
        return self.project.translations.get((statement.id, self.lang))

    def statement(self, statement: Statement, density: int = 0) -> StatementView:
        tr = self._translation(statement)
        stale = (
            {s.pair.translated for s in stale_texts(statement, tr)}
            if tr is not None and tr.originals is not None
            else set()
        )
        over = Overlay(statement, tr, statement.language, self.lang, stale)
        meeting = statement.meeting
        city = over.text("meeting", "city").text if meeting.city else None
        view = StatementView(
            id=statement.id,
            anchor=statement.id,
            lang=self.lang,
            year=statement.year,
            title=over.text("title"),
            heading=[over.text("heading", i) for i in range(len(statement.heading))],
            issuing_body=T(statement.issuing_body or self._coalition_name(), statement.language),
            meeting_ordinal=meeting.ordinal,
            place=self.fmt.place(city, meeting.country),
            adopted=self.fmt.date(statement.adopted),
            overview=over.text("overview"),
            preamble=[self._paragraph(over, i, p) for i, p in enumerate(statement.preamble)],
            resolutions=[
                self._resolution(statement, i, r, over) for i, r in enumerate(statement.resolutions)
            ],
            asks=[],
            sources=[ref.source for ref in statement.sources],
            state=self._state(statement, tr, len(stale)),
            density=density,
            documents=[
                self.project.sources[ref.source]
                for ref in statement.sources
                if ref.source in self.project.sources
            ],
            document=statement.document,
            issuers=self._issuers(statement),
            conference=over.text("meeting", "name") if meeting.name else None,
            cite=self._cite(statement),
            kinds_shown=len({s.document for s in self.project.statements.values()}) > 1,
            opening=over.text("opening") if statement.opening else None,
            incomplete=over.text("incomplete", "where") if statement.incomplete else None,
            truncated=bool(statement.incomplete and statement.incomplete.truncated),
        )
        view.asks.extend(_asks(view))
        view.commitments.extend(_commitments(view))
        return view

    def _coalition_name(self) -> str:
        coalition = self.project.coalition
        return coalition.name if coalition else ""

    def _issuers(self, statement: Statement) -> list[IssuerView]:
        """Return who issued the statement: the coalition (named by the page), then the others."""
        issuers = (
            statement.issuers or [a.id for a in self.actors.values() if a.kind == "coalition"][:1]
        )
        out = [
            IssuerView(self.actors[a].kind == "coalition", self.actors[a].name)
            for a in issuers
            if a in self.actors
        ]
        return out or [IssuerView(True, T(self._coalition_name(), SOURCE_LANGUAGE))]

    def _cite(self, statement: Statement) -> Cite:
        """Cite by year, adding the kind, then the date, only where they tell documents apart.

        Documents that nothing but their text tells apart (of one kind, adopted the
        same day) share a citation: their asks are listed under it together, each
        resolution number linking to its own document.
        """
        same_year = [s for s in self.project.statements.values() if s.year == statement.year]
        document = statement.document if len({s.document for s in same_year}) > 1 else None
        dates = {s.adopted for s in same_year if s.document == statement.document}
        if len(dates) <= 1:
            return Cite(statement.year, document)
        return Cite(statement.year, statement.document, self.fmt.date(statement.adopted, "medium"))

    def summary(self, statement: Statement, density: int = 0) -> SummaryView:
        """Return what the one-page summary of `statement` shows, at `density`."""
        return SummaryView(self.statement(statement, density), self.project.coalition is not None)

    def _paragraph(self, over: Overlay, index: int, paragraph: Paragraph) -> ParagraphView:
        """A preamble paragraph; a translated one quotes the official translated text."""
        where = ("preamble", index)
        shown = over.text(*where, "text")
        translated = over.given(*where, "text")
        quotes = [
            over.text(*where, "quotations", q, "text").text if translated else quotation.text
            for q, quotation in enumerate(paragraph.quotations)
        ]
        links = [self.instruments.anchor(q.instrument, q.article) for q in paragraph.quotations]
        segments = _segments(shown.text, quotes, links)
        leading = (
            over.text(*where, "leading").text
            if paragraph.leading and (over.given(*where, "leading") or not translated)
            else None
        )
        first = segments[0] if segments else None
        if leading and first and first.link is None and first.text.startswith(leading):
            rest = first.text[len(leading) :]
            segments[:1] = [Segment(leading, lead=True), *([Segment(rest)] if rest else [])]
        return ParagraphView(shown.lang, segments, shown.stale)

    def _resolution(
        self, statement: Statement, index: int, resolution: Resolution, over: Overlay
    ) -> ResolutionView:
        where: Where = ("resolutions", index)
        anchor = anchor_for(statement.id, "r", resolution.number)
        ask = resolution.ask
        before = statement.resolutions[index - 1].number if index else 0
        return ResolutionView(
            number=resolution.number,
            anchor=anchor,
            text=over.text(*where, "text"),
            verb=_verb(over, where, resolution.text, None, ask),
            ask=over.text(*where, "ask", "summary") if ask else None,
            addressees=[self.actors[a] for a in resolution.addressees if a in self.actors],
            concerns=[self.actors[a] for a in resolution.concerns if a in self.actors],
            items=[
                self._item(anchor, (*where, "items", i), i, item, over)
                for i, item in enumerate(resolution.items)
            ],
            kind=resolution.kind,
            commitment=_commitment(over, where, resolution.commitment),
            group=_group(resolution.text, None, ask),
            missing_before=list(range(before + 1, resolution.number)),
        )

    def _item(self, parent: str, where: Where, index: int, item: Item, over: Overlay) -> ItemView:
        action = over.text(*where, "action") if item.action else None
        return ItemView(
            anchor=anchor_for(parent, "i", index + 1),
            action=action,
            text=over.text(*where, "text"),
            verb=_verb(over, where, item.text, item.action, item.ask),
            ask=over.text(*where, "ask", "summary") if item.ask else None,
            addressees=[self.actors[a] for a in item.addressees if a in self.actors],
            concerns=[self.actors[a] for a in item.concerns if a in self.actors],
            kind=item.kind,
            commitment=_commitment(over, where, item.commitment),
            group=_group(item.text, item.action, item.ask),
        )

    def _state(
        self, statement: Statement, tr: StatementTranslation | None, stale: int = 0
    ) -> TranslationState:
        if statement.language == self.lang:
            return TranslationState("original", None, statement.language)
        if tr is None:
            return TranslationState("untranslated", None, statement.language)
        complete = translated_share(statement, tr) >= 1.0
        status = tr.translation.status if complete else "partial"
        note = T(tr.translation.note, self.lang) if tr.translation.note else None
        return TranslationState(status, note, statement.language, stale, tr.translation.status)

    # --- the pack --------------------------------------------------------------

    def pack(
        self,
        densities: dict[str, int],
        chosen: list[str] | None = None,
        recipient: Recipient | None = None,
        summaries: Collection[str] = (),
    ) -> PackView:
        """Return what the pack of the `chosen` statements (all by default) shows.

        Those in `summaries` are shown as their summary only; an ask of such a
        statement points at that summary, the one place in the pack that states it.
        """
        coalition = self.project.coalition
        if coalition is None:
            raise BuildError("the briefing pack needs the coalition record (coalition.yaml)")
        statements = [
            self.statement(s, densities.get(s.id, 0))
            for s in self.project.statements.values()
            if chosen is None or s.id in chosen
        ]
        for view in statements:
            if view.id in summaries:
                view.asks[:] = [replace(row, anchor=f"{view.anchor}-summary") for row in view.asks]
        actors = _asks_by_actor(statements, list(self.actors.values()))
        vocabulary = self.project.vocabulary
        themes = _themes_over_time(self, statements, vocabulary.themes if vocabulary else [])
        founded_year, founded_month = (int(p) for p in coalition.founded.date.split("-"))
        in_pack = {s.id for s in statements}
        cited = _cited(coalition, [statement.sources for statement in statements])
        planned = PackView(
            lang=self.lang,
            statements=statements,
            actors=actors,
            themes=themes,
            years=[s.year for s in statements],
            coalition=coalition,
            notes=self._notes(),
            founded_month=self.fmt.month(founded_year, founded_month),
            membership=[self._membership(row) for row in coalition.membership],
            meetings=[self._meeting(m, coalition.notes, in_pack) for m in coalition.meetings],
            sources=[s for s in self.project.sources.values() if s.id in cited],
            citations={source: self._citation(source) for source in sorted(cited)},
            instruments=self.instruments.articles(self.lang),
            recipient=self._recipient(statements, recipient) if recipient else None,
            summary_only=frozenset(s.id for s in statements if s.id in summaries),
        )
        planned.theme_grids = theme_grids(planned)
        planned.uncompared = [s for s in chronological(statements)[-2:] if s.incomplete]
        return planned

    def for_recipient(self, pack: PackView, recipient: Recipient) -> PackView:
        """The pack as one member's own pages see it: the same views, with their country's asks."""
        return replace(pack, recipient=self._recipient(pack.statements, recipient))

    def _recipient(self, statements: list[StatementView], recipient: Recipient) -> RecipientView:
        country = self.fmt.country(recipient.country)
        return RecipientView(recipient, country, asks_concerning(statements, recipient.country))

    def _citation(self, source_id: str) -> Citation:
        source = self.project.sources.get(source_id)
        if source is None:
            return Citation(source_id, T(source_id, SOURCE_LANGUAGE))
        return Citation(source.title, T(source.label, SOURCE_LANGUAGE))

    def _membership(self, row: MembershipCount) -> MembershipRow:
        if isinstance(row.date, dt.date):
            when = self.fmt.date(row.date)
        else:
            year, month = (int(p) for p in row.date.split("-"))
            when = self.fmt.month(year, month)
        return MembershipRow(
            date=when,
            members=self.fmt.number(row.members),
            countries=self.fmt.number(row.countries) if row.countries else None,
            source=row.source,
        )

    def _meeting(
        self, meeting: MeetingRecord, notes: list[EditorialNote], in_pack: set[str]
    ) -> MeetingRow:
        if meeting.start and meeting.end:
            from babel.dates import format_interval

            when = format_interval(meeting.start, meeting.end, "yMMMd", locale=self.fmt.locale)
        else:
            when = str(meeting.year)
        documents = [d for d in meeting.documents if d in in_pack]
        city = self._city(meeting.documents[:1], meeting.city)
        statements = self.project.statements
        return MeetingRow(
            when=when,
            ordinal=meeting.ordinal,
            place=self.fmt.place(city, meeting.country),
            statement=documents[0] if documents else None,
            note=next(
                (n.id for n in notes if meeting.ordinal and meeting.ordinal in n.meetings), None
            ),
            name=meeting.name,
            documents=[(d, statements[d].document) for d in documents if d in statements],
        )

    def _city(self, statement_ids: list[str], city: str | None) -> str | None:
        """Return a meeting's city as its statement's translation writes it, if it does."""
        for statement_id in statement_ids:
            translation = self.project.translations.get((statement_id, self.lang))
            if translation is not None and translation.meeting and translation.meeting.city:
                return translation.meeting.city if city else None
        return city

    def _notes(self) -> dict[str, T]:
        """Return the note texts (subject and resolution) in this language where translated."""
        coalition = self.project.coalition
        if coalition is None:
            return {}
        over = Overlay(coalition, _coalition_translation(self.project, self.lang), "en", self.lang)
        out: dict[str, T] = {}
        for index, note in enumerate(coalition.notes):
            out[f"{note.id}.subject"] = over.text("notes", index, "subject")
            out[f"{note.id}.resolution"] = over.text("notes", index, "resolution")
        return out


def _cited(coalition: Coalition, statements: list[list[str]]) -> set[str]:
    """Return the ids of the sources the statements and the coalition record cite."""
    cited = {source for sources in statements for source in sources}
    pending: list[Any] = [coalition.model_dump()]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if isinstance(value.get("source"), str):
                cited.add(value["source"])
            pending += value.values()
        elif isinstance(value, list):
            pending += value
    return cited


def _segments(text: str, quotes: list[str], links: list[str]) -> list[Segment]:
    """Split a paragraph around its quotations, so each can link to its source."""
    segments: list[Segment] = []
    rest = text
    for quote, link in zip(quotes, links, strict=False):
        before, found, after = rest.partition(quote)
        if not found:
            continue
        if before:
            segments.append(Segment(before))
        segments.append(Segment(quote, link))
        rest = after
    if rest:
        segments.append(Segment(rest))
    return segments


def _verb(over: Overlay, where: Where, text: str, action: str | None, ask: Any) -> T | None:
    """Return an ask's verb in the document's own words, or as its translation gives it."""
    printed = printed_verb(text, action, ask) if ask is not None else None
    if printed is None:
        return None
    for field_where in ((*where, "ask", "printed"), (*where, "ask", "verb"), (*where, "action")):
        if field_where in over.fields and over.given(*field_where):
            translated = over.text(*field_where)
            if translated.lang != over.source:
                return translated
    return T(printed, over.source)


def _group(text: str, action: str | None, ask: Any) -> str:
    """Return the verb an ask is grouped by: its normalised verb, or the verb as printed."""
    if ask is None:
        return ""
    return normalise_ask(ask.verb or printed_verb(text, action, ask) or "")


def _commitment(over: Overlay, where: Where, commitment: str | None) -> T | None:
    return over.text(*where, "commitment") if commitment is not None else None


def _asks(statement: StatementView) -> list[AskRow]:
    """Return the statement's asks: only paragraphs that ask someone something."""
    rows: list[AskRow] = []
    for resolution in statement.resolutions:
        parts: list[ResolutionView | ItemView] = [resolution, *resolution.items]
        for part in parts:
            if part.kind == "ask" and part.ask is not None:
                rows.append(
                    AskRow(
                        statement.id,
                        statement.year,
                        resolution.number,
                        part.anchor,
                        part.addressees,
                        part.concerns,
                        part.verb,
                        part.ask,
                        statement.cite,
                        part.group,
                    )
                )
    return rows


def _commitments(statement: StatementView) -> list[CommitmentRow]:
    """Return the coalition's own undertakings in the statement, in its words or summarised."""
    rows = []
    for resolution in statement.resolutions:
        parts: list[ResolutionView | ItemView] = [resolution, *resolution.items]
        for part in parts:
            if part.kind == "commitment":
                summary = part.commitment or part.text
                rows.append(
                    CommitmentRow(
                        statement.id, resolution.number, part.anchor, part.concerns, summary
                    )
                )
    return rows


GRID_COLUMNS = 14  # themes per grid: each column keeps 8 mm, a two-digit count and its margin


def chronological(statements: list[StatementView]) -> list[StatementView]:
    """Return the statements oldest first; those of one year keep the pack's order.

    The pack's order is the project's: by date adopted, then as the coalition
    record lists a meeting's documents.
    """
    return sorted(statements, key=lambda s: s.year)


_TRAILING = ".。．!！?？;；:：、,，"
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‐": "-", "–": "-"})


def normalise_ask(text: str) -> str:
    """Return the text two asks are compared by: NFKC, one case, one space, no end stop."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(folded.split()).rstrip(_TRAILING + " ")


def _ask_key(row: AskRow, concerning: bool) -> tuple[str, ...]:
    verb = row.group or (normalise_ask(row.verb.text) if row.verb else "")
    key = (row.summary.lang, verb, normalise_ask(row.summary.text), "c" if concerning else "a")
    # Asked of others: the same words asked of someone else are another ask.
    return key + tuple(a.id for a in row.addressees) if concerning else key


def _asks_by_actor(statements: list[StatementView], actors: list[ActorView]) -> list[ActorAsks]:
    """For each actor, what the statements asked of it or about it: each ask once, newest first.

    An ask repeated over the years (the same action and summary once normalised)
    is one line listing every statement that made it, so that ten years of the
    same demand read as one demand made ten times, not ten tables.
    """
    ordered = chronological(statements)
    out = []
    for actor in actors:

        def place(row: AskRow, actor: ActorView = actor) -> bool | None:
            if actor in row.addressees:
                return False
            return True if actor in row.concerns else None

        asks = repeated_asks(ordered, place)
        if asks:
            out.append(ActorAsks(actor, asks))
    return out


def repeated_asks(
    ordered: list[StatementView], place: Callable[[AskRow], bool | None]
) -> list[RepeatedAsk]:
    """Group the asks `place` takes (False: asked of; True: concerning) into repeated asks.

    `ordered` is oldest first; the asks come newest first, each listing every
    year and resolution that made it.
    """
    places: dict[tuple[str, ...], list[tuple[int, int, AskRow, bool]]] = {}
    for age, statement in enumerate(ordered):
        for position, row in enumerate(statement.asks):
            concerning = place(row)
            if concerning is not None:
                places.setdefault(_ask_key(row, concerning), []).append(
                    (age, position, row, concerning)
                )
    asks = []
    for found in places.values():
        found.sort(key=lambda where: (-where[0], where[1]))  # newest first
        newest, concerning = found[0][2], found[0][3]
        cited: dict[Cite, AskYear] = {}  # one entry per citation, newest first
        for _, _, row, _ in found:
            cited.setdefault(row.cite, AskYear(row.year, [], row.cite)).rows.append(row)
        years = list(cited.values())
        ask = RepeatedAsk(newest.verb, newest.summary, newest.addressees, concerning, years)
        asks.append(((-found[0][0], found[0][1]), ask))
    asks.sort(key=lambda pair: pair[0])  # by its newest statement, then its place there
    return [ask for _, ask in asks]


def _themes_over_time(
    planner: Planner, statements: list[StatementView], themes: list[Theme]
) -> list[ThemeTrend]:
    """Count the asks each statement makes under each theme, and say how that changed.

    The counts are oldest statement first, so the verdict compares the latest
    statement with the one before it whatever order the pack lists them in.
    """
    ordered = chronological(statements)
    counts: dict[str, list[int]] = {t.id: [0] * len(ordered) for t in themes}
    records = planner.project.statements
    for index, view in enumerate(ordered):
        statement = records[view.id]
        for resolution in statement.resolutions:
            if not resolution.items and resolution.kind == "ask":  # itself one ask
                for theme in resolution.themes:
                    counts[theme][index] += 1
            for item in resolution.items:
                if item.kind != "ask":  # commitments and expressions ask nothing
                    continue
                for theme in set(item.themes) | set(resolution.themes):
                    counts[theme][index] += 1
    trends: list[ThemeTrend] = []
    for entry in themes:
        row = counts[entry.id]
        if not any(row):
            continue
        name, description = planner.theme_name(entry)
        first = next(s.year for s, count in zip(ordered, row, strict=True) if count)
        verdict = "incomplete" if any(s.incomplete for s in ordered[-2:]) else _verdict(row)
        trends.append(ThemeTrend(len(trends) + 1, name, description, row, verdict, first))
    return trends


def theme_grids(pack: PackView) -> list[ThemeGrid]:
    """Lay the themes' counts out with statements as rows, grouped by year.

    A pack of any length stays inside the page: more statements are more rows,
    and a vocabulary of more than `GRID_COLUMNS` themes is split into grids of
    at most that many columns, each with every statement.
    """
    ordered = chronological(pack.statements)
    grids = []
    for start in range(0, max(len(pack.themes), 1), GRID_COLUMNS):  # one grid, if empty
        themes = pack.themes[start : start + GRID_COLUMNS]
        rows = [
            GridRow(
                statement,
                index == 0 or ordered[index - 1].year != statement.year,
                [trend.counts[index] for trend in themes],
            )
            for index, statement in enumerate(ordered)
        ]
        grids.append(ThemeGrid(themes, rows))
    return grids


def _verdict(row: list[int]) -> str:
    """Compare the latest statement's count with the one before it.

    A theme the last two statements both leave out was dropped earlier: it is
    "not repeated", never "recurs".
    """
    if len(row) < 2:
        return "constant"
    first, last = row[-2], row[-1]
    if first == 0 and last > 0:
        return "new" if not any(row[:-1]) else "returns"
    if last == 0:
        return "dropped" if any(row) else "constant"
    if last > first:
        return "strengthened"
    if last < first:
        return "weakened"
    return "recurs"


def translated_share(statement: Statement, tr: StatementTranslation | None) -> float:
    """Return the share of the statement's prose that the translation gives."""
    if tr is None:
        return 0.0
    counted = [f for f in aligned(statement, tr) if _prose(f)]
    done = sum(1 for f in counted if f.translated is not None)
    return done / len(counted) if counted else 1.0


def _prose(field: Aligned) -> bool:
    """Whether a field counts in the translated share.

    Each text of the original counts once, except the verbs of asks, the city and
    the quotations (names and official texts, not the statement's prose). The
    heading counts once, by its first line: its lines are translated only together.
    """
    where = field.where
    if not isinstance(field.original, str) or "quotations" in where:
        return False
    if where[0] == "heading":
        return where == ("heading", 0)
    return where != ("meeting", "city") and where[-2:] != ("ask", "verb")


def _vocabulary_translation(project: Project, lang: str) -> VocabularyTranslation | None:
    return project.extra.get(("vocabulary", lang))  # type: ignore[return-value]


def _coalition_translation(project: Project, lang: str) -> CoalitionTranslation | None:
    return project.extra.get(("coalition", lang))  # type: ignore[return-value]


@dataclass(frozen=True)
class CountryAsks:
    """What the statements ask of one country's government or legislature, and about it.

    Each ask once, newest first, with every year it was made: at thirty
    statements a member reads a page of demands, not thirty tables.
    """

    country: str
    addressed: list[RepeatedAsk]
    concerning: list[RepeatedAsk]


def asks_concerning(statements: list[StatementView], country: str) -> CountryAsks:
    """Sort every ask by whether it is made of `country`, only concerns it, or neither."""
    ordered = chronological(statements)

    def of(actors: list[ActorView]) -> bool:
        return any(country in actor.countries for actor in actors)

    return CountryAsks(
        country,
        repeated_asks(ordered, lambda row: False if of(row.addressees) else None),
        repeated_asks(
            ordered,
            lambda row: True if not of(row.addressees) and of(row.concerns) else None,
        ),
    )
