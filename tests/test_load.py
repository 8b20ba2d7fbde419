"""The load stage: each record file read on its own, strictly, every problem at file:line:column."""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support import (
    BAD,
    BAD_FILES,
    FIXTURES,
    RECORDS,
    STATEMENT,
    TRANSLATION,
    good_statement,
    replace_once,
    shown,
)

from pipeline.errors import Problem
from pipeline.records import load, yamlsafe
from pipeline.records.load import format_path, load_file, load_records, paused_gc
from pipeline.records.models import Coalition, Statement, StatementTranslation, Vocabulary
from pipeline.records.yamlsafe import MAX_BYTES, MAX_DEPTH, YamlProblem, decode, document, parse


def only_problem(path: Path) -> Problem:
    """Load `path`, which must fail with exactly one problem, and return that problem."""
    record, problems = load_file(path)
    assert record is None
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# --- The valid records --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("vocabulary.yaml", Vocabulary),
        ("coalition.yaml", Coalition),
        (STATEMENT, Statement),
        (TRANSLATION, StatementTranslation),
    ],
)
def test_valid_record_loads(name: str, model: type) -> None:
    record, problems = load_file(RECORDS / name)
    assert problems == []
    assert record is not None
    assert isinstance(record.record, model)
    assert record.path == RECORDS / name


def test_valid_folder_loads_without_problems() -> None:
    loaded = load_records([RECORDS])
    assert loaded.problems == []
    assert sorted(f.path.name for f in loaded.files) == sorted(
        ["coalition.yaml", "vocabulary.yaml", STATEMENT, TRANSLATION]
    )


def test_loaded_file_points_into_the_document() -> None:
    loaded, _ = load_file(RECORDS / STATEMENT)
    assert loaded is not None
    problem = loaded.problem(("resolutions", 1, "items", 0, "action"), "a message")
    assert str(problem) == shown(
        RECORDS / STATEMENT, 41, 9, "resolutions[1].items[0].action", "a message"
    )


def test_format_path() -> None:
    assert format_path(("resolutions", 2, "items", 0, "text")) == "resolutions[2].items[0].text"
    assert format_path(()) == ""
    assert format_path(("title",)) == "title"


# --- One bad file, one precise problem -------------------------------------------
#
# Each case is a copy of the valid statement with one defect, in tests/fixtures/bad/<case>/.


@pytest.mark.parametrize(
    ("case", "line_no", "column", "field", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES]
)
def test_bad_file_gives_one_precise_problem(
    case: str, line_no: int, column: int, field: str, message: str
) -> None:
    path = BAD / case / STATEMENT
    problem = only_problem(path)
    assert str(problem) == shown(path, line_no, column, field, message)
    assert (problem.line, problem.column, problem.field) == (line_no, column, field)


def test_statements_with_bad_references_still_load() -> None:
    """Unknown actors and themes are the validate stage's business, not the loader's."""
    for case in ("unknown-actor", "unknown-theme"):
        record, problems = load_file(BAD / case / STATEMENT)
        assert problems == []
        assert record is not None


@pytest.mark.parametrize("word", ["yes", "No", "ON", "off", "true", "False", "12", "1.5", "0x1f"])
def test_yaml_guesses_are_not_text(write_case: Callable[..., Path], word: str) -> None:
    path = write_case(replace_once(good_statement(), "  city: Tokyo\n", f"  city: {word}\n"))
    problem = only_problem(path)
    assert (problem.line, problem.column, problem.field) == (10, 3, "meeting.city")
    assert problem.message.startswith("expected text, but YAML read this as ")
    assert problem.message.endswith("; put the text in quotes")


@pytest.mark.parametrize(("word", "column"), [("~", 9), ("null", 9), ("", 8)])
def test_empty_values_are_refused(write_case: Callable[..., Path], word: str, column: int) -> None:
    path = write_case(replace_once(good_statement(), "  city: Tokyo\n", f"  city: {word}\n"))
    problem = only_problem(path)
    assert (problem.line, problem.column, problem.field) == (10, column, "meeting.city")
    assert problem.message.startswith("empty value")


@pytest.mark.parametrize("word", ["yes", "no", "on", "2005", "3.5", "~", "null"])
def test_quoted_guesses_are_text(write_case: Callable[..., Path], word: str) -> None:
    path = write_case(replace_once(good_statement(), "  city: Tokyo\n", f'  city: "{word}"\n'))
    record, problems = load_file(path)
    assert problems == []
    assert record is not None
    assert record.record.meeting.city == word


@pytest.mark.parametrize("date", ["2007-02-30", "2005-02-29", "2005-13-01", "2005-11-31"])
def test_dates_that_do_not_exist(write_case: Callable[..., Path], date: str) -> None:
    path = write_case(replace_once(good_statement(), "adopted: 2005-11-20\n", f"adopted: {date}\n"))
    assert str(only_problem(path)) == shown(path, 14, 10, "adopted", f"'{date}' is not a real date")


def test_leap_day_is_a_date(write_case: Callable[..., Path]) -> None:
    text = good_statement().replace("2005-11-19", "2008-02-28").replace("2005-11-20", "2008-02-29")
    record, problems = load_file(write_case(text))
    # Loading is fine; the date only disagrees with the coalition record (a validate problem).
    assert problems == []
    assert record is not None


def test_date_and_time_is_not_a_date(write_case: Callable[..., Path]) -> None:
    path = write_case(
        replace_once(good_statement(), "adopted: 2005-11-20\n", "adopted: 2005-11-20 10:30:00\n")
    )
    assert str(only_problem(path)) == shown(
        path, 14, 10, "adopted", "a date is expected here, not a date and time"
    )


def test_quoted_date_says_to_remove_the_quotes(write_case: Callable[..., Path]) -> None:
    path = write_case(
        replace_once(good_statement(), "adopted: 2005-11-20\n", 'adopted: "2005-11-20"\n')
    )
    assert str(only_problem(path)) == shown(
        path,
        14,
        1,
        "adopted",
        "expected a date as YYYY-MM-DD, got '2005-11-20'; remove the quotes",
    )


def test_number_where_an_integer_is_expected(write_case: Callable[..., Path]) -> None:
    path = write_case(replace_once(good_statement(), "  ordinal: 3\n", '  ordinal: "3"\n'))
    assert str(only_problem(path)) == shown(
        path, 9, 3, "meeting.ordinal", "Input should be a valid integer, got '3'"
    )


def test_typo_in_a_required_field_is_one_problem(write_case: Callable[..., Path]) -> None:
    """Not also "missing required field 'city'": the typo explains it."""
    path = write_case(replace_once(good_statement(), "  city: Tokyo\n", "  cty: Tokyo\n"))
    assert str(only_problem(path)) == shown(
        path, 10, 3, "meeting.cty", "unknown field 'cty'; did you mean 'city'?"
    )


def test_unrelated_unknown_field_and_missing_field_are_both_reported(
    write_case: Callable[..., Path],
) -> None:
    text = replace_once(good_statement(), "  city: Tokyo\n", "  venue: Tokyo\n")
    path = write_case(replace_once(text, "language: en\n", ""))
    record, problems = load_file(path)
    assert record is None
    assert [str(p) for p in sorted(problems)] == [
        shown(path, 1, 1, "language", "missing required field 'language'"),
        shown(path, 10, 3, "meeting.venue", "unknown field 'venue'"),
    ]


def test_suggestions_come_from_the_mapping_the_typo_is_in(
    write_case: Callable[..., Path],
) -> None:
    """`numbr` in a resolution is `number`; in an item (which has no number) it is not."""
    text = replace_once(good_statement(), "  - number: 2\n", "  - numbr: 2\n")
    problem = only_problem(write_case(text))
    assert problem.message == "unknown field 'numbr'; did you mean 'number'?"
    text = replace_once(
        good_statement(),
        "      - text: the parliaments",
        "      - numbr: 1\n        text: the parliaments",
    )
    problem = only_problem(write_case(text))
    assert problem.field == "resolutions[1].items[1].numbr"
    assert "number" not in problem.message


def test_missing_required_field_points_at_its_mapping(write_case: Callable[..., Path]) -> None:
    text = replace_once(
        good_statement(), "    text: We call on the government to end the abductions.\n", ""
    )
    path = write_case(text)
    # The mapping of resolution 1 starts with `number:` on line 30, column 5.
    assert str(only_problem(path)) == shown(
        path, 30, 5, "resolutions[0].text", "missing required field 'text'"
    )


def test_missing_top_level_field_points_at_the_top(write_case: Callable[..., Path]) -> None:
    path = write_case(replace_once(good_statement(), "language: en\n", ""))
    assert str(only_problem(path)) == shown(
        path, 1, 1, "language", "missing required field 'language'"
    )


def test_adopted_outside_the_meeting_points_at_adopted(write_case: Callable[..., Path]) -> None:
    path = write_case(
        replace_once(good_statement(), "adopted: 2005-11-20\n", "adopted: 2005-11-21\n")
    )
    assert str(only_problem(path)) == shown(
        path,
        14,
        1,
        "adopted",
        "adopted on 2005-11-21, outside the meeting (2005-11-19 to 2005-11-20)",
    )


def test_resolutions_starting_at_two(write_case: Callable[..., Path]) -> None:
    text = replace_once(good_statement(), "  - number: 1\n", "  - number: 2\n")
    text = replace_once(text, "  - number: 2\n    text: We ask", "  - number: 3\n    text: We ask")
    problem = only_problem(write_case(text))
    assert (problem.line, problem.column, problem.field) == (30, 5, "resolutions[0].number")
    assert problem.message == (
        "resolutions are numbered [2, 3]; expected [1, 2, 3]; if paragraphs [1] are not "
        "available, say so in `incomplete.missing`"
    )


def test_id_must_match_the_file_name(write_case: Callable[..., Path]) -> None:
    path = write_case(good_statement(), name="test-2005-seoul.yaml")
    record, problems = load_file(path)
    assert record is not None  # readable, but misnamed
    assert [str(p) for p in problems] == [
        shown(
            path,
            2,
            1,
            "id",
            "id 'test-2005-tokyo' does not match the file name 'test-2005-seoul.yaml'",
        )
    ]


def test_union_field_gives_one_problem_at_the_real_field(tmp_path: Path) -> None:
    """`membership[].date` is a date or YYYY-MM: one problem, no `date.constrained-str`."""
    path = tmp_path / "coalition.yaml"
    path.write_text(
        replace_once(
            (RECORDS / "coalition.yaml").read_text(encoding="utf-8"),
            "  - date: 2005-11-20\n",
            "  - date: 2005-11-200\n",
        ),
        encoding="utf-8",
    )
    assert str(only_problem(path)) == shown(
        path, 15, 5, "membership[0].date", "expected a date as YYYY-MM-DD, got '2005-11-200'"
    )


# --- Files that are not records at all ----------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "\n\n", "   \n\t\n", "# only a comment\n", "---\n", "--- ~\n", "null\n"]
)
def test_empty_files(write_case: Callable[..., Path], text: str) -> None:
    path = write_case(text)
    assert str(only_problem(path)) == shown(path, 1, 1, "", "file is empty")


@pytest.mark.parametrize(
    ("text", "line_no", "column"),
    [("- kind: statement\n", 1, 1), ("just some words\n", 1, 1), ("# note\n\n42\n", 3, 1)],
)
def test_record_must_be_a_mapping(
    write_case: Callable[..., Path], text: str, line_no: int, column: int
) -> None:
    path = write_case(text)
    assert str(only_problem(path)) == shown(
        path, line_no, column, "", "a record file must be a YAML mapping"
    )


def test_unknown_kind(write_case: Callable[..., Path]) -> None:
    path = write_case(replace_once(good_statement(), "kind: statement\n", "kind: statment\n"))
    problem = only_problem(path)
    assert (problem.line, problem.column, problem.field) == (1, 1, "kind")
    assert problem.message.startswith("unknown kind 'statment'; expected one of ")
    assert "statement" in problem.message


def test_missing_kind(write_case: Callable[..., Path]) -> None:
    path = write_case(replace_once(good_statement(), "kind: statement\n", ""))
    problem = only_problem(path)
    assert (problem.line, problem.column, problem.field) == (1, 1, "")
    assert problem.message.startswith("missing required field 'kind'")


def test_two_documents(write_case: Callable[..., Path]) -> None:
    path = write_case(good_statement() + "---\nkind: statement\n")
    assert str(only_problem(path)) == shown(
        path, 48, 1, "", "only one YAML document per file is allowed"
    )


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ("{a: ", "}")])
def test_5000_nested_brackets_are_refused_quickly(
    write_case: Callable[..., Path], opening: str, closing: str
) -> None:
    path = write_case("kind: statement\nid: " + opening * 5000 + closing * 5000 + "\n")
    start = time.perf_counter()
    problem = only_problem(path)
    assert time.perf_counter() - start < 2
    # The root mapping is the first level; the 64th bracket would be level 65.
    column = len("id: ") + len(opening) * (MAX_DEPTH - 1) + 1
    assert str(problem) == shown(path, 2, column, "", f"nesting is deeper than {MAX_DEPTH} levels")


def test_deep_block_nesting_is_refused(write_case: Callable[..., Path]) -> None:
    text = "".join(" " * level + f"k{level}:\n" for level in range(200))
    problem = only_problem(write_case(text))
    assert problem.line == MAX_DEPTH + 1
    assert problem.message == f"nesting is deeper than {MAX_DEPTH} levels"


def test_50_mb_file_is_refused_quickly(write_case: Callable[..., Path]) -> None:
    row = "  - " + "x" * 95 + "\n"
    path = write_case("kind: statement\nheading:\n" + row * 500_000)
    size = path.stat().st_size
    assert size > 50_000_000
    start = time.perf_counter()
    problem = only_problem(path)
    assert time.perf_counter() - start < 1
    assert str(problem) == shown(
        path, 1, 1, "", f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes"
    )
    path.unlink()  # pytest keeps the last few tmp_path folders; do not keep 50 MB in them


def test_size_limit_is_exact(write_case: Callable[..., Path]) -> None:
    text = good_statement()
    padding = MAX_BYTES - len(text.encode()) - 1  # "#" * padding + "\n"
    path = write_case(text + "#" * padding + "\n")
    assert path.stat().st_size == MAX_BYTES
    record, problems = load_file(path)
    assert problems == []
    assert record is not None
    path = write_case(text + "#" * (padding + 1) + "\n")
    assert only_problem(path).message.startswith(f"file is {MAX_BYTES + 1:,} bytes")


def test_utf8_bom_is_accepted(write_case: Callable[..., Path]) -> None:
    record, problems = load_file(write_case("\ufeff" + good_statement()))
    assert problems == []
    assert record is not None


def test_windows_line_endings_keep_line_numbers(write_case: Callable[..., Path]) -> None:
    text = replace_once(good_statement(), "overview:", "overveiw:").replace("\n", "\r\n")
    problem = only_problem(write_case(text.encode()))
    assert (problem.line, problem.column, problem.field) == (19, 1, "overveiw")


def test_control_character_is_reported_where_it_is(write_case: Callable[..., Path]) -> None:
    path = write_case(
        replace_once(good_statement(), "title: Tokyo statement\n", "title: Tokyo\x07statement\n")
    )
    assert str(only_problem(path)) == shown(
        path,
        3,
        13,
        "",
        "malformed YAML: unacceptable character #x0007: control characters are not allowed",
    )


def test_python_tags_do_not_run_anything(write_case: Callable[..., Path], tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for tagged in (
        f'!!python/object/apply:os.system ["touch {marker}"]',
        f'!!python/object/apply:pathlib.Path.touch ["{marker}"]',
        "!!python/name:os.system",
        "!!python/object:os.path {}",
        "!!python/module:os",
    ):
        path = write_case(
            replace_once(good_statement(), "title: Tokyo statement\n", f"title: {tagged}\n")
        )
        problem = only_problem(path)
        assert (problem.line, problem.column) == (3, 8)
        assert problem.message.startswith("tag 'tag:yaml.org,2002:python/")
        assert problem.message.endswith("' is not allowed")
    assert not marker.exists()


def test_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.yaml"
    folder.mkdir()
    problem = only_problem(folder)
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message.startswith("cannot read the file: ")


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    loaded = load_records([tmp_path / "nowhere"])
    assert [str(p) for p in loaded.problems] == [
        shown(tmp_path / "nowhere", 1, 1, "", "no such file or folder")
    ]


# --- The YAML reader itself ---------------------------------------------------------


def yaml_problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        parse(text)
    return caught.value


def test_parse_records_positions() -> None:
    document = parse("a: 1\nb:\n  - x\n  - {c: d}\n")
    assert document.value == {"a": 1, "b": ["x", {"c": "d"}]}
    assert document.position(("a",)) == (1, 1)  # the key
    assert document.value_position(("a",)) == (1, 4)  # the value
    assert document.position(("b", 1, "c")) == (4, 6)
    assert document.position(("b", 0)) == (3, 5)
    assert document.position(("b", 7, "nothing")) == (2, 1)  # nearest ancestor
    assert document.value_position(()) == (1, 1)


def test_positions_are_found_when_first_asked_for() -> None:
    text = "a: 1\nb:\n  - x\n  - {c: d}\n"
    lazy = parse(text)
    assert lazy.located is None  # an ordinary record: no positions recorded while parsing
    assert lazy.position(("b", 1, "c")) == (4, 6)
    assert lazy.located == document(text, None).located  # as the reader with positions


def test_parse_keeps_quoted_text_as_text() -> None:
    document = parse("a: 'yes'\nb: \"2005-01-01\"\nc: ! 12\nd: !!str on\n")
    assert document.value == {"a": "yes", "b": "2005-01-01", "c": "12", "d": "on"}


@pytest.mark.parametrize(
    ("text", "line_no", "column", "message"),
    [
        ("a: 1\na: 2\n", 2, 1, "duplicate key 'a' (first at line 1)"),
        ("a: {b: 1, b: 2}\n", 1, 11, "duplicate key 'b' (first at line 1)"),
        ("1: x\n'1': y\n", 2, 1, "duplicate key '1' (first at line 1)"),
        ("a: &x 1\n", 1, 4, "YAML anchors (&name) are not allowed"),
        ("a: *x\n", 1, 4, "YAML aliases (*name) are not allowed"),
        ("a: !!binary aGk=\n", 1, 4, "tag 'tag:yaml.org,2002:binary' is not allowed"),
        ("a: !!set {x}\n", 1, 4, "tag 'tag:yaml.org,2002:set' is not allowed"),
        ("a: !local x\n", 1, 4, "tag '!local' is not allowed"),
        ("<<: {a: 1}\n", 1, 1, "tag 'tag:yaml.org,2002:merge' is not allowed"),
        ("? [a]\n: 1\n", 1, 3, "mapping keys must be plain text"),
        ("2005-01-01: x\n", 1, 1, "mapping keys must be plain text"),
        ("a: 1\n---\nb: 2\n", 2, 1, "only one YAML document per file is allowed"),
        ("a: b\n  c: d\n", 2, 4, "malformed YAML: mapping values are not allowed in this context"),
        ("a:\n\t- b\n", 2, 1, "malformed YAML: found character that cannot start any token"),
        ('a: "\\q"\n', 1, 5, "malformed YAML: found unknown escape character"),
        (
            "a: b\x1b\n",
            1,
            5,
            "malformed YAML: unacceptable character #x001b: control characters are not allowed",
        ),
        (
            "é: ü\n\x7f\n",
            2,
            1,
            "malformed YAML: unacceptable character #x007f: control characters are not allowed",
        ),
        ("a: b\nc: x\ud800\n", 2, 5, "text contains an unpaired surrogate character"),
    ],
)
def test_parse_refuses_with_a_position(text: str, line_no: int, column: int, message: str) -> None:
    problem = yaml_problem(text)
    assert (problem.line, problem.column, problem.message) == (line_no, column, message)
    assert "\n" not in problem.message


def test_decode() -> None:
    assert decode("\ufeffa: é\n".encode()) == "a: é\n"
    assert decode(b"a: 1\n") == "a: 1\n"


@pytest.mark.parametrize(
    ("data", "line_no", "column", "message"),
    [
        (b"", 1, 1, "file is empty"),
        (b" \n\t\n", 1, 1, "file is empty"),
        (b"a: 1\nb: \x00\n", 2, 1, "file is binary (it contains NUL bytes), not YAML text"),
        (b"a: 1\nb: \xff\n", 2, 4, "file is not UTF-8 text (byte 0xff)"),
        # The column counts characters, as editors do, not bytes.
        ("é: 1\nbé: ".encode() + b"\xe9\n", 2, 5, "file is not UTF-8 text (byte 0xe9)"),
        (
            b"x" * (MAX_BYTES + 1),
            1,
            1,
            f"file is {MAX_BYTES + 1:,} bytes; the limit is {MAX_BYTES:,} bytes",
        ),
    ],
)
def test_decode_refuses(data: bytes, line_no: int, column: int, message: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        decode(data)
    assert (caught.value.line, caught.value.column, caught.value.message) == (
        line_no,
        column,
        message,
    )


# --- Many files: the parsing shared with a second process ----------------------------


def test_parallel_load_gives_the_serial_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(3):  # every fixture, good and bad, three times: about 100 files
        shutil.copytree(FIXTURES, tmp_path / f"copy-{number}")
    monkeypatch.setattr(load, "_cores", lambda: 2)  # fork even on a one-core machine
    monkeypatch.setattr(load, "PARALLEL_FILES", 1_000_000)
    serial = load_records([tmp_path])
    monkeypatch.setattr(load, "PARALLEL_FILES", 2)
    parallel = load_records([tmp_path])
    assert len(serial.problems) > 3 * len(BAD_FILES)
    assert parallel.problems == serial.problems
    assert [(f.path, f.record) for f in parallel.files] == [
        (f.path, f.record) for f in serial.files
    ]


def test_parallel_parse_shares_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(RECORDS.iterdir())] * 10
    monkeypatch.setattr(load, "_cores", lambda: 2)
    monkeypatch.setattr(load, "PARALLEL_FILES", 2)
    monkeypatch.setattr(load, "plain_value", lambda text: (os.getpid(), yamlsafe.plain_value(text)))
    values = load._plain_values(texts)
    assert [value for _, value in values] == [yamlsafe.plain_value(text) for text in texts]
    assert len({pid for pid, _ in values}) == 2
    assert values[0][0] == os.getpid()


def test_parallel_parse_survives_its_child(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(RECORDS.iterdir())] * 10
    monkeypatch.setattr(load, "_cores", lambda: 2)
    monkeypatch.setattr(load, "PARALLEL_FILES", 2)
    monkeypatch.setattr(load, "_send_plain_values", lambda texts, sender: os._exit(1))
    assert load._plain_values(texts) == [yamlsafe.plain_value(text) for text in texts]


def test_paused_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():  # nested: the outer pause decides
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
