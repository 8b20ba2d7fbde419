"""What record text may hold: no hidden direction changes, invisible or control characters.

A right-to-left override makes a PDF show a word other than the one in the
record; invisible format characters and control characters hide what a text
says from the people who review it. Each is a located problem naming the code
point. ZERO WIDTH JOINER and NON-JOINER are allowed in the languages whose
scripts need them. The WORD JOINERs the renderer adds to Korean text are added
after this check and are not affected by it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from pipeline.errors import Problem
from pipeline.records.load import LoadedFile, format_path

BIDI_CONTROLS = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C])
JOINERS = frozenset({0x200C, 0x200D})
# Languages written in scripts where ZWJ and ZWNJ change how letters join or form.
JOINING_LANGUAGES = frozenset(
    {
        "ar",
        "fa",
        "ur",
        "ps",
        "ku",
        "sd",
        "ug",
        "ckb",  # Arabic script
        "hi",
        "mr",
        "ne",
        "sa",
        "bn",
        "as",
        "pa",
        "gu",
        "or",
        "ta",
        "te",
        "kn",
        "ml",
        "si",
        "my",
        "km",
        "lo",
        "bo",
        "dv",
        "syr",
    }
)
ALLOWED_CONTROLS = frozenset({0x09, 0x0A})  # tab and line feed, as YAML text has them


# Every control (Cc) and format (Cf) character of Unicode 15, and a little more:
# a candidate found here is then judged by its category in `refusal`.
_CANDIDATES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f"
    "\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001345f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def refusal(character: str, lang: str) -> str | None:
    """Say why `character` may not be in text of language `lang`, or None if it may."""
    code = ord(character)
    if code in ALLOWED_CONTROLS:
        return None
    if code in BIDI_CONTROLS:
        return "a bidirectional control, which can make the text read differently from what it says"
    category = unicodedata.category(character)
    if category == "Cc":
        return "a control character"
    if category == "Cf":
        if code in JOINERS and lang in JOINING_LANGUAGES:
            return None
        return "an invisible format character"
    return None


def describe(character: str) -> str:
    """Return `U+202E RIGHT-TO-LEFT OVERRIDE`."""
    return f"U+{ord(character):04X} {unicodedata.name(character, 'unnamed')}"


def text_problems(loaded: LoadedFile) -> list[Problem]:
    """Return a located problem for each character the text policy refuses in a record."""
    document = loaded.document
    if "\\" not in document.text and not _CANDIDATES.search(document.text):
        return []  # the common case: one pass over the file's text
    problems = []
    default = _language(loaded.record)
    for path, text in _strings(document.value, ()):
        lang = _language_at(loaded.record, path, default)
        for match in _CANDIDATES.finditer(text):
            reason = refusal(match.group(), lang)
            if reason is None:
                continue
            nth = text.count(match.group(), 0, match.start())
            line, column = _locate(loaded, path, match.group(), nth)
            problems.append(
                Problem(
                    loaded.path,
                    line,
                    column,
                    format_path(path),
                    f"{describe(match.group())} is {reason}; remove it",
                )
            )
    return problems


def _strings(
    value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, (*path, str(key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _strings(child, (*path, index))


def _language(record: Any) -> str:
    translation = getattr(record, "translation", None)
    if translation is not None:
        return str(translation.language)
    return str(getattr(record, "language", "en"))


def _language_at(record: Any, path: tuple[str | int, ...], default: str) -> str:
    """A recipient's own fields are in the recipient's language."""
    people = getattr(record, "recipients", None)
    if (
        people is not None
        and len(path) > 1
        and isinstance(path[1], int)
        and (path[1] < len(people))
    ):
        return str(people[path[1]].language)
    return default


def _locate(
    loaded: LoadedFile, path: tuple[str | int, ...], character: str, nth: int
) -> tuple[int, int]:
    """Return the line and column of the character in the file, or of its value.

    The `nth` occurrence after the value's start is the one, as long as YAML
    did not write it as an escape (then the value's own position is given).
    """
    line, column = loaded.document.value_position(path)
    lines = loaded.document.text.splitlines(keepends=True)
    offset = sum(len(text) for text in lines[: line - 1]) + column - 1
    found = loaded.document.text.find(character, offset)
    for _ in range(nth):
        if found < 0:
            break
        found = loaded.document.text.find(character, found + 1)
    if found < 0:
        return line, column
    start = loaded.document.text.rfind("\n", 0, found) + 1
    return loaded.document.text.count("\n", 0, found) + 1, found - start + 1
