"""The texts a translator translates, one unit per text, with what a translator needs to know.

A unit's id is its record and the original's field, as a translation's
`originals` names it (`ipcnkr-2005-tokyo:resolutions[2].text`); names and notes
go by their ids (`vocabulary:actors[unhcr].name`), which do not move when the
lists are reordered. Both formats (`formats`) write these units, and `merge`
reads them back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel

from pipeline.records.instruments import Instruments
from pipeline.records.models import (
    Item,
    Paragraph,
    Quotation,
    Resolution,
    Statement,
    StatementTranslation,
)
from pipeline.records.originals import text_pairs
from pipeline.records.overlay import Where, aligned
from pipeline.records.project import Project

NEW, TRANSLATED, NEEDS_REVIEW = "new", "translated", "needs-review"


@dataclass(frozen=True)
class Suggestion:
    """A text offered to the translator: an earlier translation or an official text."""

    origin: str  # where it comes from: a unit id, or "udhr article 1"
    text: str
    note: str


@dataclass
class Unit:
    """One text of a record, its translation (if any) and its state."""

    id: str
    record: str  # the statement id, "vocabulary" or "coalition"
    where: Where  # the field in the original record
    source: str
    target: str | None
    state: str
    previous: str | None = None  # the original the target was made from, when it changed since
    notes: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


def field_key(path: Where) -> str:
    """Return `resolutions[2].text` for ("resolutions", 2, "text"), as `originals` has it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def units(project: Project, lang: str, instruments: Instruments) -> list[Unit]:
    """Return every translatable text of the project, for translation into `lang`."""
    found: list[Unit] = []
    earlier: dict[str, tuple[str, str, str]] = {}  # text -> (unit id, its translation, date)
    for statement_id, statement in project.statements.items():
        translation = project.translations.get((statement_id, lang))
        ours = list(_statement_units(project, statement, translation, lang, instruments))
        for unit in ours:
            if unit.state != TRANSLATED and unit.source in earlier:
                origin, text, adopted = earlier[unit.source]
                unit.suggestions.append(
                    Suggestion(
                        origin,
                        text,
                        f"The same words in an earlier statement ({origin}, {adopted}), "
                        "as translated and confirmed there",
                    )
                )
        if translation is not None:  # this statement's confirmed texts, for later ones
            recorded = translation.originals or {}
            for pair in text_pairs(statement, translation):
                if recorded.get(pair.key) == pair.original:
                    earlier[pair.original] = (
                        f"{statement_id}:{pair.key}",
                        pair.translated,
                        statement.adopted.isoformat(),
                    )
        found += ours
    found += _named_units(project, lang)
    return found


def _statement_units(
    project: Project,
    statement: Statement,
    translation: StatementTranslation | None,
    lang: str,
    instruments: Instruments,
) -> Iterator[Unit]:
    recorded = (translation.originals or {}) if translation is not None else {}
    translated = (
        {pair.key: pair for pair in text_pairs(statement, translation)} if translation else {}
    )
    for found in aligned(statement, translation):
        if not isinstance(found.original, str):
            continue
        key = field_key(found.where)
        pair = translated.get(key)
        target = pair.translated if pair is not None else None
        if target is None and isinstance(found.translated, str):
            target = found.translated  # a text `originals` does not pair (a heading's line)
        state, previous = NEW, None
        if target is not None:
            before = recorded.get(key)
            state = TRANSLATED if before == found.original else NEEDS_REVIEW
            previous = before if before is not None and before != found.original else None
        unit = Unit(
            f"{statement.id}:{key}",
            statement.id,
            found.where,
            found.original,
            target,
            state,
            previous,
        )
        unit.notes = _notes(project, statement, found.where, instruments, lang)
        official = _official(statement, found.where, instruments, lang)
        if official is not None and target != official[1]:
            unit.suggestions.append(
                Suggestion(official[0], official[1], f"The official {lang} text of {official[0]}")
            )
        yield unit


def _node(record: BaseModel, where: Where) -> list[object]:
    """Return the objects along `where`, from the record down."""
    chain: list[object] = [record]
    value: object = record
    for part in where:
        value = value[part] if isinstance(part, int) else getattr(value, part)  # type: ignore[index]
        chain.append(value)
    return chain


def _describe(where: Where) -> str:
    words = {
        "title": "Title (editorial: the secretariat's words)",
        "overview": "Overview (editorial: the secretariat's plain words)",
        "opening": "Opening line, as printed",
        "heading": "Heading line, as published",
        "meeting": "Meeting",
    }
    parts: list[str] = []
    names = list(where)
    index = 0
    while index < len(names):
        part = names[index]
        following = names[index + 1] if index + 1 < len(names) else None
        if part == "preamble" and isinstance(following, int):
            parts.append(f"preamble paragraph {following + 1}")
            index += 2
            continue
        if part == "resolutions" and isinstance(following, int):
            parts.append(f"operative paragraph {following + 1}")
            index += 2
            continue
        if part == "items" and isinstance(following, int):
            parts.append(f"item {following + 1}")
            index += 2
            continue
        if part == "quotations" and isinstance(following, int):
            parts.append(f"quotation {following + 1}")
            index += 2
            continue
        if isinstance(part, str):
            parts.append(words.get(part, part))
        elif names[index - 1] == "heading":
            parts[-1] = f"heading line {part + 1} (the heading is translated as a whole)"
        index += 1
    return ", ".join(parts)


def _notes(
    project: Project, statement: Statement, where: Where, instruments: Instruments, lang: str
) -> list[str]:
    notes = [f"{statement.title} ({statement.id}, adopted {statement.adopted}): {_describe(where)}"]
    chain = _node(statement, where)
    paragraph = next(
        (c for c in reversed(chain) if isinstance(c, Resolution | Item | Paragraph)), None
    )
    names = {a.id: a.name for a in project.vocabulary.actors} if project.vocabulary else {}
    last = where[-1]
    if isinstance(paragraph, Resolution | Item):
        if paragraph.addressees:
            whom = ", ".join(f"{names.get(a, a)} ({a})" for a in paragraph.addressees)
            notes.append(f"Addressed to: {whom}")
        if paragraph.kind != "ask":
            notes.append(f"A {paragraph.kind}, not an ask")
        verb = paragraph.ask.verb if paragraph.ask else None
        verb = verb or (paragraph.action if isinstance(paragraph, Item) else None)
        if last == "text" and verb:
            notes.append(
                f"Its verb ({verb}) is translated on its own (the ask's verb); "
                "the translated verb must appear in this text"
            )
    if last == "verb":
        notes.append(
            "The ask's verb, which groups the same ask across statements: give the verb "
            "as the translated paragraph words it"
        )
    elif last == "printed":
        notes.append("The verb as the paragraph prints it: the same words must be in its text")
    elif last == "action":
        notes.append("The item's leading verb, printed before its text")
    elif last in ("summary", "commitment"):
        notes.append("Editorial: the secretariat's plain words for the tables and summaries")
    if isinstance(paragraph, Paragraph) and paragraph.quotations:
        for quotation in paragraph.quotations:
            name = _instrument_name(instruments, quotation.instrument)
            notes.append(
                f"Quotes the {name}, article {quotation.article}: the official {lang} "
                "text is required, word for word"
            )
    return notes


def _instrument_name(instruments: Instruments, instrument: str) -> str:
    record = instruments.records.get(instrument)
    return f"{record.name} ({instrument.upper()})" if record else instrument.upper()


def _official(
    statement: Statement, where: Where, instruments: Instruments, lang: str
) -> tuple[str, str] | None:
    """Return the instrument's article and its official text in `lang`, for a quotation."""
    chain = _node(statement, where)
    quotation = chain[-2] if len(chain) >= 2 else None
    if not isinstance(quotation, Quotation):
        return None
    text = instruments.text_of(quotation.instrument, quotation.article, lang)
    if text is None:
        return None
    return f"{quotation.instrument} article {quotation.article}", text


def _named_units(project: Project, lang: str) -> list[Unit]:
    """The vocabulary's names and the coalition's notes, by id."""
    found: list[Unit] = []
    for record_name, original in (
        ("vocabulary", project.vocabulary),
        ("coalition", project.coalition),
    ):
        if original is None:
            continue
        translation = project.extra.get((record_name, lang))
        assert translation is None or isinstance(translation, BaseModel)
        for found_text in aligned(original, translation):
            if not isinstance(found_text.original, str):
                continue
            chain = _node(original, found_text.where)
            owner = chain[-2]
            owner_id = getattr(owner, "id", None)
            list_name = found_text.where[0]
            name = found_text.where[-1]
            unit_id = f"{record_name}:{list_name}[{owner_id}].{name}"
            target = found_text.translated if isinstance(found_text.translated, str) else None
            unit = Unit(
                unit_id,
                record_name,
                found_text.where,
                found_text.original,
                target,
                TRANSLATED if target is not None else NEW,
            )
            what = {"actors": "Actor", "themes": "Theme", "notes": "Editorial note"}
            unit.notes = [f"{what.get(str(list_name), list_name)} {owner_id}: its {name}"]
            if list_name == "actors":
                unit.notes.append("Named as the addressee of asks, in tables and headings")
            if list_name == "notes":
                unit.notes.append(
                    "The secretariat's own words; the readings it weighs stay as published"
                )
            found.append(unit)
    return found
