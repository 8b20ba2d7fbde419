"""`briefing i18n export` and `import`: statements' texts out to a translator's tool and back.

Export writes every translatable text (`units`) as XLIFF 1.2 or PO. Import
reads the file back and merges its targets into the translation files, editing
each file's text where the value stands (`yamledit`), so comments and layout
stay; it records the originals of the texts the translator marked done, as
`briefing i18n confirm` does. Everything is checked, by the project's own
validation on a copy of the records, before anything is written: a problem is
reported at the unit's line in the translator's file.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline.config import Paths
from pipeline.errors import Problem, RecordError, UsageError
from pipeline.files import write_atomically
from pipeline.records.instruments import Instruments
from pipeline.records.load import format_path
from pipeline.records.models import Statement, StatementTranslation
from pipeline.records.originals import text_pairs, with_originals
from pipeline.records.project import Project
from pipeline.records.validate import check_records, load_project
from pipeline.records.yamlsafe import YamlProblem, decode, parse
from pipeline.translate.formats import (
    ExchangeError,
    Incoming,
    read_units,
    write_po,
    write_xliff,
)
from pipeline.translate.units import field_key, units
from pipeline.translate.yamledit import PatchError, dump, patch

FORMATS = ("xliff", "po")
_PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")


def export(paths: Paths, lang: str, fmt: str) -> tuple[bytes, int]:
    """Return the project's texts for translation into `lang`, and how many units."""
    records, instruments = paths.records, paths.instruments
    project = load_project([records], paths)
    source = _source_language(project)
    if lang == source:
        raise UsageError(f"{lang!r} is the originals' language: export a language to translate to")
    found = units(project, lang, Instruments.load(instruments))
    if fmt == "po":
        return write_po(found, lang), len(found)
    names = {
        record: _relative(project.files[record], records) for record in {u.record for u in found}
    }
    return write_xliff(found, names, source, lang), len(found)


def _source_language(project: Project) -> str:
    languages = {s.language for s in project.statements.values()}
    return languages.pop() if len(languages) == 1 else "en"


def _relative(path: Path, records: Path) -> str:
    try:
        return (records.name / path.relative_to(records)).as_posix()
    except ValueError:
        return path.name


@dataclass
class _File:
    """One translation file being changed: its text, its values before and after."""

    record: str
    path: Path
    text: str
    old: Any
    new: Any
    original: BaseModel
    units: dict[str, tuple[Incoming, str]] = field(default_factory=dict)  # id -> (unit, path)
    recorded: dict[str, str] = field(default_factory=dict)
    originals: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Imported:
    """One file an import changed, and how many of its texts it changed or confirmed."""

    path: Path
    changed: int
    created: bool


def import_file(
    path: Path,
    paths: Paths,
    translator: str | None = None,
    today: dt.date | None = None,
    lang: str | None = None,
) -> list[Imported]:
    """Merge a translated XLIFF or PO file into the records; write nothing unless all is well."""
    try:
        exchange = read_units(path)
    except ExchangeError as error:
        raise RecordError(error.problems) from None
    records, instruments = paths.records, paths.instruments
    project = load_project([records], paths)
    named = exchange.lang.replace("-", "_").split("_")[0].lower()
    if lang and named and named != lang:
        raise UsageError(f"{path} is a translation into {named!r}, not {lang!r}")
    lang = named or lang or ""
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        raise RecordError(
            [Problem(path, 1, 1, "", "the file names no target language: give it with --lang")]
        )
    translator = translator or exchange.translator
    table = {unit.id: unit for unit in units(project, lang, Instruments.load(instruments))}
    problems: list[Problem] = []
    files: dict[str, _File] = {}
    touched: dict[str, int] = {}
    for incoming in exchange.units:
        where = (path, incoming.line, incoming.column, incoming.id)
        unit = table.get(incoming.id)
        if unit is None:
            problems.append(Problem(*where, "no such text in the records (was it removed?)"))
            continue
        if not incoming.target:
            continue
        if incoming.source != unit.source:
            problems.append(
                Problem(
                    *where,
                    f"the original has changed since this file was exported: it was "
                    f"{incoming.source!r}, it is now {unit.source!r}; export again and "
                    "translate today's original",
                )
            )
            continue
        wanted, got = _placeholders(unit.source), _placeholders(incoming.target)
        if wanted != got:
            problems.append(
                Problem(
                    *where,
                    f"the placeholders {sorted(wanted)} must be kept as they are "
                    f"(the translation has {sorted(got)})",
                )
            )
            continue
        if (
            incoming.fuzzy
            and unit.target is None
            and incoming.target in {s.text for s in unit.suggestions}
        ):
            continue  # a suggestion offered, not (yet) taken
        try:
            handle = files.get(unit.record) or _open(
                project, records, unit.record, lang, translator, today
            )
        except UsageError as error:
            problems.append(Problem(*where, error.message))
            continue
        files[unit.record] = handle
        at = _set(handle.new, handle.original, unit.where, incoming.target)
        handle.units[unit.id] = (incoming, format_path(at))
        before = dict(handle.originals)
        if isinstance(handle.original, Statement):
            key = field_key(unit.where)
            if not incoming.fuzzy:
                handle.originals[key] = unit.source
            elif handle.originals.get(key) == unit.source:
                del handle.originals[key]  # marked for review: no longer current
        if incoming.target != unit.target or handle.originals != before:
            touched[unit.record] = touched.get(unit.record, 0) + 1
    problems += _whole_headings(path, files)
    written: dict[str, str] = {}
    for record, handle in files.items():
        try:
            text = _text(handle)
        except RecordError as error:
            problems += error.problems
            continue
        if text != handle.text:
            written[record] = text
    # Every problem at once: the units refused above and what validation finds.
    problems += _validate(path, paths, {files[r].path: (t, files[r]) for r, t in written.items()})
    if problems:
        raise RecordError(problems)
    done = []
    for record, text in written.items():
        handle = files[record]
        created = not handle.path.exists()
        write_atomically(handle.path, text.encode("utf-8"))
        done.append(Imported(handle.path, touched.get(record, 0), created))
    return done


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _open(
    project: Project,
    records: Path,
    record: str,
    lang: str,
    translator: str | None,
    today: dt.date | None,
) -> _File:
    """Return a translation file's text and values, or a new file's, to be changed."""
    original: Any = project.statements.get(record) or getattr(project, record)
    source = project.files[record]
    target = project.files.get(f"{record}.{lang}", source.with_name(f"{record}.{lang}.yaml"))
    recorded: dict[str, str] = {}
    if target.exists():
        try:
            text = decode(target.read_bytes())
            old = parse(text).value
        except YamlProblem as problem:
            raise UsageError(
                f"{target}:{problem.line}:{problem.column}: {problem.message}"
            ) from None
        if isinstance(original, Statement):
            translation = project.translations.get((record, lang))
            recorded = dict(translation.originals or {}) if translation else {}
    else:
        if not translator:
            raise UsageError(
                f"{target} does not exist yet: name its translator with --translator "
                "(or in the PO header's Last-Translator)"
            )
        kind = {"vocabulary": "vocabulary-translation", "coalition": "coalition-translation"}
        old = {"kind": kind.get(record, "translation")}
        schema = {"vocabulary": "vocabulary-translation", "coalition": "coalition-translation"}
        if isinstance(original, Statement):
            old["statement"] = record
        old["translation"] = {
            "language": lang,
            "status": "unofficial",
            "translator": translator,
            "date": today or dt.date.today(),
        }
        text = (
            f"# yaml-language-server: $schema=../schemas/{schema.get(record, 'translation')}"
            f".schema.json\n# Unofficial {lang} translation of {record}.yaml, "
            "from `briefing i18n import`.\n" + dump(old)
        )
    return _File(
        record, target, text, old, copy.deepcopy(old), original, {}, recorded, dict(recorded)
    )


def _set(
    data: dict[str, Any], original: BaseModel, where: tuple[str | int, ...], value: str
) -> tuple[str | int, ...]:
    """Put `value` at the translation's place for the original's field `where`; return that place.

    Resolutions align by number and names by id (a missing one is added with its
    key); other lists by position, padded with empty entries.
    """
    at: list[str | int] = []
    node: Any = data
    model: Any = original
    index = 0
    while index < len(where):
        name = where[index]
        assert isinstance(name, str)
        at.append(name)
        last = index == len(where) - 1
        if last:
            node[name] = value
            break
        child = getattr(model, name)
        if isinstance(child, list):
            position = where[index + 1]
            assert isinstance(position, int)
            items = node.setdefault(name, [])
            element = child[position]
            if isinstance(element, str):  # a heading line: the heading is translated whole
                while len(items) <= position:
                    items.append(None)
                items[position] = value
                at.append(position)
                break
            key = next((k for k in ("number", "id") if k in type(element).model_fields), None)
            if key is not None:
                mark = getattr(element, key)
                found = next((i for i, e in enumerate(items) if e.get(key) == mark), None)
                if found is None:
                    items.append({key: mark})
                    found = len(items) - 1
            else:
                while len(items) <= position:
                    items.append({})
                found = position
            at.append(found)
            node, model = items[found], element
            index += 2
            continue
        node = node.setdefault(name, {})
        model = child
        index += 1
    return tuple(at)


def _whole_headings(path: Path, files: dict[str, _File]) -> list[Problem]:
    """A heading is translated as a whole: every line in one import, or none."""
    problems = []
    for handle in files.values():
        lines = handle.new.get("heading") if isinstance(handle.new, dict) else None
        if isinstance(lines, list) and None in lines:
            missing = [i for i, line in enumerate(lines) if line is None]
            first = next(
                (inc for uid, (inc, _) in handle.units.items() if ":heading[" in uid), None
            )
            line, column, uid = (first.line, first.column, first.id) if first else (1, 1, "")
            problems.append(
                Problem(
                    path,
                    line,
                    column,
                    uid,
                    f"the heading is translated as a whole: "
                    f"translate its lines {[i + 1 for i in missing]} too",
                )
            )
    return problems


def _text(handle: _File) -> str:
    """The translation file's new text: its values patched in, its originals recorded."""
    try:
        text = patch(handle.text, handle.old, handle.new, before_key="originals")
    except PatchError as error:
        raise RecordError(
            [Problem(handle.path, 1, 1, "", f"cannot edit the file: {error}")]
        ) from None
    if handle.originals != handle.recorded:
        text = with_originals(text, _ordered(handle))
    return text


def _ordered(handle: _File) -> dict[str, str]:
    """The originals in the order of the texts, as `i18n confirm` writes them."""
    assert isinstance(handle.original, Statement)
    try:
        translation = StatementTranslation.model_validate(handle.new)
    except ValidationError:
        return dict(handle.originals)  # validation will say what is wrong
    order = [pair.key for pair in text_pairs(handle.original, translation)]
    keys = [k for k in order if k in handle.originals]
    keys += [k for k in handle.originals if k not in keys]
    return {k: handle.originals[k] for k in keys}


def _validate(path: Path, paths: Paths, changed: dict[Path, tuple[str, _File]]) -> list[Problem]:
    records = paths.records
    """Validate the records as they would be, on a copy; report errors at the units."""
    if not changed:
        return []
    with tempfile.TemporaryDirectory(prefix="briefing-import-") as folder:
        copy_root = Path(folder) / records.resolve().name
        shutil.copytree(records, copy_root, symlinks=True)
        sources = records.resolve().parent / "sources"
        if sources.is_dir():
            (Path(folder) / "sources").symlink_to(sources)
        copies = {}
        for target, (text, handle) in changed.items():
            copied = copy_root / target.resolve().relative_to(records.resolve())
            copied.write_text(text, encoding="utf-8")
            copies[copied] = (target, handle)
        _, found, _ = check_records([copy_root], dataclasses.replace(paths, records=copy_root))
    problems = []
    for problem in found:
        if not problem.is_error or problem.path not in copies:
            continue
        target, handle = copies[problem.path]
        unit = _unit_at(handle, problem.field)
        where = f"{target}:{problem.line}:{problem.column}: {problem.field}"
        if unit is None:
            problems.append(Problem(path, 1, 1, "", f"{where}: {problem.message}"))
        else:
            incoming, _ = unit
            problems.append(
                Problem(
                    path,
                    incoming.line,
                    incoming.column,
                    incoming.id,
                    f"{problem.message} (in {where})",
                )
            )
    return problems


def _unit_at(handle: _File, field_name: str) -> tuple[Incoming, str] | None:
    """Return the imported unit a problem at `field_name` of the translation belongs to."""
    best: tuple[int, tuple[Incoming, str]] | None = None
    for unit in handle.units.values():
        at = unit[1]
        if field_name == at or field_name.startswith((f"{at}.", f"{at}[")):
            score = len(at)
        elif at.startswith((f"{field_name}.", f"{field_name}[")):
            score = len(field_name)
        else:
            continue
        if best is None or score > best[0]:
            best = (score, unit)
    return best[1] if best else None
