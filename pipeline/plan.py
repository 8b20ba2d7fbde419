"""What each document shows: statements merged with their translations, asks, themes.

The views here are plain data in one language, with every text tagged with
the language it is really in, so the templates only lay them out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.i18n import Formatter, Language, T, pick
from pipeline.instruments import Instruments
from pipeline.models import (
    Actor,
    Coalition,
    CoalitionTranslation,
    Item,
    ItemTranslation,
    Resolution,
    ResolutionTranslation,
    Statement,
    StatementTranslation,
    Theme,
    Vocabulary,
    VocabularyTranslation,
)
from pipeline.originals import stale_texts
from pipeline.validate import Project

TextFn = Callable[[str, str | None], T]


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
    verb: T | None
    ask: T | None
    addressees: list[ActorView]
    concerns: list[ActorView]


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


@dataclass(frozen=True)
class TranslationState:
    status: str  # original, official, unofficial, partial, untranslated
    note: T | None
    original_language: str
    stale: int = 0  # texts that translate an earlier version of the original


@dataclass(frozen=True)
class StatementView:
    id: str
    anchor: str
    lang: str
    year: int
    title: T
    heading: list[T]
    issuing_body: T
    meeting_ordinal: int
    place: str
    adopted: str
    overview: T
    preamble: list[ParagraphView]
    resolutions: list[ResolutionView]
    asks: list[AskRow]
    sources: list[str]
    state: TranslationState
    density: int = 0


@dataclass(frozen=True)
class AskYear:
    """The places one year's statements make an ask: one a statement, newest first."""

    year: int
    rows: list[AskRow]


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
    verdict: str  # new, returns, recurs, strengthened, weakened, dropped, constant
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


@dataclass
class PackView:
    """Everything one language's pack shows."""

    lang: str
    statements: list[StatementView]
    actors: list[ActorAsks]
    themes: list[ThemeTrend]
    years: list[int]
    coalition: Coalition | None
    notes: dict[str, T] = field(default_factory=dict)


def anchor_for(*parts: object) -> str:
    return "-".join(str(p) for p in parts)


class Planner:
    """Build the views of one language from the project's records."""

    def __init__(self, project: Project, language: Language, instruments: Instruments) -> None:
        self.project = project
        self.language = language
        self.lang = language.code
        self.fmt = Formatter(language)
        self.instruments = instruments
        vocabulary = project.vocabulary or Vocabulary(kind="vocabulary", actors=[], themes=[])
        self._vocab_tr = _vocabulary_translation(project, self.lang)
        self.actors = {a.id: self._actor(a) for a in vocabulary.actors}
        self.themes = {t.id: t for t in vocabulary.themes}

    # --- vocabulary ----------------------------------------------------------

    def _actor(self, actor: Actor) -> ActorView:
        names = {a.id: a.name for a in self._vocab_tr.actors} if self._vocab_tr else {}
        return ActorView(
            actor.id,
            pick(actor.name, names.get(actor.id), "en", self.lang),
            anchor_for("actor", actor.id),
            tuple(actor.countries),
            actor.kind,
        )

    def theme_name(self, theme: Theme) -> tuple[T, T | None]:
        tr = {t.id: t for t in self._vocab_tr.themes} if self._vocab_tr else {}
        other = tr.get(theme.id)
        name = pick(theme.name, other.name if other else None, "en", self.lang)
        description = None
        if theme.description:
            description = pick(
                theme.description, other.description if other else None, "en", self.lang
            )
        return name, description

    # --- statements ----------------------------------------------------------

    def statement(self, statement: Statement, density: int = 0) -> StatementView:
        translation = self.project.translations.get((statement.id, self.lang))
        if statement.language == self.lang:
            translation = None
        src = statement.language
        tr = translation

        stale = (
            {s.pair.translated for s in stale_texts(statement, tr)}
            if tr is not None and tr.originals is not None
            else set()
        )

        def text(original: str, translated: str | None) -> T:
            shown = pick(original, translated, src, self.lang)
            if translated and translated in stale:
                return T(shown.text, shown.lang, stale=True)
            return shown

        heading_tr = (
            tr.heading
            if tr and tr.heading and len(tr.heading) == len(statement.heading)
            else [None] * len(statement.heading)
        )
        preamble_tr = (tr.preamble if tr and tr.preamble else []) + [None] * len(statement.preamble)
        resolutions_tr = {r.number: r for r in (tr.resolutions or [])} if tr else {}
        anchor = statement.id
        resolutions = [
            self._resolution(statement, r, resolutions_tr.get(r.number), text)
            for r in statement.resolutions
        ]
        preamble = []
        for index, paragraph in enumerate(statement.preamble):
            ptr = preamble_tr[index]
            shown = text(paragraph.text, ptr.text if ptr else None)
            quotes = [q.text for q in paragraph.quotations]
            if ptr and ptr.text and ptr.quotations:
                quotes = [q.text for q in ptr.quotations]
            links = [self.instruments.anchor(q.instrument, q.article) for q in paragraph.quotations]
            preamble.append(
                ParagraphView(shown.lang, _segments(shown.text, quotes, links), shown.stale)
            )
        view = StatementView(
            id=statement.id,
            anchor=anchor,
            lang=self.lang,
            year=statement.year,
            title=text(statement.title, tr.title if tr else None),
            heading=[text(h, t) for h, t in zip(statement.heading, heading_tr, strict=True)],
            issuing_body=T(statement.issuing_body, src),
            meeting_ordinal=statement.meeting.ordinal,
            place=self.fmt.place(
                text(statement.meeting.city, tr.meeting.city if tr and tr.meeting else None).text,
                statement.meeting.country,
            ),
            adopted=self.fmt.date(statement.adopted),
            overview=text(statement.overview, tr.overview if tr else None),
            preamble=preamble,
            resolutions=resolutions,
            asks=[],
            sources=[ref.source for ref in statement.sources],
            state=self._state(statement, tr, len(stale)),
            density=density,
        )
        view.asks.extend(_asks(view))
        return view

    def _resolution(
        self,
        statement: Statement,
        resolution: Resolution,
        tr: ResolutionTranslation | None,
        text: TextFn,
    ) -> ResolutionView:
        anchor = anchor_for(statement.id, "r", resolution.number)
        items_tr: list[ItemTranslation | None] = list(tr.items or []) if tr else []
        items_tr += [None] * (len(resolution.items) - len(items_tr))
        items = [
            self._item(anchor, i, item, items_tr[i], text)
            for i, item in enumerate(resolution.items)
        ]
        ask = resolution.ask
        return ResolutionView(
            number=resolution.number,
            anchor=anchor,
            text=text(resolution.text, tr.text if tr else None),
            verb=text(ask.verb, tr.ask.verb if tr and tr.ask else None)
            if ask and ask.verb
            else None,
            ask=text(ask.summary, tr.ask.summary if tr and tr.ask else None) if ask else None,
            addressees=[self.actors[a] for a in resolution.addressees if a in self.actors],
            concerns=[self.actors[a] for a in resolution.concerns if a in self.actors],
            items=items,
        )

    def _item(
        self, parent: str, index: int, item: Item, tr: ItemTranslation | None, text: TextFn
    ) -> ItemView:
        action = text(item.action, tr.action if tr else None) if item.action else None
        verb: T | None = None
        if item.ask and item.ask.verb:
            verb = text(item.ask.verb, tr.ask.verb if tr and tr.ask else None)
        elif action is not None:
            verb = action
        return ItemView(
            anchor=anchor_for(parent, "i", index + 1),
            action=action,
            text=text(item.text, tr.text if tr else None),
            verb=verb,
            ask=text(item.ask.summary, tr.ask.summary if tr and tr.ask else None)
            if item.ask
            else None,
            addressees=[self.actors[a] for a in item.addressees if a in self.actors],
            concerns=[self.actors[a] for a in item.concerns if a in self.actors],
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
        return TranslationState(status, note, statement.language, stale)

    # --- the pack --------------------------------------------------------------

    def pack(self, densities: dict[str, int], chosen: list[str] | None = None) -> PackView:
        statements = [
            self.statement(s, densities.get(s.id, 0))
            for s in self.project.statements.values()
            if chosen is None or s.id in chosen
        ]
        actors = _asks_by_actor(statements, list(self.actors.values()))
        vocabulary = self.project.vocabulary
        themes = _themes_over_time(self, statements, vocabulary.themes if vocabulary else [])
        return PackView(
            lang=self.lang,
            statements=statements,
            actors=actors,
            themes=themes,
            years=[s.year for s in statements],
            coalition=self.project.coalition,
            notes=self._notes(),
        )

    def _notes(self) -> dict[str, T]:
        """Return the note texts (subject and resolution) in this language where translated."""
        coalition = self.project.coalition
        if coalition is None:
            return {}
        translated = _coalition_translation(self.project, self.lang)
        by_id = {n.id: n for n in translated.notes} if translated else {}
        out: dict[str, T] = {}
        for note in coalition.notes:
            other = by_id.get(note.id)
            out[f"{note.id}.subject"] = pick(
                note.subject, other.subject if other else None, "en", self.lang
            )
            out[f"{note.id}.resolution"] = pick(
                note.resolution, other.resolution if other else None, "en", self.lang
            )
        return out


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


def _asks(statement: StatementView) -> list[AskRow]:
    rows: list[AskRow] = []
    for resolution in statement.resolutions:
        if resolution.ask is not None:
            rows.append(
                AskRow(
                    statement.id,
                    statement.year,
                    resolution.number,
                    resolution.anchor,
                    resolution.addressees,
                    resolution.concerns,
                    resolution.verb,
                    resolution.ask,
                )
            )
        for item in resolution.items:
            if item.ask is not None:
                rows.append(
                    AskRow(
                        statement.id,
                        statement.year,
                        resolution.number,
                        item.anchor,
                        item.addressees,
                        item.concerns,
                        item.verb,
                        item.ask,
                    )
                )
    return rows


GRID_COLUMNS = 14  # themes per grid: each column keeps 8 mm, a two-digit count and its margin


def chronological(statements: list[StatementView]) -> list[StatementView]:
    """Return the statements oldest first; those of one year keep the pack's order (adoption)."""
    return sorted(statements, key=lambda s: s.year)


_TRAILING = ".。．!！?？;；:：、,，"
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‐": "-", "–": "-"})


def normalise_ask(text: str) -> str:
    """Return the text two asks are compared by: NFKC, one case, one space, no end stop."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(folded.split()).rstrip(_TRAILING + " ")


def _ask_key(row: AskRow, concerning: bool) -> tuple[str, ...]:
    verb = normalise_ask(row.verb.text) if row.verb else ""
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
        places: dict[tuple[str, ...], list[tuple[int, int, AskRow]]] = {}
        for age, statement in enumerate(ordered):
            for position, row in enumerate(statement.asks):
                if actor in row.addressees or actor in row.concerns:
                    concerning = actor not in row.addressees
                    places.setdefault(_ask_key(row, concerning), []).append((age, position, row))
        asks = []
        for found in places.values():
            found.sort(key=lambda place: (-place[0], place[1]))  # newest first
            newest = found[0][2]
            years: list[AskYear] = []
            for _, _, row in found:
                if years and years[-1].year == row.year:
                    years[-1].rows.append(row)
                else:
                    years.append(AskYear(row.year, [row]))
            asks.append(
                (
                    (-found[0][0], found[0][1]),
                    RepeatedAsk(
                        newest.verb,
                        newest.summary,
                        newest.addressees,
                        actor not in newest.addressees,
                        years,
                    ),
                )
            )
        if asks:
            asks.sort(key=lambda pair: pair[0])  # by its newest statement, then its place there
            out.append(ActorAsks(actor, [ask for _, ask in asks]))
    return out


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
            if not resolution.items:  # a resolution without items is itself one ask
                for theme in resolution.themes:
                    counts[theme][index] += 1
            for item in resolution.items:
                for theme in set(item.themes) | set(resolution.themes):
                    counts[theme][index] += 1
    trends: list[ThemeTrend] = []
    for entry in themes:
        row = counts[entry.id]
        if not any(row):
            continue
        name, description = planner.theme_name(entry)
        first = next(s.year for s, count in zip(ordered, row, strict=True) if count)
        trends.append(ThemeTrend(len(trends) + 1, name, description, row, _verdict(row), first))
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
    """Return the share of the statement's text fields that have a translation."""
    if tr is None:
        return 0.0
    total = done = 0

    def count(present: object) -> None:
        nonlocal total, done
        total += 1
        done += 1 if present else 0

    count(tr.title)
    count(tr.overview)
    count(tr.heading and len(tr.heading) == len(statement.heading))
    paragraphs = tr.preamble or []
    for index in range(len(statement.preamble)):
        count(index < len(paragraphs) and paragraphs[index].text)
    by_number = {r.number: r for r in tr.resolutions or []}
    for resolution in statement.resolutions:
        other = by_number.get(resolution.number)
        count(other and other.text)
        if resolution.ask:
            count(other and other.ask and other.ask.summary)
        items = (other.items or []) if other else []
        for index, item in enumerate(resolution.items):
            theirs = items[index] if index < len(items) else None
            count(theirs and theirs.text)
            if item.action:
                count(theirs and theirs.action)
            if item.ask:
                count(theirs and theirs.ask and theirs.ask.summary)
    return done / total if total else 1.0


def _vocabulary_translation(project: Project, lang: str) -> VocabularyTranslation | None:
    return project.extra.get(("vocabulary", lang))  # type: ignore[return-value]


def _coalition_translation(project: Project, lang: str) -> CoalitionTranslation | None:
    return project.extra.get(("coalition", lang))  # type: ignore[return-value]


@dataclass(frozen=True)
class CountryAsks:
    """What the statements ask of one country's government or legislature, and about it."""

    country: str
    addressed: list[tuple[StatementView, list[AskRow]]]
    concerning: list[tuple[StatementView, list[AskRow]]]


def asks_concerning(statements: list[StatementView], country: str) -> CountryAsks:
    """Sort every ask by whether it is made of `country`, only concerns it, or neither."""
    addressed, concerning = [], []
    for statement in statements:
        mine = [r for r in statement.asks if any(country in a.countries for a in r.addressees)]
        about = [
            r
            for r in statement.asks
            if r not in mine and any(country in a.countries for a in r.concerns)
        ]
        if mine:
            addressed.append((statement, mine))
        if about:
            concerning.append((statement, about))
    return CountryAsks(country, addressed, concerning)
