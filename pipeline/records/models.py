"""The records: statements, their translations, the coalition, the vocabulary.

Models do no I/O. Every text field is a plain string in the record's own
language; a translation is a parallel file with the same shape (see
`StatementTranslation`), so adding a language never changes a record.
Fields marked "editorial" are the secretariat's words, not the statement's,
and the documents label them so.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80),
    Field(description="A stable identifier: lowercase words joined by hyphens."),
]
# File stems of the other records: a statement by one of these names would take
# their place among a document's attachments and inputs.
RESERVED_IDS = frozenset({"vocabulary", "coalition", "recipients", "manifest", "packs"})
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20_000),
    Field(description="Text, exactly as published (typographic quotes and spelling kept)."),
]
Line = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    Field(description="A name or title of at most 200 characters: it must fit one cover."),
]
CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="An ISO 3166-1 alpha-2 country code, such as JP or KR."),
]
LanguageCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}$"),
    Field(description="An ISO 639 language code, such as en or ja."),
]
Verb = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]+$"),
    Field(description="An action verb in capitals, as the 2007 statement prints them (URGE)."),
]


class Record(BaseModel):
    """Strict, closed records: a typo is an error, and YAML's guesses are not text."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SourceRef(Record):
    """Where a fact or a text comes from: a source id and, optionally, which part."""

    source: Id
    part: Text | None = None


Sha256 = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{64}$"),
    Field(description="The SHA-256 of the file, in lowercase hexadecimal."),
]
RelativeFile = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$", max_length=200
    ),
    Field(description="A file beside this record (or in a folder below it), such as a.txt."),
]


class SourceDocument(Record):
    """A document the records are taken from, archived unchanged in `sources/`.

    The record says what the document is and where it comes from; its hash
    proves that the archived copy is still the one the records were checked against.
    """

    kind: Literal["source"]
    id: Id
    file: RelativeFile = Field(description="The archived copy, relative to this record.")
    sha256: Sha256
    label: Text = Field(description="Editorial: a short name for citations (2005 statement).")
    title: Text = Field(description="The document's own title, as published.")
    publisher: Text = Field(description="Who published it, as short as a citation needs.")
    site: Text | None = Field(default=None, description="Where it was published.")
    document: Text = Field(description="What the document is (a web page, an article...).")
    date: dt.date | None = Field(default=None, description="When it was published or dated.")
    statement_text: Text | None = Field(
        default=None, description="Which part of it is statement text, if any."
    )
    also_used: list[Text] = Field(
        default=[], description="What else it says that the records use (the coalition's facts)."
    )
    obtained: Text = Field(description="Where the archived copy was copied from.")
    licence: Text | None = None


class Quotation(Record):
    """A passage of another instrument quoted inside a paragraph."""

    text: Text = Field(description="The quoted words; they must appear in the paragraph.")
    instrument: Id = Field(description="The instrument quoted, such as udhr.")
    article: int = Field(ge=1)


class Paragraph(Record):
    """One preamble paragraph, with the quotations it contains."""

    text: Text
    quotations: list[Quotation] = []
    themes: list[Id] = []

    @model_validator(mode="after")
    def _quotations_are_in_text(self) -> Paragraph:
        for quotation in self.quotations:
            if quotation.text not in self.text:
                raise ValueError(f"quotation {quotation.text[:40]!r}… is not in the paragraph")
        return self


class Ask(Record):
    """Editorial: the ask in a few plain words, for tables and summaries."""

    verb: Verb | None = Field(
        default=None, description="The verb of the ask; an item's own action by default."
    )
    summary: Text


class Item(Record):
    """A sub-item of a resolution: an action verb (kept as data) and its text."""

    action: Verb | None = Field(
        default=None, description="The leading verb as printed; the text follows it."
    )
    text: Text
    addressees: list[Id] = Field(min_length=1)
    concerns: list[Id] = Field(
        default=[], description="Actors whose conduct or territory the ask is about."
    )
    themes: list[Id] = []
    ask: Ask | None = None

    @model_validator(mode="after")
    def _ask_has_verb(self) -> Item:
        if self.ask is not None and self.ask.verb is None and self.action is None:
            raise ValueError("the ask needs a verb, as the item has no action verb")
        return self

    @property
    def verb(self) -> str | None:
        """Return the verb of this item's ask: its own, or its action."""
        return (self.ask.verb if self.ask else None) or self.action


class Resolution(Record):
    """A numbered resolution, with its sub-items."""

    number: int = Field(ge=1)
    text: Text
    addressees: list[Id] = Field(min_length=1)
    concerns: list[Id] = []
    themes: list[Id] = []
    ask: Ask | None = None
    items: list[Item] = []

    @model_validator(mode="after")
    def _ask_has_verb(self) -> Resolution:
        if self.ask is not None and self.ask.verb is None:
            raise ValueError("a resolution's ask needs a verb")
        return self


class Meeting(Record):
    """The general meeting that adopted a statement."""

    ordinal: int = Field(ge=1)
    city: Text
    country: CountryCode
    start: dt.date | None = Field(default=None, description="First day, where a source gives it.")
    end: dt.date | None = Field(default=None, description="Last day, where a source gives it.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Meeting:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both the start and the end of the meeting, or neither")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"the meeting ends ({self.end}) before it starts ({self.start})")
        return self


class Statement(Record):
    """A joint statement, word for word, with what it asks and of whom."""

    kind: Literal["statement"]
    id: Id
    title: Text = Field(description="Editorial: the title the packs use.")
    heading: list[Text] = Field(min_length=1, description="The heading lines, as published.")
    issuing_body: Text
    meeting: Meeting
    adopted: dt.date
    language: LanguageCode
    sources: list[SourceRef] = Field(min_length=1)
    overview: Text = Field(description="Editorial: what the statement asks, in plain words.")
    themes: list[Id] = []
    preamble: list[Paragraph] = Field(min_length=1)
    resolutions: list[Resolution] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Statement:
        numbers = [r.number for r in self.resolutions]
        expected = list(range(1, len(numbers) + 1))
        if numbers != expected:
            raise ValueError(f"resolutions are numbered {numbers}; expected {expected}")
        start, end = self.meeting.start, self.meeting.end
        if start is not None and end is not None and not start <= self.adopted <= end:
            raise ValueError(f"adopted on {self.adopted}, outside the meeting ({start} to {end})")
        return self

    @property
    def year(self) -> int:
        return self.adopted.year


# --- Translations -----------------------------------------------------------


class AskTranslation(Record):
    verb: Text | None = None
    summary: Text | None = None


class QuotationTranslation(Record):
    text: Text


class ParagraphTranslation(Record):
    text: Text | None = None
    quotations: list[QuotationTranslation] | None = None


class ItemTranslation(Record):
    action: Text | None = None
    text: Text | None = None
    ask: AskTranslation | None = None


class ResolutionTranslation(Record):
    number: int = Field(ge=1)
    text: Text | None = None
    ask: AskTranslation | None = None
    items: list[ItemTranslation] | None = None


class MeetingTranslation(Record):
    city: Text


class Translation(Record):
    """Who translated, when, and whether the translation is official."""

    language: LanguageCode
    status: Literal["official", "unofficial"]
    translator: Text
    date: dt.date
    note: Text | None = None


class StatementTranslation(Record):
    """A statement's text in another language: the same shape, text fields only.

    A field left out is untranslated and falls back to the original.
    """

    kind: Literal["translation"]
    statement: Id
    translation: Translation
    title: Text | None = None
    heading: list[Text] | None = None
    meeting: MeetingTranslation | None = None
    overview: Text | None = None
    preamble: list[ParagraphTranslation] | None = None
    resolutions: list[ResolutionTranslation] | None = None
    originals: dict[str, Text] | None = Field(
        default=None,
        description="What each text translates: the original text, by the original's field "
        "(resolutions[1].text), as it was when translated. `briefing i18n confirm` writes it.",
    )


# --- The coalition and the vocabulary ---------------------------------------


class Reading(Record):
    """One source's version of a fact, quoted as the source gives it."""

    quote: Text
    source: Id
    part: Text | None = None


class EditorialNote(Record):
    """Where the sources disagree: every reading, and what the records do about it."""

    id: Id
    subject: Text
    readings: list[Reading] = Field(min_length=2)
    resolution: Text = Field(description="What the records and packs do about it.")
    statements: list[Id] = []
    meetings: list[int] = Field(default=[], description="Ordinals of the meetings concerned.")


class FoundingFact(Record):
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")] = Field(
        description="Year and month, YYYY-MM."
    )
    members: int = Field(ge=1)
    sources: list[SourceRef] = Field(min_length=1)


class FoundingCountries(Record):
    countries: list[CountryCode] = Field(min_length=1)
    source: Id
    quote: Text


class MembershipCount(Record):
    date: dt.date | Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]
    members: int = Field(ge=1)
    countries: int | None = Field(default=None, ge=1)
    source: Id
    quote: Text


class MeetingRecord(Record):
    ordinal: int = Field(ge=1)
    year: int = Field(ge=1900, le=2100)
    city: Text | None = None
    country: CountryCode
    start: dt.date | None = None
    end: dt.date | None = None
    statement: Id | None = None
    sources: list[SourceRef] = Field(min_length=1)


class Coalition(Record):
    """The organisation's facts, each with its source."""

    kind: Literal["coalition"]
    id: Id
    name: Text
    abbreviation: Text
    other_names: list[Reading] = []
    founded: FoundingFact
    founding_countries: list[FoundingCountries] = Field(min_length=1)
    membership: list[MembershipCount] = Field(min_length=1)
    meetings: list[MeetingRecord] = Field(min_length=1)
    notes: list[EditorialNote] = []


class Actor(Record):
    """Someone a statement asks something of."""

    id: Id
    name: Text
    kind: Literal["government", "legislature", "organisation", "group", "coalition"]
    countries: list[CountryCode] = Field(
        default=[], description="Whose government or legislature this is, if any."
    )


class Theme(Record):
    id: Id
    name: Text
    description: Text | None = None


class Vocabulary(Record):
    """The actors and themes statements may refer to."""

    kind: Literal["vocabulary"]
    actors: list[Actor] = Field(min_length=1)
    themes: list[Theme] = Field(min_length=1)


class ActorTranslation(Record):
    id: Id
    name: Text


class ThemeTranslation(Record):
    id: Id
    name: Text
    description: Text | None = None


class VocabularyTranslation(Record):
    """Actor and theme names in another language, by id."""

    kind: Literal["vocabulary-translation"]
    translation: Translation
    actors: list[ActorTranslation] = []
    themes: list[ThemeTranslation] = []


class NoteTranslation(Record):
    id: Id
    subject: Text
    resolution: Text


class CoalitionTranslation(Record):
    """The secretariat's own words in the coalition record, in another language.

    Quotations from the sources are never translated: they are shown as
    published, in their own language.
    """

    kind: Literal["coalition-translation"]
    translation: Translation
    notes: list[NoteTranslation] = []


class Article(Record):
    number: int = Field(ge=1)
    title: Text
    paragraphs: list[Text] = Field(min_length=1)


class InstrumentText(Record):
    title: Text
    file: Text = Field(description="The corpus file the text was copied from.")
    articles: list[Article] = Field(min_length=1)


class Instrument(Record):
    """An instrument the statements quote or rest on, in its official texts."""

    kind: Literal["instrument"]
    id: Id
    name: Text
    adopted: Text
    source: Text
    texts: dict[LanguageCode, InstrumentText]


class Recipient(Record):
    """A member of parliament who receives a pack of their own."""

    id: Id
    name: Line
    honorific: Line = Field(description="As the cover addresses them: Hon., Rep., 議員...")
    chamber: Line = Field(description="Chamber or parliament.")
    country: CountryCode
    language: LanguageCode
    paper: Literal["A4", "Letter"]


class Recipients(Record):
    """Who receives packs; `examples: true` marks a file of fictional recipients."""

    kind: Literal["recipients"]
    examples: bool = False
    recipients: list[Recipient] = Field(min_length=1)


# --- Packs of a chosen scope ------------------------------------------------

DEFAULT_PACK = "briefing-pack"  # today's pack: every statement in full
Selector = Literal["all", "latest", "earlier"]
_SELECTOR_HELP = (
    "`all` (every statement), `latest` (the statement adopted last), `earlier` "
    "(every statement but the latest), or a list of statement ids."
)


class PackDefinition(Record):
    """A pack of chosen statements: some in full, some as their one-page summary only."""

    id: Id = Field(description="The pack's file name: output/<lang>/<id>.pdf.")
    description: Text = Field(description="What the pack is for, in a line.")
    full: Selector | list[Id] = Field(
        default_factory=list, description="The statements shown in full: " + _SELECTOR_HELP
    )
    summaries: Selector | list[Id] = Field(
        default_factory=list,
        description="The statements shown as their one-page summary only: " + _SELECTOR_HELP,
    )

    def chosen(self, ordered: list[str]) -> tuple[list[str], list[str]]:
        """Return (in full, as summaries) among `ordered`, the statements oldest first."""
        return _selected(self.full, ordered), _selected(self.summaries, ordered)


def _selected(choice: Selector | list[str], ordered: list[str]) -> list[str]:
    if choice == "all":
        return list(ordered)
    if choice == "latest":
        return ordered[-1:]
    if choice == "earlier":
        return ordered[:-1]
    return [s for s in ordered if s in choice]


class Packs(Record):
    """statements/packs.yaml: the named packs a build makes besides today's pack."""

    kind: Literal["packs"]
    packs: list[PackDefinition] = Field(min_length=1)


# --- Configuration ----------------------------------------------------------


class FontGroupConfig(Record):
    """A script group in templates/fonts.yaml: its languages and the faces of each role."""

    languages: list[LanguageCode] = Field(min_length=1)
    text: list[Text] = Field(
        min_length=1,
        description="The families of body text, as fontconfig names them, in "
        "order: each character is drawn by the first that has it.",
    )
    heading: list[Text] = Field(
        min_length=1, description="The families of headings, tables and labels, in order."
    )
    summary: Literal["text", "heading"] = Field(
        default="text", description="The role whose face sets the one-page summaries."
    )
    summary_bold: bool = Field(default=True, description="False: one weight on those pages.")


class FontsConfig(Record):
    """templates/fonts.yaml: the faces of each script group, and which languages use them."""

    groups: dict[Id, FontGroupConfig] = Field(min_length=1)
    default_group: Id = Field(description="The group of a language no group lists.")
    heading_selectors: Text = Field(description="CSS selectors set in the heading face.")
    packages: dict[Text, Text] = Field(
        description="The Debian package that provides each family; the system-package step "
        "installs them."
    )

    @model_validator(mode="after")
    def _every_family_has_a_package(self) -> FontsConfig:
        named = {f for group in self.groups.values() for f in (*group.text, *group.heading)}
        unknown = sorted(named - set(self.packages))
        if unknown:
            raise ValueError(f"no Debian package named under `packages` for {unknown}")
        return self

    @field_validator("groups")
    @classmethod
    def _one_group_per_language(
        cls, groups: dict[str, FontGroupConfig]
    ) -> dict[str, FontGroupConfig]:
        seen: dict[str, str] = {}
        for name, group in groups.items():
            for lang in group.languages:
                if lang in seen:
                    raise ValueError(f"language {lang!r} is in two groups, {seen[lang]} and {name}")
                seen[lang] = name
        return groups

    @field_validator("default_group")
    @classmethod
    def _a_known_group(cls, name: str, info: ValidationInfo) -> str:
        groups = info.data.get("groups")
        if groups is not None and name not in groups:
            raise ValueError(
                f"default_group {name!r} is not one of the groups ({', '.join(groups)})"
            )
        return name
