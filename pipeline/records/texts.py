"""Every text a document may show, with where it comes from and its language.

The font subset cache takes its character sets from here, and the glyph
coverage check its error messages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from pydantic import BaseModel

from pipeline.i18n.languages import SOURCE_LANGUAGE, Formatter, Language
from pipeline.records.instruments import Instruments
from pipeline.records.project import Project

# Keys whose values are ids and codes, never shown as they are. Only plain values
# are skipped: `themes` is a list of ids in a statement but a list of named and
# described themes in the vocabulary, and those names reach the page.
_ID_KEYS = {
    "kind",
    "id",
    "addressees",
    "concerns",
    "themes",
    "statement",
    "instrument",
    "language",
    "status",
    "statements",
    "file",
}


def _is_id(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    )


_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
# Keys whose values never reach a page: a translation's record of its originals.
_NOT_SHOWN = {"originals"}


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            if key not in _NOT_SHOWN and not (key in _ID_KEYS and _is_id(child)):
                yield from _walk(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            yield from _walk(child, f"{path}[{index}]")


def record_texts(record: BaseModel, origin: str, lang: str) -> Iterator[tuple[str, str, str, str]]:
    """Yield (origin, field, lang, text) for every text field of a record."""
    for field, text in _walk(record.model_dump(mode="json", by_alias=True), ""):
        yield origin, field, lang, text


def project_texts(
    project: Project, instruments: Instruments, languages: list[Language], templates: Path
) -> Iterator[tuple[str, str, str, str]]:
    """Yield every text the documents of `languages` may show.

    An original is shown in every language (the fallback); a translation, a
    language's names and notes and its UDHR text only in that language, so those
    of a language left out (one in progress) are not the build's to check.
    """
    codes = {language.code for language in languages}
    for statement in project.statements.values():
        yield from record_texts(statement, f"statement {statement.id}", statement.language)
    for (statement_id, lang), translation in project.translations.items():
        if lang in codes:
            yield from record_texts(translation, f"statement {statement_id}", lang)
    if project.vocabulary:
        yield from record_texts(project.vocabulary, "vocabulary", "en")
    if project.coalition:
        yield from record_texts(project.coalition, "coalition", "en")
    for source in project.sources.values():
        yield from record_texts(source, f"source {source.id}", "en")
    for (kind, lang), record in project.extra.items():
        if lang in codes:
            yield from record_texts(record, kind, lang)  # type: ignore[arg-type]
    for record in instruments.records.values():
        for lang, text in record.texts.items():
            if lang in codes or lang == SOURCE_LANGUAGE:  # English: every language's fallback
                yield from record_texts(text, f"instrument {record.id}", lang)
    yield "templates", "text", "*", _template_characters(templates)
    for language in languages:
        yield from _catalog_texts(language)
        yield from _cldr_texts(project, language)


def _catalog_texts(language: Language) -> Iterator[tuple[str, str, str, str]]:
    with language.catalog.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, list | tuple) else [message.string]
        for string in strings:
            if string:
                # A placeholder's name never reaches a page; its value is a text of its own.
                shown = _PLACEHOLDER.sub("", string)
                yield f"catalog {language.code}", str(message.id), language.code, shown


def _cldr_texts(project: Project, language: Language) -> Iterator[tuple[str, str, str, str]]:
    """Dates, countries and language names as CLDR writes them in this language."""
    fmt = Formatter(language)
    origin, lang = f"CLDR {language.locale}", language.code
    for month in range(1, 13):
        day = dt.date(2000, month, 28)
        yield origin, "dates", lang, fmt.date(day) + " " + fmt.month(2000, month)
    from babel.dates import format_interval

    yield (
        origin,
        "dates",
        lang,
        format_interval(dt.date(2000, 1, 28), dt.date(2000, 1, 30), "yMMMd", locale=fmt.locale),
    )
    countries: set[str] = set()
    for statement in project.statements.values():
        if statement.meeting.country:
            countries.add(statement.meeting.country)
    if project.coalition:
        for meeting in project.coalition.meetings:
            if meeting.country:
                countries.add(meeting.country)
        for entry in project.coalition.founding_countries:
            countries.update(entry.countries)
        yield origin, "lists", lang, fmt.list(["", "", ""])  # the separators alone
    for code in sorted(countries):
        yield origin, f"country {code}", lang, fmt.country(code)
    yield origin, "language", lang, language.name + " " + fmt.language_name("en")
    yield origin, "numbers", lang, fmt.number(1234567)


def _template_characters(templates: Path) -> str:
    """Return the literal text of the templates and styles (outside Jinja tags)."""
    chars: set[str] = set()
    root = templates.resolve()
    for path in sorted(templates.rglob("*")):
        if path.suffix in {".html", ".css"} and path.resolve().is_relative_to(root):
            # Never through a link out of the folder; the renderer names a file not in UTF-8.
            text = path.read_bytes().decode("utf-8", errors="replace")
            text = re.sub(r"\{[{%#].*?[}%#]\}", " ", text, flags=re.S)
            chars.update(text)
    return "".join(sorted(c for c in chars if not c.isspace()))
