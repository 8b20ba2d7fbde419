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

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from pipeline.config import DEFAULT_LOCALES
from pipeline.errors import UsageError

__all__ = ["DEFAULT_LOCALES", "Formatter", "Language", "T", "select_languages"]

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"


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
    with path.open(encoding="utf-8") as handle:
        head = handle.read(4096)
    match = re.search(r'^"Language: ([A-Za-z_@-]+)\\n"$', head, flags=re.M)
    return Locale.parse(match.group(1) if match else code)


@cache
def translations(path: Path, mtime_ns: int) -> Translations:
    """Compile a catalog in memory; fuzzy entries are not used."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


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
