"""Find and read the record files, turning every problem into file:line:column."""

from __future__ import annotations

import contextlib
import difflib
import gc
import os
import pickle
import re
import signal
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.errors import Problem, RecordError
from pipeline.records.models import (
    PATTERN_WORDS,
    Coalition,
    CoalitionTranslation,
    Instrument,
    Packs,
    Recipients,
    SourceDocument,
    Statement,
    StatementTranslation,
    Vocabulary,
    VocabularyTranslation,
)
from pipeline.records.yamlsafe import (
    MAX_BYTES,
    Document,
    YamlProblem,
    decode,
    document,
    parse,
    plain_value,
)

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

KINDS: dict[str, type[BaseModel]] = {
    "statement": Statement,
    "translation": StatementTranslation,
    "coalition": Coalition,
    "vocabulary": Vocabulary,
    "vocabulary-translation": VocabularyTranslation,
    "coalition-translation": CoalitionTranslation,
    "instrument": Instrument,
    "recipients": Recipients,
    "packs": Packs,
    "source": SourceDocument,
}
SUFFIXES = (".yaml", ".yml")
PARALLEL_FILES = 64  # from this many files on, a second process shares the parsing


@dataclass
class LoadedFile:
    """A record and where it came from, so later checks can point into it."""

    path: Path
    document: Document
    record: Any

    def problem(
        self, where: tuple[str | int, ...], message: str, severity: str = "error"
    ) -> Problem:
        """Return a problem at the key (or value) `where` in this file."""
        line, column = self.document.position(where)
        return Problem(self.path, line, column, format_path(where), message, severity)


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


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Hold off Python's cycle collector while the records are read and checked.

    Records are trees, with no cycles to free, but each pass of the collector
    walks the objects made since the last one: on 1,000 files that was a third
    of `briefing validate`. At the end, what was made goes straight to the
    oldest generation (freeze, then unfreeze) rather than being walked at once.
    """
    if not gc.isenabled():  # paused already, by a caller
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def find_record_files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Return the YAML files under `paths`, in a stable order, and paths that do not exist."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(path, 1, 1, "", "no such file or folder"))
    return found, problems


def read_text(path: Path) -> str:
    """Read one file, refusing oversized, binary and non-UTF-8 ones."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise YamlProblem(1, 1, f"cannot read the file: {error.strerror}") from None
    if len(data) > MAX_BYTES:
        size = path.stat().st_size
        raise YamlProblem(1, 1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes")
    return decode(data)


def read_document(path: Path) -> Document:
    """Read and parse one file, refusing oversized, binary and non-UTF-8 ones."""
    return parse(read_text(path))


def load_file(path: Path) -> tuple[LoadedFile | None, list[Problem]]:
    """Read one record file; return it, or the problems that stop it being read."""
    try:
        parsed = read_document(path)
    except YamlProblem as problem:
        return None, [_yaml_problem(path, problem)]
    return _load_document(path, parsed)


_Config = TypeVar("_Config", bound=BaseModel)


def load_config(path: Path, model: type[_Config]) -> _Config:
    """Read a configuration file as strictly as a record, or raise its located problems."""
    try:
        parsed = read_document(path)
    except YamlProblem as problem:
        raise RecordError([_yaml_problem(path, problem)]) from None
    if not isinstance(parsed.value, dict):
        line, column = parsed.value_position(())
        raise RecordError(
            [Problem(path, line, column, "", "a configuration file must be a YAML mapping")]
        )
    try:
        return model.model_validate(parsed.value)
    except ValidationError as error:
        raise RecordError(_problems(path, parsed, model, error.errors())) from None


def load_records(paths: Sequence[Path]) -> Loaded:
    """Read every record file under `paths`, collecting all problems."""
    files, problems = find_record_files(paths)
    loaded = Loaded(problems=problems)
    texts: list[str | Problem] = []
    for path in files:
        try:
            texts.append(read_text(path))
        except YamlProblem as problem:
            texts.append(_yaml_problem(path, problem))
    values = iter(_plain_values([text for text in texts if isinstance(text, str)]))
    for path, text in zip(files, texts, strict=True):
        if isinstance(text, Problem):
            loaded.problems.append(text)
            continue
        try:
            parsed = document(text, next(values))
        except YamlProblem as problem:
            loaded.problems.append(_yaml_problem(path, problem))
            continue
        record, file_problems = _load_document(path, parsed)
        if record is not None:
            loaded.files.append(record)
        loaded.problems.extend(file_problems)
    return loaded


def _yaml_problem(path: Path, problem: YamlProblem) -> Problem:
    return Problem(path, problem.line, problem.column, format_path(problem.path), problem.message)


def _load_document(path: Path, parsed: Document) -> tuple[LoadedFile | None, list[Problem]]:
    """Check a parsed file against the model its `kind` names."""
    value = parsed.value
    if not isinstance(value, dict):
        line, column = parsed.value_position(())
        return None, [Problem(path, line, column, "", "a record file must be a YAML mapping")]
    kind = value.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        where: tuple[str | int, ...] = ("kind",) if "kind" in value else ()
        line, column = parsed.position(where)
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
        return None, _problems(path, parsed, model, error.errors())
    loaded = LoadedFile(path, parsed, record)
    return loaded, _name_problems(loaded)


def _plain_values(texts: list[str]) -> list[Any]:
    """Return the `plain_value` of each text, about half of them worked out in a forked process.

    Parsing is most of what `briefing validate` does, and libyaml holds the GIL,
    so only a second process can use a second core. It sends back plain values
    (dicts, lists, text, numbers, dates), pickled; everything that can report a
    problem runs here, in file order, exactly as without it.
    """
    if len(texts) < PARALLEL_FILES or _cores() < 2 or not hasattr(os, "fork"):
        return [plain_value(text) for text in texts]
    import multiprocessing

    if multiprocessing.current_process().daemon:  # which may not have children
        return [plain_value(text) for text in texts]
    context = multiprocessing.get_context("fork")
    split = len(texts) * 11 // 20  # a little more here: the child also pickles its values
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_send_plain_values, args=(texts[split:], sender), daemon=True)
    try:
        child.start()
    except OSError:  # no process to be had now: parse alone
        receiver.close()
        sender.close()
        return [plain_value(text) for text in texts]
    sender.close()
    theirs = None
    try:
        ours = [plain_value(text) for text in texts[:split]]
        with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):
            theirs = pickle.loads(receiver.recv_bytes())
    except BaseException:  # Ctrl-C, say: the child's work is no longer wanted
        child.terminate()
        raise
    finally:
        receiver.close()
        child.join()
    if not isinstance(theirs, list) or len(theirs) != len(texts) - split:
        theirs = [plain_value(text) for text in texts[split:]]  # the child failed: do its share
    return ours + theirs


def _send_plain_values(texts: list[str], sender: Connection) -> None:
    """In the forked process: parse `texts` and send their values back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    with contextlib.suppress(OSError):  # the parent stopped listening
        sender.send_bytes(
            pickle.dumps([plain_value(text) for text in texts], protocol=pickle.HIGHEST_PROTOCOL)
        )


def _cores() -> int:
    """Return how many cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _name_problems(loaded: LoadedFile) -> list[Problem]:
    """A statement lives in `<id>.yaml`, a translation in `<id>.<lang>.yaml`."""
    record, stem = loaded.record, loaded.path.name.rsplit(".", 1)[0]
    if isinstance(record, Statement) and stem != record.id:
        return [
            loaded.problem(
                ("id",), f"id {record.id!r} does not match the file name {loaded.path.name!r}"
            )
        ]
    if isinstance(record, VocabularyTranslation | CoalitionTranslation):
        base = "vocabulary" if isinstance(record, VocabularyTranslation) else "coalition"
        expected = f"{base}.{record.translation.language}"
        if stem != expected:
            return [
                loaded.problem(
                    ("translation", "language"),
                    f"this translation belongs in {expected}.yaml, not {loaded.path.name!r}",
                )
            ]
    if isinstance(record, StatementTranslation):
        expected = f"{record.statement}.{record.translation.language}"
        if stem != expected:
            return [
                loaded.problem(
                    ("statement",),
                    f"a translation of {record.statement!r} "
                    f"into {record.translation.language!r} belongs in "
                    f"{expected}.yaml, not {loaded.path.name!r}",
                )
            ]
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
            models = [
                m
                for current in models
                if (info := current.model_fields.get(part))
                for m in _models_in(info.annotation)
            ] or models
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
    path: Path,
    document: Document,
    model: type[BaseModel],
    loc: tuple[str | int, ...],
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
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        words = PATTERN_WORDS.get(pattern)
        expected = f"expected {words} (pattern {pattern!r})" if words else error["msg"]
        message = f"{value!r} is not valid here: {expected}"
    elif kind in {"int_type", "bool_type"}:
        message = f"{error['msg']}, got {value!r}"
    return Problem(path, line, column, format_path(loc), message)
