"""Whatever the input, the loader answers with the project's own problems and never crashes."""

from __future__ import annotations

import json
import re
import shutil
import string
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import CONTEXT, FIXTURE_SOURCES, RECORDS, STATEMENT, TRANSLATION

from pipeline.cli import cli
from pipeline.config import Paths
from pipeline.errors import Problem
from pipeline.records.load import LoadedFile, load_file
from pipeline.records.validate import check_records
from pipeline.records.yamlsafe import Document, YamlProblem, decode, document, parse, plain_value

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FEWER = settings(SETTINGS, max_examples=60)

RECORD_FILES = (*CONTEXT, STATEMENT, TRANSLATION)
ORIGINALS = {name: (RECORDS / name).read_text(encoding="utf-8") for name in RECORD_FILES}

# Characters that mean something to YAML, so random text reaches deep into the parser.
YAML_SIGNS = ":-[]{},&*!|>'\"#%@`?~.\n\t\r =+\\/<" + "\x00\x07\x85\ufeff\u2028"
yaml_text = st.text(
    alphabet=st.sampled_from(YAML_SIGNS)
    | st.sampled_from(string.ascii_letters + string.digits)
    | st.characters(),
    max_size=300,
)
any_text = st.text(
    alphabet=st.characters() | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    max_size=300,
)
yaml_bytes = st.one_of(
    st.binary(max_size=300),
    yaml_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(list(ORIGINALS.values()))
    .flatmap(  # a valid record with bytes changed
        lambda text: st.tuples(
            st.just(text.encode()), st.integers(0, len(text) - 1), st.binary(min_size=1, max_size=4)
        )
    )
    .map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]),
)

# Values that YAML or the models treat specially.
TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "~",
    "null",
    "",
    "0",
    "-1",
    "3.5",
    "0x1f",
    "1e999",
    ".nan",
    ".inf",
    "2007-02-30",
    "2005-11-20",
    "2005-11-21",
    "2005-11-20 10:00:00",
    "2005-13",
    "[",
    "]",
    "{",
    "}",
    "[]",
    "{}",
    "[a, b]",
    "{a: b}",
    "&a x",
    "*a",
    "!!python/object:os.system {}",
    "!!binary aGk=",
    "!local x",
    "'quoted'",
    '"unterminated',
    "- item",
    "a: b",
    "? x",
    "|",
    ">",
    "#",
    "%TAG",
    "\t",
    "é",
    "\x07",
    "x" * 90,
    "URGE",
    "dprk",
    "JP",
    "fr",
    "test-2005-tokyo",
]
KEYS = [
    "kind",
    "id",
    "title",
    "heading",
    "meeting",
    "ordinal",
    "city",
    "start",
    "end",
    "adopted",
    "language",
    "sources",
    "source",
    "part",
    "overview",
    "themes",
    "preamble",
    "text",
    "quotations",
    "resolutions",
    "number",
    "addressees",
    "concerns",
    "items",
    "action",
    "ask",
    "verb",
    "summary",
    "statement",
    "translation",
    "actors",
    "members",
    "date",
    "bogus",
    "<<",
]
value_strategy = st.sampled_from(TRICKY) | st.text(max_size=20)


@st.composite
def mutated_lines(draw: st.DrawFn, text: str) -> str:
    """`text` with a few lines deleted, duplicated, swapped, re-indented or given new values."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        operation = draw(
            st.sampled_from(
                ["delete", "duplicate", "value", "value", "insert", "indent", "swap", "truncate"]
            )
        )
        current = lines[index]
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, current)
        elif operation == "value":
            head, sep, _ = current.partition(": ")
            if not sep:
                head, sep, _ = current.partition("- ")
            lines[index] = (head + sep if sep else current + " ") + draw(value_strategy)
        elif operation == "insert":
            indent = " " * draw(st.integers(0, 10))
            key = draw(st.sampled_from(KEYS) | st.text(max_size=8))
            lines.insert(index, f"{indent}{key}: {draw(value_strategy)}")
        elif operation == "indent":
            change = draw(st.sampled_from([-4, -2, -1, 1, 2, 4]))
            stripped = current.lstrip(" ")
            width = max(0, len(current) - len(stripped) + change)
            lines[index] = " " * width + stripped
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        else:
            lines[index] = current[: draw(st.integers(0, len(current)))]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


@st.composite
def mutated_record(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(RECORD_FILES))
    return name, draw(mutated_lines(ORIGINALS[name]))


def assert_good_problems(problems: list[Problem], path: Path | None, text: str | None) -> None:
    """Every problem is the project's own, one line, at a place that exists."""
    for problem in problems:
        assert isinstance(problem, Problem)
        if path is not None:
            assert problem.path == path
        assert problem.line >= 1
        assert problem.column >= 1
        assert problem.message
        assert "\n" not in str(problem)
        assert "\r" not in str(problem)
        if text is not None:
            assert problem.line <= len(text.splitlines()) + 1, str(problem)


def assert_parse_total(text: str) -> None:
    try:
        document = parse(text)
    except YamlProblem as problem:
        assert problem.line >= 1
        assert problem.column >= 1
        assert problem.message
        assert "\n" not in problem.message
        return
    assert isinstance(document, Document)
    assert document.value is not None


# --- The YAML reader -------------------------------------------------------------------


@SETTINGS
@given(any_text)
def test_parse_arbitrary_text(text: str) -> None:
    assert_parse_total(text)


@SETTINGS
@given(yaml_text)
def test_parse_yaml_like_text(text: str) -> None:
    assert_parse_total(text)


@SETTINGS
@given(yaml_bytes)
def test_decode_then_parse_arbitrary_bytes(data: bytes) -> None:
    try:
        text = decode(data)
    except YamlProblem as problem:
        assert problem.line >= 1
        assert problem.column >= 1
        assert problem.message
        return
    assert isinstance(text, str)
    assert_parse_total(text)


@SETTINGS
@given(text=yaml_text | mutated_record().map(lambda record: record[1]))
def test_lean_reader_agrees_with_the_reader_with_positions(text: str) -> None:
    value = plain_value(text)
    if value is None:
        return  # left to the reader with positions
    located = document(text, None)  # that reader, which must accept the text too
    assert repr(located.value) == repr(value)  # repr, as 1 == 1.0 == True


# --- Loading one file ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


def check_load(path: Path, text: str | None) -> None:
    result = load_file(path)  # must not raise
    record, problems = result
    assert_good_problems(problems, path, text)
    if record is None:
        assert problems, "a file that could not be read must say why"
    else:
        assert isinstance(record, LoadedFile)
        assert record.path == path


@SETTINGS
@given(data=yaml_bytes)
def test_load_file_arbitrary_bytes(scratch: Path, data: bytes) -> None:
    path = scratch / STATEMENT
    path.write_bytes(data)
    check_load(path, None)


@SETTINGS
@given(text=yaml_text)
def test_load_file_yaml_like_text(scratch: Path, text: str) -> None:
    path = scratch / STATEMENT
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    check_load(path, text)


@SETTINGS
@given(record=mutated_record())
def test_load_file_mutated_records(scratch: Path, record: tuple[str, str]) -> None:
    name, text = record
    path = scratch / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    check_load(path, text)


# --- Checking a folder of records ------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A records folder, with the sources its records cite beside it."""
    base = tmp_path_factory.mktemp("folder")
    shutil.copytree(FIXTURE_SOURCES, base / "sources")
    (base / "records").mkdir()
    return base / "records"


def write_folder(folder: Path, name: str, text: str) -> None:
    for other in RECORD_FILES:
        content = text if other == name else ORIGINALS[other]
        (folder / other).write_bytes(content.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(record=mutated_record())
def test_check_records_mutated_folder(folder: Path, record: tuple[str, str]) -> None:
    name, text = record
    write_folder(folder, name, text)
    project, problems, checked = check_records([folder], Paths())  # must not raise
    assert checked == len(RECORD_FILES) + 2  # and the two sources beside the folder
    assert problems == sorted(problems)
    assert_good_problems(problems, None, None)
    for problem in problems:
        assert problem.path.parent == folder
        if problem.path.name == name:
            assert problem.line <= len(text.splitlines()) + 1, str(problem)
    if not problems:
        assert project.vocabulary is not None
        assert project.coalition is not None


@FEWER
@given(record=mutated_record(), output=st.sampled_from(["text", "json", "github"]))
def test_cli_mutated_folder(folder: Path, record: tuple[str, str], output: str) -> None:
    name, text = record
    write_folder(folder, name, text)
    result = CliRunner().invoke(cli, ["validate", "--format", output, str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
    if output == "json":
        problems = json.loads(result.stdout)
        assert (result.exit_code == 1) == any(p["severity"] == "error" for p in problems)
        for problem in problems:
            assert set(problem) == {"file", "line", "column", "field", "message", "severity"}
    elif output == "github":
        for row in result.stdout.splitlines():
            assert re.match(r"::(error|warning) file=[^,]+,line=\d+,col=\d+::.", row), row
    else:
        for row in result.stdout.splitlines():
            assert re.match(rf"{re.escape(str(folder))}/[^:]+:\d+:\d+: .", row), row
    assert result.stderr.endswith(
        "no problems.\n" if result.exit_code == 0 else f"of {len(RECORD_FILES) + 2} files.\n"
    )


def test_originals_are_valid(folder: Path) -> None:
    """The mutations start from records that are valid, so what they find is what they broke."""
    for name in RECORD_FILES:
        shutil.copy(RECORDS / name, folder / name)
    _, problems, _ = check_records([folder], Paths())
    assert problems == []
