"""The records: statements, their translations, the coalition, the vocabulary.

Models do no I/O. Every text field is a plain string in the record's own
language; a translation is a parallel file with the same shape (see
`StatementTranslation`), so adding a language never changes a record.
Fields marked "editorial" are the secretariat's words, not the statement's,
and the documents label them so.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
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


def _email(value: str) -> str:
    """Check an address's syntax only: the build may run offline, so no DNS look-up."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"{value!r} is not an email address: {error}") from None


EmailAddress = Annotated[
    str,
    StringConstraints(min_length=3, max_length=320),
    AfterValidator(_email),
    Field(description="An email address (its syntax is checked; no DNS look-up)."),
]
Verb = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]+( [A-Z]+)*$"),
    Field(description="An action verb in capitals, such as URGE or CALL UPON."),
]
# What a pattern asks for, in words: `validate` says this, not the regular expression alone.
PATTERN_WORDS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lowercase words joined by hyphens, such as ipcnkr-2005-tokyo",
    r"^[A-Z]{2}$": "two capital letters, such as KR",
    r"^[a-z]{2,3}$": "two or three lowercase letters, such as en or ja",
    r"^[A-Z]+( [A-Z]+)*$": "a verb in capital letters, such as URGE or CALL UPON",
    r"^[0-9a-f]{64}$": "64 lowercase hexadecimal digits",
    r"^\d{4}-\d{2}$": "a year and month, such as 2003-04",
}
DocumentKind = Literal["joint-statement", "action-programme", "resolution"]
ParagraphKind = Literal["ask", "commitment", "expression"]


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
    leading: Text | None = Field(
        default=None,
        description="A preambular clause's leading words as printed (Reaffirming), which the "
        "text begins with; the documents set them apart.",
    )
    quotations: list[Quotation] = []
    themes: list[Id] = []

    @model_validator(mode="after")
    def _quotations_are_in_text(self) -> Paragraph:
        if self.leading is not None and not self.text.startswith(self.leading):
            raise ValueError(f"the leading words {self.leading!r} do not begin the paragraph")
        for quotation in self.quotations:
            if quotation.text not in self.text:
                raise ValueError(f"quotation {quotation.text[:40]!r}… is not in the paragraph")
        return self


class Ask(Record):
    """Editorial: the ask in a few plain words, for tables and summaries."""

    verb: Verb | None = Field(
        default=None,
        description="The ask's verb in capitals, for grouping the same ask made in other words; "
        "an item's own action by default.",
    )
    printed: Text | None = Field(
        default=None,
        description="The verb as the document prints it (Calls upon, urge), which must be in "
        "the paragraph; by default the item's action, or `verb` as the paragraph writes it.",
    )
    summary: Text


def printed_verb(text: str, action: str | None, ask: Ask | None) -> str | None:
    """Return an ask's verb in the document's own words, or None if the paragraph lacks it."""
    if ask is not None and ask.printed is not None:
        return ask.printed if ask.printed in text or ask.printed == action else None
    if action is not None:
        return action
    if ask is None or ask.verb is None:
        return None
    found = re.search(rf"\b{re.escape(ask.verb)}\b", text, re.IGNORECASE)
    return found.group(0) if found else None


def _kind_problems(
    kind: str,
    addressees: list[str],
    ask: Ask | None,
    commitment: str | None,
) -> str | None:
    """Return what is wrong with an operative paragraph for its kind, if anything."""
    if kind == "ask" and not addressees:
        return (
            "an ask needs its addressees; a paragraph that asks no one is `kind: commitment` "
            "(the coalition's own undertaking) or `kind: expression` (concern, welcome...)"
        )
    if kind != "ask" and addressees:
        return f"a {kind} has no addressees; name whom it is about in `concerns`"
    if kind != "ask" and ask is not None:
        return f"only an ask has `ask`; a {kind} is not asked of anyone"
    if kind != "commitment" and commitment is not None:
        return f"only a commitment has `commitment`; this paragraph is an {kind}"
    return None


_KIND_HELP = (
    "What the paragraph does: `ask` (asks its addressees to act), `commitment` (the "
    "coalition's own undertaking, with whom it concerns), or `expression` (concern, "
    "condemnation, welcome, recognition: no addressee)."
)


class Item(Record):
    """A sub-item of a resolution: an action verb (kept as data) and its text."""

    kind: ParagraphKind = Field(default="ask", description=_KIND_HELP)
    action: Verb | None = Field(
        default=None, description="The leading verb as printed; the text follows it."
    )
    text: Text
    addressees: list[Id] = Field(default=[], description="Whom an ask asks; none otherwise.")
    concerns: list[Id] = Field(
        default=[], description="Actors whose conduct or territory the paragraph is about."
    )
    themes: list[Id] = []
    ask: Ask | None = None
    commitment: Text | None = Field(
        default=None, description="Editorial: a commitment in a few plain words."
    )

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Item:
        problem = _kind_problems(self.kind, self.addressees, self.ask, self.commitment)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def verb(self) -> str | None:
        """Return the verb of this item's ask: its own, or its action."""
        return (self.ask.verb if self.ask else None) or self.action


class Resolution(Record):
    """A numbered resolution, with its sub-items."""

    number: int = Field(ge=1)
    kind: ParagraphKind = Field(default="ask", description=_KIND_HELP)
    text: Text
    addressees: list[Id] = Field(default=[], description="Whom an ask asks; none otherwise.")
    concerns: list[Id] = []
    themes: list[Id] = []
    ask: Ask | None = None
    commitment: Text | None = Field(
        default=None, description="Editorial: a commitment in a few plain words."
    )
    items: list[Item] = []

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Resolution:
        problem = _kind_problems(self.kind, self.addressees, self.ask, self.commitment)
        if problem:
            raise ValueError(problem)
        return self


MeetingKind = Literal["general-meeting", "conference"]


class Meeting(Record):
    """The general meeting or conference that adopted a statement."""

    kind: MeetingKind = "general-meeting"
    ordinal: int | None = Field(default=None, ge=1, description="A general meeting's number.")
    name: Text | None = Field(default=None, description="A conference's name, as printed.")
    city: Text | None = Field(default=None, description="Only where a source names it.")
    country: CountryCode | None = Field(default=None, description="Only where a source names it.")
    start: dt.date | None = Field(default=None, description="First day, where a source gives it.")
    end: dt.date | None = Field(default=None, description="Last day, where a source gives it.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Meeting:
        if self.kind == "general-meeting" and self.ordinal is None:
            raise ValueError("a general meeting needs its `ordinal` (5 for the 5th)")
        if self.kind == "conference" and self.name is None:
            raise ValueError("a conference needs its `name`")
        if (self.start is None) != (self.end is None):
            raise ValueError("give both the start and the end of the meeting, or neither")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"the meeting ends ({self.end}) before it starts ({self.start})")
        return self


class Incomplete(Record):
    """What of a document's text is not available, so that nothing is read into its absence."""

    where: Text = Field(
        description="Editorial: what is missing, in words (paragraphs 3 onwards are not available)."
    )
    missing: list[Annotated[int, Field(ge=1)]] = Field(
        default=[], description="The numbers of operative paragraphs not available: gaps allowed."
    )
    truncated: bool = Field(
        default=False, description="True: the text stops after the last paragraph given."
    )


class Statement(Record):
    """A document the coalition adopted, word for word, with what it asks and of whom."""

    kind: Literal["statement"]
    id: Id
    document: DocumentKind = Field(
        default="joint-statement",
        description="What kind of document: a joint statement, an action programme (the "
        "coalition's own commitments) or a resolution in the UN's style.",
    )
    title: Text = Field(description="Editorial: the title the packs use.")
    heading: list[Text] = Field(min_length=1, description="The heading lines, as published.")
    issuers: list[Id] = Field(
        default=[],
        description="Who issued it: actor ids from the vocabulary, the coalition (the actor of "
        "kind coalition) and any co-issuers. Left out: the coalition alone.",
    )
    issuing_body: Text | None = Field(
        default=None, description="The coalition's name as the document prints it."
    )
    meeting: Meeting
    adopted: dt.date
    language: LanguageCode
    sources: list[SourceRef] = Field(min_length=1)
    overview: Text = Field(description="Editorial: what the statement says, in plain words.")
    themes: list[Id] = []
    opening: Text | None = Field(
        default=None, description="A resolution's opening line, as printed (The Coalition,)."
    )
    preamble: list[Paragraph] = []
    resolutions: list[Resolution] = Field(min_length=1)
    incomplete: Incomplete | None = Field(
        default=None, description="Only where the text is known in part: what is missing."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Statement:
        numbers = [r.number for r in self.resolutions]
        missing = self.incomplete.missing if self.incomplete else []
        expected = [n for n in range(1, max(numbers) + 1) if n not in missing]
        if numbers != expected:
            declared = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
            hint = (
                f"; if paragraphs {declared} are not available, say so in `incomplete.missing`"
                if declared and sorted(numbers) == numbers and len(set(numbers)) == len(numbers)
                else ""
            )
            raise ValueError(f"resolutions are numbered {numbers}; expected {expected}{hint}")
        given = sorted(set(missing) & set(numbers))
        if given:
            raise ValueError(f"paragraphs {given} are given, yet declared missing")
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
    printed: Text | None = None
    summary: Text | None = None


class QuotationTranslation(Record):
    text: Text


class ParagraphTranslation(Record):
    text: Text | None = None
    leading: Text | None = None
    quotations: list[QuotationTranslation] | None = None


class ItemTranslation(Record):
    action: Text | None = None
    text: Text | None = None
    ask: AskTranslation | None = None
    commitment: Text | None = None


class ResolutionTranslation(Record):
    number: int = Field(ge=1)
    text: Text | None = None
    ask: AskTranslation | None = None
    commitment: Text | None = None
    items: list[ItemTranslation] | None = None


class MeetingTranslation(Record):
    city: Text | None = None
    name: Text | None = None


class IncompleteTranslation(Record):
    where: Text | None = None


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
    opening: Text | None = None
    preamble: list[ParagraphTranslation] | None = None
    resolutions: list[ResolutionTranslation] | None = None
    incomplete: IncompleteTranslation | None = None
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
    """A general meeting or conference, and the documents it adopted."""

    kind: MeetingKind = "general-meeting"
    ordinal: int | None = Field(default=None, ge=1, description="A general meeting's number.")
    name: Text | None = Field(default=None, description="A conference's name, as printed.")
    year: int = Field(ge=1900, le=2100)
    city: Text | None = None
    country: CountryCode | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    statement: Id | None = Field(default=None, description="The one document it adopted.")
    statements: list[Id] = Field(
        default=[],
        description="The documents it adopted, in the order adopted (the packs keep this order "
        "for documents of one day).",
    )
    sources: list[SourceRef] = Field(min_length=1)

    @model_validator(mode="after")
    def _named(self) -> MeetingRecord:
        if self.kind == "general-meeting" and self.ordinal is None:
            raise ValueError("a general meeting needs its `ordinal` (5 for the 5th)")
        if self.kind == "conference" and self.name is None:
            raise ValueError("a conference needs its `name`")
        if self.statement is not None and self.statements:
            raise ValueError("give `statement` (one document) or `statements`, not both")
        return self

    @property
    def documents(self) -> list[str]:
        """Return the ids of the documents it adopted, in the record's order."""
        return [self.statement] if self.statement else list(self.statements)


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
    email: EmailAddress | None = Field(
        default=None, description="Where `briefing send` sends the pack (none: not sent)."
    )
    cc: list[EmailAddress] = Field(default_factory=list, description="Also sent a copy.")
    delivery: Literal["attach", "link"] = Field(
        default="attach",
        description="Attach the PDF, or send a link to it (a pack over the size limit is linked).",
    )

    def identity(self) -> dict[str, str]:
        """Return what the member's pages print: the fields a new edition follows.

        Delivery details (address, copies, attach or link) are left out, so a
        changed address neither rebuilds the pack nor makes a new edition.
        """
        return {
            "id": self.id,
            "name": self.name,
            "honorific": self.honorific,
            "chamber": self.chamber,
            "country": self.country,
            "language": self.language,
            "paper": self.paper,
        }


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
