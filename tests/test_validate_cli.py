"""The validate stage through `briefing validate`: what the user reads, and the exit code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from support import BAD_FILES, RECORDS, STATEMENT, TRANSLATION, replace_once, shown

from pipeline.cli import main
from pipeline.config import Paths
from pipeline.errors import RecordError
from pipeline.records.validate import check_records, load_project

Briefing = Callable[..., Result]
BadCase = Callable[[str], Path]


def yaml_files(folder: Path) -> int:
    """Count the record files a check of `folder` reads: its own and the sources beside it."""
    return sum(
        1
        for base in (folder, folder.parent / "sources")
        for p in base.rglob("*")
        if p.suffix in {".yaml", ".yml"}
    )


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


# --- A clean folder -------------------------------------------------------------------


def test_clean_folder_exits_0(briefing: Briefing) -> None:
    result = briefing("validate", RECORDS)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "6 files checked, no problems.\n"


def test_clean_folder_in_json_is_an_empty_list(briefing: Briefing) -> None:
    result = briefing("validate", "--format", "json", RECORDS)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_clean_records_make_a_project() -> None:
    project = load_project([RECORDS], Paths())
    assert list(project.statements) == ["test-2005-tokyo"]
    assert list(project.translations) == [("test-2005-tokyo", "fr")]
    assert project.vocabulary is not None
    assert project.coalition is not None


def test_single_statement_reads_vocabulary_and_coalition_beside_it(briefing: Briefing) -> None:
    result = briefing("validate", RECORDS / STATEMENT)
    assert result.exit_code == 0
    assert result.stderr == "5 files checked, no problems.\n"


# --- Every bad case: one line, the right place, exit 1 --------------------------------

CROSS_FILE: list[tuple[str, str, int, int, str, str]] = [
    (
        "unknown-actor",
        STATEMENT,
        44,
        20,
        "resolutions[1].items[0].concerns[0]",
        "unknown actor 'dprkk'; did you mean 'dprk'?",
    ),
    (
        "unknown-theme",
        STATEMENT,
        33,
        14,
        "resolutions[0].themes[0]",
        "unknown theme 'abduction'; did you mean 'abductions'?",
    ),
    (
        "duplicate-id",
        "test-2005-tokyo.yml",
        2,
        1,
        "id",
        "duplicate id 'test-2005-tokyo': also used in {folder}/test-2005-tokyo.yaml:2",
    ),
    (
        "translation-unknown-resolution",
        TRANSLATION,
        17,
        5,
        "resolutions[1].number",
        "the original has no resolution 4",
    ),
]
ALL_CASES = [
    (case, STATEMENT, line, column, field, message)
    for case, line, column, field, message in BAD_FILES
] + CROSS_FILE


@pytest.mark.parametrize(
    ("case", "name", "line", "column", "field", "message"),
    ALL_CASES,
    ids=[c[0] for c in ALL_CASES],
)
def test_bad_case_gives_one_precise_line(
    briefing: Briefing,
    bad_case: BadCase,
    case: str,
    name: str,
    line: int,
    column: int,
    field: str,
    message: str,
) -> None:
    folder = bad_case(case)
    result = briefing("validate", folder)
    assert result.exit_code == 1
    message = message.format(folder=folder)
    assert result.stdout == shown(folder / name, line, column, field, message) + "\n"
    assert result.stderr == f"1 problem in 1 of {yaml_files(folder)} files.\n"


def test_translation_that_does_not_align_is_reported(briefing: Briefing, bad_case: BadCase) -> None:
    folder = bad_case("translation-misaligned")
    result = briefing("validate", folder)
    assert result.exit_code == 1
    [reported] = result.stdout.splitlines()
    assert reported.startswith(f"{folder / TRANSLATION}:19:5: resolutions[1].items: ")
    assert "resolution 2 of the original has 2" in reported


def test_resolutions_out_of_sequence_are_reported(briefing: Briefing, bad_case: BadCase) -> None:
    folder = bad_case("resolutions-out-of-sequence")
    result = briefing("validate", folder / STATEMENT)
    assert result.exit_code == 1
    assert (
        result.stdout
        == shown(
            folder / STATEMENT,
            37,
            5,
            "resolutions[1].number",
            "resolutions are numbered [1, 3]; expected [1, 2, 3]; if paragraphs [2] are not "
            "available, say so in `incomplete.missing`",
        )
        + "\n"
    )


def test_all_problems_of_several_files_in_one_run(briefing: Briefing, bad_case: BadCase) -> None:
    folder = bad_case("several")
    result = briefing("validate", folder)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        shown(folder / "broken.yaml", 3, 1, "", "malformed YAML: did not find expected ',' or ']'"),
        shown(folder / TRANSLATION, 7, 9, "translation.date", "'2006-13-10' is not a real date"),
        shown(
            folder / STATEMENT,
            44,
            20,
            "resolutions[1].items[0].concerns[0]",
            "unknown actor 'dprkk'; did you mean 'dprk'?",
        ),
    ]
    assert result.stderr == "3 problems in 3 of 7 files.\n"


def test_several_files_named_in_one_run(briefing: Briefing, records: Path) -> None:
    edit(records / STATEMENT, "overview:", "overveiw:")
    edit(
        records / TRANSLATION,
        "title: Déclaration de Tokyo\n",
        "title: Déclaration de Tokyo\ntitle: again\n",
    )
    result = briefing("validate", records / STATEMENT, records / TRANSLATION)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        shown(records / TRANSLATION, 9, 1, "", "duplicate key 'title' (first at line 8)"),
        shown(
            records / STATEMENT,
            19,
            1,
            "overveiw",
            "unknown field 'overveiw'; did you mean 'overview'?",
        ),
    ]
    assert result.stderr == "2 problems in 2 of 2 files.\n"


def test_missing_path(briefing: Briefing, tmp_path: Path) -> None:
    result = briefing("validate", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert result.stdout == shown(tmp_path / "nowhere", 1, 1, "", "no such file or folder") + "\n"


# --- Rules across files, on a copy of the valid records -----------------------------


def test_meeting_not_in_the_coalition_record(briefing: Briefing, records: Path) -> None:
    edit(records / STATEMENT, "  ordinal: 3\n", "  ordinal: 9\n")
    result = briefing("validate", records)
    assert result.exit_code == 1
    assert (
        result.stdout
        == shown(
            records / STATEMENT,
            9,
            3,
            "meeting.ordinal",
            "the coalition record has no general meeting number 9",
        )
        + "\n"
    )


def test_meeting_dates_must_agree_with_the_coalition(briefing: Briefing, records: Path) -> None:
    edit(records / "coalition.yaml", "    start: 2005-11-19\n", "    start: 2005-11-18\n")
    result = briefing("validate", records)
    assert result.exit_code == 1
    [reported] = result.stdout.splitlines()
    assert reported.startswith(f"{records / STATEMENT}:12:3: meeting.start: ")
    assert "differs from the coalition record (2005-11-18)" in reported


def test_unknown_source(briefing: Briefing, records: Path) -> None:
    edit(records / STATEMENT, "  - source: minutes-2005\n", "  - source: minutes-2006\n")
    result = briefing("validate", records)
    assert result.exit_code == 1
    assert (
        result.stdout
        == shown(
            records / STATEMENT,
            17,
            5,
            "sources[0].source",
            "unknown source 'minutes-2006'; did you mean 'minutes-2005'?",
        )
        + "\n"
    )


def test_translation_of_an_unknown_statement(briefing: Briefing, records: Path) -> None:
    (records / STATEMENT).unlink()
    result = briefing("validate", records / TRANSLATION)
    assert result.exit_code == 1
    assert (
        result.stdout
        == shown(records / TRANSLATION, 2, 1, "statement", "unknown statement 'test-2005-tokyo'")
        + "\n"
    )


def test_translation_with_missing_preamble_paragraph(briefing: Briefing, records: Path) -> None:
    edit(records / TRANSLATION, "  - text: Préoccupés par les enlèvements.\n", "")
    result = briefing("validate", records)
    assert result.exit_code == 1
    [reported] = result.stdout.splitlines()
    assert reported.startswith(f"{records / TRANSLATION}:9:1: preamble: ")
    assert "the original has 2" in reported


def test_translation_must_keep_the_action_verbs(briefing: Briefing, records: Path) -> None:
    edit(
        records / TRANSLATION,
        "      - action: EXHORTONS\n        text: les Nations",
        "      - text: les Nations",
    )
    result = briefing("validate", records)
    assert result.exit_code == 1
    assert (
        result.stdout
        == shown(
            records / TRANSLATION,
            20,
            9,
            "resolutions[1].items[0]",
            "the action verb must be translated exactly where the original has one",
        )
        + "\n"
    )


def test_translation_into_the_original_language(briefing: Briefing, records: Path) -> None:
    edit(records / TRANSLATION, "  language: fr\n", "  language: en\n")
    (records / TRANSLATION).rename(records / "test-2005-tokyo.en.yaml")
    result = briefing("validate", records)
    assert result.exit_code == 1
    assert (
        result.stdout
        == shown(
            records / "test-2005-tokyo.en.yaml",
            4,
            3,
            "translation.language",
            "the original is already in 'en'",
        )
        + "\n"
    )


def test_unreadable_statement_is_not_also_unknown(briefing: Briefing, records: Path) -> None:
    """The translation's original has a problem of its own; that one problem is enough."""
    edit(records / STATEMENT, "language: en\n", "language: en\nlanguage: en\n")
    result = briefing("validate", records)
    assert result.exit_code == 1
    assert (
        result.stdout
        == shown(records / STATEMENT, 16, 1, "", "duplicate key 'language' (first at line 15)")
        + "\n"
    )


def test_translation_alone_reads_its_original(briefing: Briefing, records: Path) -> None:
    result = briefing("validate", records / TRANSLATION)
    assert result.exit_code == 0
    assert result.stderr == "6 files checked, no problems.\n"


def test_coalition_read_as_context_is_not_checked_against_one_statement(
    briefing: Briefing, records: Path
) -> None:
    """`briefing validate statements/one.yaml` must not call the other statements unknown."""
    edit(
        records / "coalition.yaml",
        "meetings:\n",
        """meetings:
  - ordinal: 4
    year: 2007
    country: KR
    statement: test-2007-seoul
    sources:
      - source: charter
""",
    )
    assert briefing("validate", records / STATEMENT).exit_code == 0
    result = briefing("validate", records)  # the whole folder: now it is an unknown statement
    assert result.exit_code == 1
    assert (
        result.stdout
        == shown(
            records / "coalition.yaml",
            24,
            5,
            "meetings[0].statement",
            "unknown statement 'test-2007-seoul'",
        )
        + "\n"
    )


def test_check_records_returns_problems_not_exceptions(bad_case: BadCase) -> None:
    folder = bad_case("several")
    project, problems, checked = check_records([folder], Paths())
    assert len(problems) == 3
    assert checked == 7  # and the two sources beside the folder
    assert list(project.statements) == ["test-2005-tokyo"]  # a bad reference still loads
    assert project.translations == {}  # the translation could not be read
    with pytest.raises(RecordError) as caught:
        load_project([folder], Paths())
    assert caught.value.format_message().endswith("\n3 problems found.")
    assert caught.value.exit_code == 1


# --- Output formats -------------------------------------------------------------------


def test_json_format(briefing: Briefing, bad_case: BadCase) -> None:
    folder = bad_case("several")
    result = briefing("validate", "--format", "json", folder)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        dict(problem, severity="error")
        for problem in [
            {
                "file": str(folder / "broken.yaml"),
                "line": 3,
                "column": 1,
                "field": "",
                "message": "malformed YAML: did not find expected ',' or ']'",
            },
            {
                "file": str(folder / TRANSLATION),
                "line": 7,
                "column": 9,
                "field": "translation.date",
                "message": "'2006-13-10' is not a real date",
            },
            {
                "file": str(folder / STATEMENT),
                "line": 44,
                "column": 20,
                "field": "resolutions[1].items[0].concerns[0]",
                "message": "unknown actor 'dprkk'; did you mean 'dprk'?",
            },
        ]
    ]
    assert result.stderr == "3 problems in 3 of 7 files.\n"


def test_json_keeps_non_ascii_text(briefing: Briefing, records: Path) -> None:
    edit(records / TRANSLATION, "title: Déclaration de Tokyo\n", "titre: Déclaration de Tokyo\n")
    result = briefing("validate", "--format", "json", records)
    [problem] = json.loads(result.stdout)
    assert problem["field"] == "titre"
    assert "titre" in problem["message"]


def test_github_format(briefing: Briefing, bad_case: BadCase) -> None:
    folder = bad_case("several")
    result = briefing("validate", "--format", "github", folder)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::error file={folder / 'broken.yaml'},line=3,col=1::"
        "malformed YAML: did not find expected ',' or ']'",
        f"::error file={folder / TRANSLATION},line=7,col=9::"
        "translation.date: '2006-13-10' is not a real date",
        f"::error file={folder / STATEMENT},line=44,col=20::"
        "resolutions[1].items[0].concerns[0]: unknown actor 'dprkk'; did you mean 'dprk'?",
    ]


def test_github_format_escapes_percent(briefing: Briefing, records: Path) -> None:
    edit(records / STATEMENT, "overview:", "over%view:")
    result = briefing("validate", "--format", "github", records)
    assert result.stdout == (
        f"::error file={records / STATEMENT},line=19,col=1::"
        "over%25view: unknown field 'over%25view'; did you mean 'overview'?\n"
    )


# --- Usage errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["validate", "--bogus"], "No such option '--bogus'"),
        (["validate", "--format", "xml"], "Invalid value for '--format'"),
        (["no-such-command"], "No such command 'no-such-command'"),
    ],
)
def test_usage_error_exits_2(briefing: Briefing, args: list[str], error: str) -> None:
    result = briefing(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"Error: {error}" in result.stderr


# --- The real entry points: main() and the installed command ----------------------------


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str | Path) -> int:
    monkeypatch.setattr(sys, "argv", ["briefing", *map(str, args)])
    try:
        main()
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    return 0


def test_main_exit_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bad_case: BadCase
) -> None:
    assert run_main(monkeypatch, "validate", RECORDS) == 0
    assert "no problems" in capsys.readouterr().err
    folder = bad_case("duplicate-key")
    assert run_main(monkeypatch, "validate", folder) == 1
    captured = capsys.readouterr()
    assert (
        captured.out
        == shown(folder / STATEMENT, 16, 1, "", "duplicate key 'title' (first at line 3)") + "\n"
    )
    assert run_main(monkeypatch, "validate", "--nope") == 2
    assert "No such option" in capsys.readouterr().err


def installed_commands() -> list[list[str]]:
    commands = [[sys.executable, "-m", "pipeline"]]
    script = shutil.which("briefing", path=str(Path(sys.executable).parent))
    if script:
        commands.append([script])
    return commands


@pytest.mark.parametrize("command", installed_commands(), ids=lambda c: Path(c[-1]).name)
def test_installed_command(command: list[str], bad_case: BadCase) -> None:
    folder = bad_case("python-tag")

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *map(str, args)], capture_output=True, text=True, timeout=60, check=False
        )

    clean = run("validate", RECORDS)
    assert (clean.returncode, clean.stderr) == (0, "6 files checked, no problems.\n")
    bad = run("validate", folder)
    assert bad.returncode == 1
    assert (
        bad.stdout
        == shown(
            folder / STATEMENT,
            3,
            8,
            "",
            "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        )
        + "\n"
    )
    usage = run("validate", "--bogus")
    assert usage.returncode == 2
    for output in (clean, bad, usage):
        assert "Traceback" not in output.stdout + output.stderr


def test_a_changed_source_document_is_one_located_problem(
    briefing: Briefing, records: Path
) -> None:
    sources = records.parent / "sources"
    with (sources / "charter.txt").open("a", encoding="utf-8") as handle:
        handle.write("An article added later.\n")
    result = briefing("validate", records)
    assert result.exit_code == 1
    [reported] = result.stdout.splitlines()
    assert reported.startswith(f"{sources / 'charter.yaml'}:4:1: sha256: ")
    assert "charter.txt has SHA-256" in reported and "not the one recorded" in reported


def test_a_missing_source_document_is_one_located_problem(
    briefing: Briefing, records: Path
) -> None:
    sources = records.parent / "sources"
    (sources / "minutes-2005.txt").unlink()
    result = briefing("validate", records / STATEMENT)
    assert result.exit_code == 1
    [reported] = result.stdout.splitlines()
    assert reported.startswith(f"{sources / 'minutes-2005.yaml'}:3:1: file: cannot read")


def test_the_project_sources_match_their_archived_copies(briefing: Briefing) -> None:
    from support import REPO

    result = briefing("validate", REPO / "sources")
    assert result.exit_code == 0, result.output
    records = len(list((REPO / "sources").rglob("*.yaml")))  # a new UDHR text adds one
    assert records >= 8
    assert result.stderr == f"{records} files checked, no problems.\n"
