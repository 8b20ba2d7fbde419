"""Keep the gettext catalogs in step with the templates: extract, update, status.

The build reads the .po catalogs directly (`languages.translations`): no .mo files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from pipeline.errors import UsageError
from pipeline.files import create_exclusive, write_atomically
from pipeline.i18n.languages import (
    SOURCE_LANGUAGE,
    CatalogError,
    Language,
    available_languages,
    catalog_path,
    read_catalog,
)

TEMPLATE = "messages.pot"
COMMENT_TAGS = ["TRANSLATORS:"]  # `{# TRANSLATORS: … #}` in a template, `# TRANSLATORS:` in code


# Where the interface's strings are: the package's code and the tool's templates.
_PACKAGE = Path(__file__).resolve().parent.parent
_JINJA = (
    "jinja2.ext:babel_extract",
    {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"},
)


def template_catalog(templates: Path | None = None) -> Catalog:
    """Return the interface's strings, each with its source references and translators' comments.

    References are `pipeline/cli.py:40` and `templates/pack.html:12` whether the
    tool runs from a checkout or an installed wheel, so the template does not
    change with where it was made.
    """
    from babel.messages.extract import extract_from_dir

    from pipeline.assets import asset

    catalog = Catalog(fuzzy=False)
    sources: tuple[tuple[Path, str, list[tuple[str, str]], dict[str, dict[str, str]]], ...] = (
        (_PACKAGE, "pipeline", [("**.py", "python")], {}),
        (
            templates or asset("templates"),
            "templates",
            [("**.html", _JINJA[0])],
            {"**.html": _JINJA[1]},
        ),
    )
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    for folder, prefix, methods, options in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(folder), methods, options, keywords, COMMENT_TAGS, strip_comment_tags=True
        ):
            catalog.add(
                message,
                locations=[(f"{prefix}/{Path(filename).as_posix()}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def _po_bytes(catalog: Catalog, omit_header: bool = False) -> bytes:
    import io

    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    # References name the file, not the line: a line moved by an edit elsewhere in it would
    # otherwise change every catalog (and so every document made from one).
    write_po(
        buffer,
        catalog,
        width=76,
        omit_header=omit_header,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=False,
    )
    return buffer.getvalue()


def extract(locales: Path, templates: Path | None = None) -> tuple[Path, bool]:
    """Write LOCALES/messages.pot from the code and the templates; say whether it changed.

    The template has no header, so nothing in it changes unless a string, its
    comment or its place does.
    """
    target = locales / TEMPLATE
    data = _po_bytes(template_catalog(templates), omit_header=True)
    if target.is_file() and target.read_bytes() == data:
        return target, False
    locales.mkdir(parents=True, exist_ok=True)
    write_atomically(target, data)
    return target, True


def init(locales: Path, code: str, locale: str, force: bool = False) -> Path:
    """Start a catalog for a new language; `locale` is its CLDR locale (mn_MN, ja_JP...).

    The code must be a language code, so the catalog stays inside `locales`, and
    an existing catalog is kept unless `force` says to replace it.
    """
    import contextlib
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
    # Read with the locale, so the catalog takes its plural forms. For a locale of one
    # form (th, ja) Babel prints a warning for each of the template's empty second
    # forms, which it drops as it should: nothing a user can act on.
    with (locales / TEMPLATE).open("rb") as handle, contextlib.redirect_stdout(io.StringIO()):
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
    """Merge the template into every catalog, keeping what is translated; return those changed.

    A catalog is written only when a message, comment or reference changed:
    its dates are kept, so an update with nothing new leaves every file as it was.
    """
    with (locales / TEMPLATE).open("rb") as handle:
        template = read_po(handle)
    changed = []
    for language in available_languages(locales).values():
        before = language.catalog.read_bytes()
        with language.catalog.open("rb") as handle:
            catalog = read_po(handle, locale=language.code)
        created, revised = catalog.creation_date, catalog.revision_date
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.creation_date, catalog.revision_date = created, revised
        catalog.obsolete.clear()
        data = _po_bytes(catalog)
        if data != before:
            write_atomically(language.catalog, data)
            changed.append(language.catalog)
    return changed


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


def shipped_languages(locales: Path) -> dict[str, Language]:
    """The languages whose catalog is complete: those a build without --lang makes."""
    every = available_languages(locales)
    drafts = languages_in_progress(locales, list(every.values()))
    return {code: language for code, language in every.items() if code not in drafts}
