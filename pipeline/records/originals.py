"""What each translated text translates, and whether the original has changed since.

A translation file records, under `originals`, the original text each of its
texts was made from, by the original's field (`resolutions[1].items[0].text`).
When the original is corrected later (a misquote fixed), the recorded text no
longer matches: the translation is stale until a translator checks it and runs
`briefing i18n confirm`, which records the current originals. Like gettext's
"fuzzy" and its previous msgid, the old original is kept so the translator, and
`validate`, can show what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.records.models import (
    Item,
    ItemTranslation,
    Resolution,
    ResolutionTranslation,
    Statement,
    StatementTranslation,
)

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class TextPair:
    """One translated text beside its original."""

    where: Where  # the translated text's place in the translation file
    key: str  # the original's field, as `originals` records it
    original: str
    translated: str


@dataclass(frozen=True)
class Stale:
    """A translated text whose original is not the one it was made from."""

    pair: TextPair
    recorded: str | None  # the original as recorded, or None if nothing was recorded


def _key(path: Where) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def text_pairs(original: Statement, translation: StatementTranslation) -> Iterator[TextPair]:
    """Every text the translation gives, with the original text it stands for.

    Preamble paragraphs, headings and items align by position; resolutions by
    number, as `validate` checks them.
    """

    def pair(
        where: Where, source: Where, text: str | None, translated: str | None
    ) -> Iterator[TextPair]:
        if translated is not None and text is not None:
            yield TextPair(where, _key(source), text, translated)

    yield from pair(("title",), ("title",), original.title, translation.title)
    for index, line in enumerate(translation.heading or []):
        if index < len(original.heading):
            yield from pair(("heading", index), ("heading", index), original.heading[index], line)
    if translation.meeting is not None:
        yield from pair(
            ("meeting", "city"),
            ("meeting", "city"),
            original.meeting.city,
            translation.meeting.city,
        )
        yield from pair(
            ("meeting", "name"),
            ("meeting", "name"),
            original.meeting.name,
            translation.meeting.name,
        )
    yield from pair(("overview",), ("overview",), original.overview, translation.overview)
    yield from pair(("opening",), ("opening",), original.opening, translation.opening)
    if translation.incomplete is not None and original.incomplete is not None:
        yield from pair(
            ("incomplete", "where"),
            ("incomplete", "where"),
            original.incomplete.where,
            translation.incomplete.where,
        )
    for index, paragraph in enumerate(translation.preamble or []):
        if index >= len(original.preamble):
            continue
        ours = original.preamble[index]
        yield from pair(
            ("preamble", index, "text"), ("preamble", index, "text"), ours.text, paragraph.text
        )
        yield from pair(
            ("preamble", index, "leading"),
            ("preamble", index, "leading"),
            ours.leading,
            paragraph.leading,
        )
        for q_index, quotation in enumerate(paragraph.quotations or []):
            if q_index < len(ours.quotations):
                yield from pair(
                    ("preamble", index, "quotations", q_index, "text"),
                    ("preamble", index, "quotations", q_index, "text"),
                    ours.quotations[q_index].text,
                    quotation.text,
                )
    numbered = {r.number: (i, r) for i, r in enumerate(original.resolutions)}
    for index, resolution in enumerate(translation.resolutions or []):
        if resolution.number in numbered:
            at, ours_r = numbered[resolution.number]
            yield from _resolution_pairs(
                ("resolutions", index), ("resolutions", at), ours_r, resolution
            )


def _resolution_pairs(
    where: Where, source: Where, ours: Resolution, theirs: ResolutionTranslation
) -> Iterator[TextPair]:
    if theirs.text is not None:
        yield TextPair((*where, "text"), _key((*source, "text")), ours.text, theirs.text)
    yield from _ask_pairs(where, source, ours, theirs)
    yield from _commitment_pairs(where, source, ours, theirs)
    for index, item in enumerate(theirs.items or []):
        if index < len(ours.items):
            yield from _item_pairs(
                (*where, "items", index), (*source, "items", index), ours.items[index], item
            )


def _item_pairs(
    where: Where, source: Where, ours: Item, theirs: ItemTranslation
) -> Iterator[TextPair]:
    if theirs.action is not None and ours.action is not None:
        yield TextPair((*where, "action"), _key((*source, "action")), ours.action, theirs.action)
    if theirs.text is not None:
        yield TextPair((*where, "text"), _key((*source, "text")), ours.text, theirs.text)
    yield from _ask_pairs(where, source, ours, theirs)
    yield from _commitment_pairs(where, source, ours, theirs)


def _commitment_pairs(
    where: Where,
    source: Where,
    ours: Resolution | Item,
    theirs: ResolutionTranslation | ItemTranslation,
) -> Iterator[TextPair]:
    if theirs.commitment is not None and ours.commitment is not None:
        yield TextPair(
            (*where, "commitment"),
            _key((*source, "commitment")),
            ours.commitment,
            theirs.commitment,
        )


def _ask_pairs(
    where: Where,
    source: Where,
    ours: Resolution | Item,
    theirs: ResolutionTranslation | ItemTranslation,
) -> Iterator[TextPair]:
    if ours.ask is None or theirs.ask is None:
        return
    for name in ("verb", "printed", "summary"):
        text, translated = getattr(ours.ask, name), getattr(theirs.ask, name)
        key = _key((*source, "ask", name))
        if text is None and name == "verb" and isinstance(ours, Item):
            text, key = ours.action, _key((*source, "action"))  # the ask's verb is the action
        if text is not None and translated is not None:
            yield TextPair((*where, "ask", name), key, text, translated)


def stale_texts(original: Statement, translation: StatementTranslation) -> list[Stale]:
    """The translated texts whose recorded original is missing or differs from today's."""
    recorded = translation.originals or {}
    return [
        Stale(pair, recorded.get(pair.key))
        for pair in text_pairs(original, translation)
        if recorded.get(pair.key) != pair.original
    ]


def current_originals(original: Statement, translation: StatementTranslation) -> dict[str, str]:
    """What `originals` says once a translator confirms every text as it stands."""
    return {pair.key: pair.original for pair in text_pairs(original, translation)}


def originals_block(originals: dict[str, str]) -> str:
    """The `originals:` block of a translation file, one original per line."""
    import yaml

    if not originals:
        return ""
    return (
        "# What each text above translates: the original as it was when translated.\n"
        "# Written by `briefing i18n confirm`; do not edit by hand.\n"
        + yaml.safe_dump(
            {"originals": originals},
            allow_unicode=True,
            sort_keys=False,
            width=1_000_000,
            default_flow_style=False,
        )
    )


def with_originals(source: str, originals: dict[str, str]) -> str:
    """The text of a translation file with its `originals` block replaced.

    The rest of the file, comments and layout included, is kept as written.
    """
    lines = source.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("originals:")), None)
    if start is not None:
        end = next(
            (
                i
                for i in range(start + 1, len(lines))
                if lines[i].strip() and not lines[i].startswith((" ", "#"))
            ),
            len(lines),
        )
        ours = ("# What each text above translates", "# Written by `briefing i18n confirm`")
        while start > 0 and lines[start - 1].startswith(ours):
            start -= 1
        lines = lines[:start] + lines[end:]
    kept = "".join(lines).rstrip("\n") + "\n"
    block = originals_block(originals)
    return kept + ("\n" + block if block else "")
