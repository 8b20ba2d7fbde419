"""Find and read the record files, turning every problem into file:line:column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline.errors import Problem
from pipeline.models import (
    Coalition,
    CoalitionTranslation,
    Instrument,
    Recipients,
    Statement,
    StatementTranslation,
    Vocabulary,
    VocabularyTranslation,
)
from pipeline.yamlsafe import MAX_BYTES, Document, YamlProblem, decode, parse

KINDS: dict[str, type[BaseModel]] = {
    "statement": Statement,
    "translation": StatementTranslation,
    "coalition": Coalition,
    "vocabulary": Vocabulary,
    "vocabulary-translation": VocabularyTranslation,
    "coalition-translation": CoalitionTranslation,
    "instrument": Instrument,
    "recipients": Recipients,
}
SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadedFile:
    """A record and where it came from, so later checks can point into it."""

    path: Path
    document: Document
    record: Any

    def problem(self, where: tuple[str | int, ...], message: str) -> Problem:
        """Return a problem at the key (or value) `where` in this file."""
        line, column = self.document.position(where)
        return Problem(self.path, line, column, format_path(where), message)


@dataclass
class Loaded:
    """Every record read, by kind, and every problem met while reading."""

    files: list[LoadedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def of_kind(self, model: type[BaseModel]) -> list[LoadedFile]:
        return [f for f in self.files if isinstance(f.record, model)]


def format_path(path: Iterable[str | int]) -> str:
    """Return `resolutions[2].items[0].text` for a path tuple."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def find_record_files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Return the YAML files under `paths`, in a stable order, and paths that do not exist."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            )
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(path, 1, 1, "", "no such file or folder"))
    return found, problems


def read_document(path: Path) -> Document:
    """Read and parse one file, refusing oversized, binary and non-UTF-8 ones."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise YamlProblem(1, 1, f"cannot read the file: {error.strerror}") from None
    if len(data) > MAX_BYTES:
        size = path.stat().st_size
        raise YamlProblem(1, 1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes")
    return parse(decode(data))


def load_file(path: Path) -> tuple[LoadedFile | None, list[Problem]]:
    """Read one record file; return it, or the problems that stop it being read."""
    try:
        document = read_document(path)
    except YamlProblem as problem:
        return None, [Problem(path, problem.line, problem.column, format_path(problem.path),
                              problem.message)]
    value = document.value
    if not isinstance(value, dict):
        line, column = document.value_position(())
        return None, [Problem(path, line, column, "", "a record file must be a YAML mapping")]
    kind = value.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        where: tuple[str | int, ...] = ("kind",) if "kind" in value else ()
        line, column = document.position(where)
        choices = ", ".join(KINDS)
        message = (
            f"unknown kind {kind!r}; expected one of {choices}"
            if "kind" in value
            else f"missing required field 'kind' (one of {choices})"
        )
        return None, [Problem(path, line, column, "kind" if where else "", message)]
    try:
        record = model.model_validate(value)
    except ValidationError as error:
        return None, _problems(path, document, model, error.errors())
    loaded = LoadedFile(path, document, record)
    return loaded, _name_problems(loaded)


def load_records(paths: Sequence[Path]) -> Loaded:
    """Read every record file under `paths`, collecting all problems."""
    files, problems = find_record_files(paths)
    loaded = Loaded(problems=problems)
    for path in files:
        record, file_problems = load_file(path)
        if record is not None:
            loaded.files.append(record)
        loaded.problems.extend(file_problems)
    return loaded


def _name_problems(loaded: LoadedFile) -> list[Problem]:
    """A statement lives in `<id>.yaml`, a translation in `<id>.<lang>.yaml`."""
    record, stem = loaded.record, loaded.path.name.rsplit(".", 1)[0]
    if isinstance(record, Statement) and stem != record.id:
        return [loaded.problem(("id",), f"id {record.id!r} does not match the file name "
                                         f"{loaded.path.name!r}")]
    if isinstance(record, VocabularyTranslation | CoalitionTranslation):
        base = "vocabulary" if isinstance(record, VocabularyTranslation) else "coalition"
        expected = f"{base}.{record.translation.language}"
        if stem != expected:
            return [loaded.problem(("translation", "language"), f"this translation belongs in "
                                   f"{expected}.yaml, not {loaded.path.name!r}")]
    if isinstance(record, StatementTranslation):
        expected = f"{record.statement}.{record.translation.language}"
        if stem != expected:
            return [loaded.problem(("statement",), f"a translation of {record.statement!r} "
                                   f"into {record.translation.language!r} belongs in "
                                   f"{expected}.yaml, not {loaded.path.name!r}")]
    return []


_FIELD_NAMES: dict[type[BaseModel], set[str]] = {}


def _known_fields(model: type[BaseModel]) -> set[str]:
    """Return every field name used anywhere in `model`, for typo suggestions."""
    if model not in _FIELD_NAMES:
        names: set[str] = set()
        pending, seen = [model], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            for name, info in current.model_fields.items():
                names.add(info.alias or name)
                pending.extend(_models_in(info.annotation))
        _FIELD_NAMES[model] = names
    return _FIELD_NAMES[model]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


_YAML_GUESSES = {bool: "true/false", int: "a number", float: "a number", type(None): "empty"}


def _problems(
    path: Path, document: Document, model: type[BaseModel], errors: list[Any]
) -> list[Problem]:
    """Turn pydantic's errors into problems: one per place, and a typo reported once."""
    located = [(_real_loc(document.value, e), e) for e in errors]
    # A misspelt required field is one mistake: "unknown field 'titel'; did you mean
    # 'title'?" says it all, so the "missing required field 'title'" is left out.
    typos = {
        (*loc[:-1], suggestion)
        for loc, e in located
        if e["type"] == "extra_forbidden" and (suggestion := _suggestion(model, loc))
    }
    problems: list[Problem] = []
    seen: set[tuple[str | int, ...]] = set()
    for loc, error in located:
        if loc in seen or (error["type"] == "missing" and loc in typos):
            continue  # another member of a union (`date | str`) failing at the same place
        seen.add(loc)
        problems.append(_problem(path, document, model, loc, error))
    return problems


def _real_loc(value: Any, error: Any) -> tuple[str | int, ...]:
    """Return where in the document an error is, without pydantic's union member names."""
    loc = tuple(error["loc"])
    missing = error["type"] == "missing"
    real: list[str | int] = []
    for part in loc[:-1] if missing else loc:
        in_mapping = isinstance(value, dict) and isinstance(part, str) and part in value
        in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not (in_mapping or in_list):
            continue  # such as `date` or `constrained-str` in membership[0].date
        value = value[part]
        real.append(part)
    return (*real, loc[-1]) if missing else tuple(real)


def _suggestion(model: type[BaseModel], loc: tuple[str | int, ...]) -> str | None:
    """Return the field of the mapping at `loc[:-1]` that `loc[-1]` is probably a typo of."""
    models = [model]
    for part in loc[:-1]:
        if isinstance(part, str):  # a field name, or a key of a dict field (kept as is)
            models = [m for current in models if (info := current.model_fields.get(part))
                      for m in _models_in(info.annotation)] or models
    names = {info.alias or name for m in models for name, info in m.model_fields.items()}
    close = difflib.get_close_matches(str(loc[-1]), sorted(names or _known_fields(model)), n=1)
    return close[0] if close else None


def _rule_loc(value: Any, loc: tuple[str | int, ...], message: str) -> tuple[str | int, ...]:
    """Point a rule about the whole statement at the field it is about, not at line 1."""
    if loc or not isinstance(value, dict):
        return loc
    if message.startswith("resolutions are numbered"):
        for index, resolution in enumerate(value.get("resolutions") or []):
            if isinstance(resolution, dict) and resolution.get("number") != index + 1:
                return ("resolutions", index, "number")
    if message.startswith("adopted on"):
        return ("adopted",)
    return loc


def _problem(
    path: Path, document: Document, model: type[BaseModel], loc: tuple[str | int, ...],
    error: Any,
) -> Problem:
    """Turn one pydantic error, at `loc` in the document, into a problem one can act on."""
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        line, column = document.value_position(loc[:-1])
        message = f"missing required field {loc[-1]!r}"
    else:
        message = error["msg"].removeprefix("Value error, ")
        loc = _rule_loc(document.value, loc, message)
        line, column = document.position(loc)
    if kind == "extra_forbidden":
        suggestion = _suggestion(model, loc)
        hint = f"; did you mean {suggestion!r}?" if suggestion else ""
        message = f"unknown field {str(loc[-1])!r}{hint}"
    elif kind == "string_type" and type(value) in _YAML_GUESSES:
        guess = _YAML_GUESSES[type(value)]
        message = (
            f"expected text, but YAML read this as {guess} ({value!r}); put the text in quotes"
        )
    elif kind in {"date_type", "date_from_datetime_parsing"}:
        message = f"expected a date as YYYY-MM-DD, got {value!r}"
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            message += "; remove the quotes"
    elif kind == "string_pattern_mismatch":
        message = f"{value!r} is not valid here: {error['msg'].lower()}"
    elif kind in {"int_type", "bool_type"}:
        message = f"{error['msg']}, got {value!r}"
    return Problem(path, line, column, format_path(loc), message)
