"""Languages, catalogs, CLDR dates and names, and translated text with fallback.

A language is a gettext catalog, `locales/<code>/LC_MESSAGES/messages.po`;
its `Language:` header names the CLDR locale used for dates and names
(`en_GB` for `en`). Adding a language is adding a catalog and translations.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message, TranslationError
from babel.messages.checkers import checkers
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal
from babel.support import Translations

from pipeline.config import DEFAULT_LOCALES
from pipeline.errors import Problem, RecordError, UsageError
from pipeline.files import read_nofollow
from pipeline.i18n.grammar import catalog_problems

__all__ = ["DEFAULT_LOCALES", "Formatter", "Language", "T", "select_languages"]

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
MAX_CATALOG_BYTES = 16 * 1024 * 1024


class CatalogError(RecordError):
    """Every problem found in a catalog, each at its `messages.po:line`."""


@dataclass(frozen=True)
class T:
    """A text and the language it is in: the page tags it when it differs."""

    text: str
    lang: str
    stale: bool = False  # a translation of an earlier version of its original

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Language:
    """A language the packs are made in."""

    code: str
    locale: Locale
    catalog: Path

    @property
    def name(self) -> str:
        """The language's own name for itself, from CLDR (日本語, 한국어)."""
        own = Locale(self.locale.language)
        return own.get_display_name(own) or self.code


def catalog_path(locales: Path, code: str) -> Path:
    return locales / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages(locales: Path) -> dict[str, Language]:
    """Return every language that has a catalog, source language first."""
    found: dict[str, Language] = {}
    for path in sorted(locales.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        code = path.parent.parent.name
        found[code] = Language(code, _catalog_locale(path, code), path)
    return dict(sorted(found.items(), key=lambda kv: (kv[0] != SOURCE_LANGUAGE, kv[0])))


def select_languages(locales: Path, requested: str | None) -> list[Language]:
    """Return the languages asked for (`ja,ko`, `all` or None for all), or a usage error."""
    languages = available_languages(locales)
    if not languages:
        raise UsageError(f"no language catalogs found under {locales}/")
    if requested in (None, "", "all"):
        return list(languages.values())
    codes = [c.strip() for c in str(requested).split(",") if c.strip()]
    if not codes:
        raise UsageError(f"no language in {requested!r}: give codes such as en,ja, or all")
    unknown = [c for c in codes if c not in languages]
    if unknown:
        raise UsageError(
            f"no catalog for language {', '.join(unknown)}; available: {', '.join(languages)}"
        )
    return [languages[c] for c in dict.fromkeys(codes)]


def _catalog_locale(path: Path, code: str) -> Locale:
    """Read the catalog's `Language:` header without parsing the whole catalog."""
    head = read_nofollow(path, 4096).decode("utf-8", errors="replace")
    match = re.search(r'^"Language: ([A-Za-z_@-]+)\\n"$', head, flags=re.M)
    try:
        return Locale.parse(match.group(1) if match else code)
    except (ValueError, UnknownLocaleError):
        line = head[: match.start()].count("\n") + 1 if match else 1
        name = match.group(1) if match else code
        raise CatalogError(
            [Problem(path, line, 1, "Language", f"{name!r} is not a locale CLDR knows")]
        ) from None


def read_catalog(path: Path) -> Catalog:
    """Read a catalog as untrusted input: UTF-8, well formed, each msgstr fit for its msgid.

    Every translation is checked here, once, against what the code will do with
    it (`msgstr % values`): Babel's checkers (plural forms, placeholder kinds and
    types) on every message with a placeholder, whether or not it is flagged
    `python-format`, and the placeholders a msgid lacks, which Babel lets pass.
    """
    raw = read_nofollow(path, MAX_CATALOG_BYTES + 1)
    if len(raw) > MAX_CATALOG_BYTES:
        raise CatalogError([_problem(path, 1, f"larger than {MAX_CATALOG_BYTES >> 20} MB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        raise CatalogError([_problem(path, line, f"not UTF-8 (byte 0x{byte:02x})")]) from None
    lines = text.splitlines()
    malformed = [
        _problem(path, number, f"malformed: {_show(line)} is not a PO keyword and quoted string")
        for number, line in enumerate(lines, 1)
        if line.strip() and not line.startswith("#") and not _PO_LINE.fullmatch(line)
    ]  # Babel reads an unterminated string without a word, and drops its last character
    if malformed:
        raise CatalogError(malformed)
    try:
        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as error:
        problem = str(error).removesuffix(f" on {error.lineno}")
        line = max(1, error.lineno)
        raise CatalogError([_problem(path, line, f"malformed: {problem}")]) from None
    except (ValueError, TypeError, IndexError, UnknownLocaleError) as error:
        raise CatalogError([_problem(path, 1, f"malformed: {error}")]) from None
    problems = [
        _problem(path, _msgstr_line(lines, message.lineno or 1), why)
        for message in catalog
        if message.id and message.string
        for why in _message_problems(catalog, message)
    ]
    if problems:
        raise CatalogError(problems)
    return catalog


_PO_LINE = re.compile(
    r'\s*(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?"(?:[^"\\]|\\.)*"\s*'
)


def _show(line: str) -> str:
    return repr(line if len(line) <= 40 else line[:40] + "…")


def _msgstr_line(lines: list[str], msgid_line: int) -> int:
    """Return the line of the msgstr that follows a msgid: where the translator looks."""
    for number in range(msgid_line - 1, len(lines)):
        if lines[number].startswith("msgstr"):
            return number + 1
    return msgid_line


def _problem(path: Path, line: int, message: str) -> Problem:
    return Problem(path, line, 1, "", message)


def _message_problems(catalog: Catalog, message: Message) -> list[str]:
    ids = message.id if isinstance(message.id, list | tuple) else (message.id,)
    strings = message.string if isinstance(message.string, list | tuple) else (message.string,)
    if any(PYTHON_FORMAT.search(i) for i in ids):
        message.flags.add("python-format")
    problems = []
    for check in checkers:
        try:
            check(catalog, message)
        except TranslationError as error:
            problems.append(f"{error} in the translation of {ids[0]!r}")
    if problems:
        return problems
    names = {m.group(1) for i in ids for m in PYTHON_FORMAT.finditer(i) if m.group(1)}
    for string in strings:
        try:
            str(string) % dict.fromkeys(names, 0)  # as the renderer formats it
        except KeyError as error:
            problems.append(f"placeholder %({error.args[0]})s is not in the original {ids[0]!r}")
        except (ValueError, TypeError) as error:
            problems.append(f"{error} in the translation of {ids[0]!r} (write a % sign as %%)")
        for why in catalog_problems(str(catalog.locale or ""), str(string)):  # grammar.py
            problems.append(f"{why}, in the translation of {ids[0]!r}")
    return problems


@cache
def translations(path: Path, mtime_ns: int) -> Translations:
    """Compile a catalog in memory; fuzzy entries are not used."""
    catalog = read_catalog(path)
    for message in [m for m in catalog if m.id and not _translated(m)]:
        # Babel writes an untranslated plural as its English singular in every form, so a
        # draft in a language of one form would say "2 joint statement"; left out, the
        # message falls back to English whole, singular and plural chosen as English does.
        catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def gettext_for(language: Language) -> Translations:
    return translations(language.catalog, language.catalog.stat().st_mtime_ns)


class Formatter:
    """Dates, numbers and names as CLDR writes them in one language."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.locale = language.locale

    def date(self, value: dt.date, style: str = "long") -> str:
        return format_date(value, format=style, locale=self.locale)

    def month(self, year: int, month: int) -> str:
        return format_skeleton("yMMMM", dt.date(year, month, 1), locale=self.locale)

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def country(self, code: str) -> str:
        return str(self.locale.territories.get(code, code))

    def place(self, city: str | None, country: str | None) -> str:
        """Return "Tokyo, Japan", or the catalog's own order for a city in a country.

        A place the document does not name is "not stated", never guessed.
        """
        if not country:
            return city or gettext_for(self.language).gettext("place not stated")
        if not city:
            return self.country(country)
        pattern = gettext_for(self.language).gettext("%(city)s, %(country)s")
        return pattern % {"city": city, "country": self.country(country)}

    def language_name(self, code: str) -> str:
        return str(self.locale.languages.get(code, code))

    def list(self, values: list[str]) -> str:
        from babel.lists import format_list

        return format_list(values, locale=self.locale) if values else ""


def pick(original: str, translated: str | None, original_lang: str, lang: str) -> T:
    """Return the translation if there is one, else the original, tagged with its language."""
    if translated:
        return T(translated, lang)
    return T(original, original_lang)
