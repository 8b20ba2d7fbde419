"""A translation laid over its original: one walk of the two records together.

A translation file has its original's shape, text fields only (see `models`).
`aligned` walks both at once and yields every field beside its translation, so
planning (which text to show), the translated share and validation (do the two
line up) read one alignment instead of each walking the records again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from pipeline.records.models import (
    Actor,
    ActorTranslation,
    Ask,
    AskTranslation,
    Coalition,
    CoalitionTranslation,
    EditorialNote,
    Incomplete,
    IncompleteTranslation,
    Item,
    ItemTranslation,
    Meeting,
    MeetingTranslation,
    NoteTranslation,
    Paragraph,
    ParagraphTranslation,
    Quotation,
    QuotationTranslation,
    Resolution,
    ResolutionTranslation,
    Statement,
    StatementTranslation,
    Theme,
    ThemeTranslation,
    Vocabulary,
    VocabularyTranslation,
)

Where = tuple[str | int, ...]

# Each record and the model of its translation: the fields both declare are the
# translatable ones, apart from the keys below.
TRANSLATION_OF: dict[type[BaseModel], type[BaseModel]] = {
    Statement: StatementTranslation,
    Meeting: MeetingTranslation,
    Paragraph: ParagraphTranslation,
    Quotation: QuotationTranslation,
    Resolution: ResolutionTranslation,
    Item: ItemTranslation,
    Incomplete: IncompleteTranslation,
    Ask: AskTranslation,
    Vocabulary: VocabularyTranslation,
    Actor: ActorTranslation,
    Theme: ThemeTranslation,
    Coalition: CoalitionTranslation,
    EditorialNote: NoteTranslation,
}
# Records in a list align by these where they have one (resolutions by number,
# names and notes by id), else by position. They are never translated.
KEYS = ("number", "id")
_NEVER_TRANSLATED = frozenset({"kind", *KEYS})


@dataclass(frozen=True)
class Aligned:
    """One field of the original beside the same field of its translation."""

    where: Where  # the field in the original: ("resolutions", 0, "items", 2, "text")
    original: object  # a text, a record or a list of them; None if only the translation has it
    translated: object  # the same in the translation, None where it gives none
    at: Where | None  # where the translation has (or would have) it; None if its parent is absent


def aligned(original: BaseModel, translation: BaseModel | None) -> Iterator[Aligned]:
    """Yield every translatable field of `original` with its translation, depth first.

    A list of texts (a heading) is translated as a whole or not at all: its lines
    align only when there are as many. A record or text that only the translation
    has (an unknown resolution number, one translated twice, an extra paragraph)
    comes with `original` None and its place in the translation.
    """
    yield from _fields(original, translation, (), () if translation is not None else None)


def _fields(
    original: BaseModel, translation: BaseModel | None, where: Where, at: Where | None
) -> Iterator[Aligned]:
    model = TRANSLATION_OF[type(original)]
    for name in model.model_fields:
        if name in _NEVER_TRANSLATED or name not in type(original).model_fields:
            continue
        theirs = getattr(translation, name) if translation is not None else None
        yield from _value(
            getattr(original, name), theirs, (*where, name), (*at, name) if at is not None else None
        )


def _value(ours: object, theirs: object, where: Where, at: Where | None) -> Iterator[Aligned]:
    if ours is None and theirs is None:
        return
    yield Aligned(where, ours, theirs, at)
    if isinstance(ours, BaseModel):
        yield from _fields(
            ours, theirs if isinstance(theirs, BaseModel) else None, where, _given(at, theirs)
        )
    elif isinstance(ours, list):
        given = theirs if isinstance(theirs, list) else None
        yield from _items(ours, given, where, _given(at, theirs))


def _given(at: Where | None, theirs: object) -> Where | None:
    return at if theirs is not None else None


def _items(
    ours: Sequence[object], theirs: Sequence[object] | None, where: Where, at: Where | None
) -> Iterator[Aligned]:
    """Align two lists: records by key or position, texts only as a whole."""
    if ours and all(isinstance(o, str) for o in ours):
        lines = theirs if theirs is not None and len(theirs) == len(ours) else None
        for index, line in enumerate(ours):
            yield Aligned((*where, index), line, lines[index] if lines else None, _at(at, index))
        return
    key = _key(ours)
    found: dict[object, int] = {}
    for index, item in enumerate(theirs or []):
        mark = getattr(item, key) if key else index
        found.setdefault(mark, index)
    matched = set()
    for index, item in enumerate(ours):
        mark = getattr(item, key) if key else index
        other = found.get(mark)
        if other is not None:
            matched.add(other)
        translated = theirs[other] if theirs is not None and other is not None else None
        yield from _value(
            item, translated, (*where, index), _at(at, other if other is not None else index)
        )
    for index, item in enumerate(theirs or []):
        if index not in matched:
            yield Aligned((*where, index), None, item, _at(at, index))


def _at(at: Where | None, index: int) -> Where | None:
    return (*at, index) if at is not None else None


def _key(records: Sequence[object]) -> str | None:
    first = records[0] if records else None
    if isinstance(first, BaseModel):
        return next((k for k in KEYS if k in type(first).model_fields), None)
    return None
