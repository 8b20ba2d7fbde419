"""Keep the gettext catalogs in step with the templates: extract, update, compile, status."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from pipeline.i18n import DOMAIN, SOURCE_LANGUAGE, available_languages, catalog_path

TEMPLATE = "messages.pot"
KEYWORDS = ["_", "N_", "gettext", "ngettext:1,2"]


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])  # type: ignore[no-untyped-call]


def extract(root: Path, locales: Path) -> Path:
    """Write locales/messages.pot from the code and the templates."""
    target = locales / TEMPLATE
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    _pybabel("extract", "-F", str(root / "babel.cfg"), "--no-location", "--sort-output",
             "--omit-header", *keywords, "-o", str(target), str(root))
    return target


def init(locales: Path, code: str, locale: str) -> Path:
    """Start a catalog for a new language; `locale` is its CLDR locale (mn_MN, ja_JP...)."""
    _pybabel("init", "-i", str(locales / TEMPLATE), "-d", str(locales), "-D", DOMAIN,
             "-l", locale)
    made = locales / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale != code:
        target = catalog_path(locales, code)
        target.parent.mkdir(parents=True, exist_ok=True)
        made.replace(target)
        for folder in (made.parent, made.parent.parent):
            folder.rmdir()
        made = target
    return made


def update(locales: Path) -> list[Path]:
    """Merge the template into every catalog, keeping what is translated."""
    _pybabel("update", "-i", str(locales / TEMPLATE), "-d", str(locales), "-D", DOMAIN,
             "--no-fuzzy-matching", "--ignore-obsolete")
    return [lang.catalog for lang in available_languages(locales).values()]


def compile_catalogs(locales: Path) -> list[Path]:
    """Write the .mo files (the build compiles in memory; these are for other tools)."""
    _pybabel("compile", "-d", str(locales), "-D", DOMAIN, "--statistics")
    return [p.with_suffix(".mo") for p in (catalog_path(locales, c) for c in
                                           available_languages(locales))]


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


def catalog_states(locales: Path) -> list[CatalogState]:
    """Return, per language, the template's messages it lacks or marks fuzzy."""
    with (locales / TEMPLATE).open("rb") as handle:
        template = read_po(handle)
    wanted = [m.id for m in template if m.id]
    wanted_ids = set(wanted)
    states = []
    for code, language in available_languages(locales).items():
        with language.catalog.open("rb") as handle:
            catalog = read_po(handle)
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
    return states


def _show(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else str(message_id[0])  # type: ignore[index]


def _translated(string: object) -> bool:
    if isinstance(string, str):
        return bool(string)
    return all(string) if isinstance(string, tuple | list) else False
