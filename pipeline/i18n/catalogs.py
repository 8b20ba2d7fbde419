"""Keep the gettext catalogs in step with the templates: extract, update, compile, status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.files import create_exclusive, write_atomically
from pipeline.i18n.languages import (
    DOMAIN,
    SOURCE_LANGUAGE,
    CatalogError,
    Language,
    available_languages,
    catalog_path,
    read_catalog,
)

TEMPLATE = "messages.pot"
KEYWORDS = ["_", "N_", "gettext", "ngettext:1,2"]


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", *args])  # type: ignore[no-untyped-call]


def extract(root: Path, locales: Path) -> Path:
    """Write locales/messages.pot from the code and the templates."""
    target = locales / TEMPLATE
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    _pybabel(
        "extract",
        "-F",
        str(root / "babel.cfg"),
        "--no-location",
        "--sort-output",
        "--omit-header",
        *keywords,
        "-o",
        str(target),
        str(root),
    )
    return target


def init(locales: Path, code: str, locale: str, force: bool = False) -> Path:
    """Start a catalog for a new language; `locale` is its CLDR locale (mn_MN, ja_JP...).

    The code must be a language code, so the catalog stays inside `locales`, and
    an existing catalog is kept unless `force` says to replace it.
    """
    import datetime as dt
    import io

    from babel import Locale, UnknownLocaleError
    from babel.messages.pofile import read_po, write_po

    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise UsageError(
            f"{code!r} is not a language code: use two or three lowercase letters, such as mn or ja"
        )
    if not re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*", locale):
        raise UsageError(f"{locale!r} is not a CLDR locale, such as mn_MN or ja_JP")
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise UsageError(f"{locale!r} is not a locale CLDR knows, such as mn_MN or ja_JP") from None
    target = catalog_path(locales, code)
    if (target.exists() or target.is_symlink()) and not force:
        raise UsageError(
            f"{target} exists: language {code!r} has a catalog already "
            "(--force replaces it and loses its translations)"
        )
    for folder in (target.parent.parent, target.parent):
        if folder.is_symlink():
            raise UsageError(f"{folder} is a symbolic link; refusing to write through it")
    with (locales / TEMPLATE).open("rb") as handle:
        catalog = read_po(handle, locale=parsed)
    catalog.locale = parsed
    catalog.revision_date = dt.datetime.now(dt.UTC)
    catalog.fuzzy = False
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    target.parent.mkdir(parents=True, exist_ok=True)
    if force:
        write_atomically(target, buffer.getvalue())
    else:
        create_exclusive(target, buffer.getvalue())
    return target


def update(locales: Path) -> list[Path]:
    """Merge the template into every catalog, keeping what is translated."""
    _pybabel(
        "update",
        "-i",
        str(locales / TEMPLATE),
        "-d",
        str(locales),
        "-D",
        DOMAIN,
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    return [lang.catalog for lang in available_languages(locales).values()]


def compile_catalogs(locales: Path) -> list[Path]:
    """Write the .mo files (the build compiles in memory; these are for other tools)."""
    _pybabel("compile", "-d", str(locales), "-D", DOMAIN, "--statistics")
    return [
        p.with_suffix(".mo")
        for p in (catalog_path(locales, c) for c in available_languages(locales))
    ]


@dataclass(frozen=True)
class CatalogState:
    lang: str
    total: int
    missing: list[str]
    fuzzy: list[str]
    stale: list[str]

    @property
    def complete(self) -> bool:
        return not (self.missing or self.fuzzy)


def catalog_states(locales: Path, codes: set[str] | None = None) -> list[CatalogState]:
    """Return, per language (those of `codes`, or all), the messages it lacks or marks fuzzy.

    Each catalog is read by `read_catalog`: a malformed one, or a translation that
    does not fit its msgid, is an error at its `messages.po:line`.
    """
    template = read_catalog(locales / TEMPLATE)
    wanted = [m.id for m in template if m.id]
    wanted_ids = set(wanted)
    states, problems = [], []
    for code, language in available_languages(locales).items():
        if codes is not None and code not in codes:
            continue
        try:
            catalog = read_catalog(language.catalog)
        except CatalogError as error:
            problems += error.problems  # every catalog's problems, reported together
            continue
        missing, fuzzy = [], []
        for key in wanted:
            message = catalog.get(key)
            if message is None:
                missing.append(_show(key))
            elif message.fuzzy:
                fuzzy.append(_show(key))
            elif code != SOURCE_LANGUAGE and not _translated(message.string):
                missing.append(_show(key))
        stale = [_show(m.id) for m in catalog if m.id and m.id not in wanted_ids]
        states.append(CatalogState(code, len(wanted), missing, fuzzy, stale))
    if problems:
        raise CatalogError(problems)
    return states


def _show(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else str(message_id[0])  # type: ignore[index]


def _translated(string: object) -> bool:
    if isinstance(string, str):
        return bool(string)
    return all(string) if isinstance(string, tuple | list) else False


def languages_in_progress(locales: Path, languages: list[Language]) -> dict[str, str]:
    """The languages whose catalog still lacks strings, each with how far it is.

    A default build leaves them out (no English in a Japanese pack); one asked
    for by name is built as a draft, marked so on every page. The catalogs are
    read and checked every build (a few milliseconds each), never taken from the
    cache: a remembered "complete" could be planted, and would drop the mark.
    """
    return {
        state.lang: (
            f"{state.total - len(state.missing) - len(state.fuzzy)} of {state.total} "
            f"strings translated, in {locales / state.lang}"
        )
        for state in catalog_states(locales, {language.code for language in languages})
        if not state.complete
    }
