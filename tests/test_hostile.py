"""Bad input and faults lose nothing: one test per class of issue 13, and fault injection.

Each test here failed on the code before issue 13: a build that stopped half
way changed the output folder, links were followed out of the project, caches
and the manifest were trusted, text could lie, outputs outlived their source,
and operating-system errors were tracebacks.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import (
    REPO,
    STATEMENTS,
    body_text,
    build,
    copy_project,
    project_config,
    sha256,
    squash,
)

from pipeline.cli import cli
from pipeline.config import Paths
from pipeline.errors import BuildError, RecordError

TOKYO = "ipcnkr-2005-tokyo"
SEOUL = "ipcnkr-2007-seoul"
RLO = "\u202e"


# --- shared set-up --------------------------------------------------------------------


@pytest.fixture
def records(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """A cache warmed once for the session, copied by each test that damages it."""
    folder = tmp_path_factory.mktemp("warm")
    build(STATEMENTS, folder / "out", cache_dir, langs="en", only="summary")
    return cache_dir


@pytest.fixture
def cache(tmp_path: Path, warm_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the warm cache, which `briefing` run here uses too."""
    folder = tmp_path / "cache"
    shutil.copytree(warm_cache, folder, ignore=shutil.ignore_patterns("*.tmp"))
    project_config(monkeypatch, cache=folder)
    return folder


def run(*args: str | Path) -> Result:
    """Run `briefing ARGS`; fail the test on a traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"briefing {args} crashed: {result.exception!r}\n{result.output}")
    assert "Traceback" not in result.output
    return result


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (the lock aside) and its hash."""
    return {
        str(p.relative_to(folder)): sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_a_statement(records: Path) -> None:
    edit(
        records / f"{TOKYO}.yaml",
        "The coalition demands that North Korea",
        "The coalition demands that the North Korean government",
    )


def verified(out: Path) -> Result:
    result = run("verify", out)
    assert result.exit_code == 0, result.output
    return result


# --- 1. outputs as a transaction --------------------------------------------------------


@pytest.mark.typeset
def test_a_failure_while_writing_changes_nothing(
    records: Path, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary")
    before = snapshot(out)
    change_a_statement(records)
    edit(records / f"{SEOUL}.yaml", "title: Joint Statement", "title: The Joint Statement")
    import pipeline.files
    import pipeline.output.transaction

    writes = {"count": 0}
    real_create = pipeline.files.create_exclusive

    def failing_create(path: Path, data: bytes) -> None:
        writes["count"] += 1
        if writes["count"] == 2:  # the second document: one is written already
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_create(path, data)

    monkeypatch.setattr(pipeline.output.transaction, "create_exclusive", failing_create)
    with pytest.raises(OSError):
        build(records, out, cache, langs="en", only="summary")
    monkeypatch.undo()
    assert snapshot(out) == before
    verified(out)


@pytest.mark.typeset
def test_an_interrupt_before_the_manifest_changes_nothing(
    records: Path, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary")
    before = snapshot(out)
    change_a_statement(records)
    from pipeline.output.transaction import Transaction

    real_stage = Transaction.stage

    def interrupted(self: Transaction, target: str, data: bytes) -> None:
        if target == "manifest.json":
            raise KeyboardInterrupt
        real_stage(self, target, data)

    monkeypatch.setattr(Transaction, "stage", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(records, out, cache, langs="en", only="summary")
    assert snapshot(out) == before
    verified(out)


@pytest.mark.typeset
@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_full_disk_changes_nothing_and_is_one_line(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        out = disk / "out"
        build(records, out, cache, langs="en", only="summary")
        before = snapshot(out)
        change_a_statement(records)
        edit(records / f"{SEOUL}.yaml", "title: Joint Statement", "title: The Joint Statement")
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * max(0, free - 30_000))
        result = run(
            "build",
            "--records",
            records,
            "--out",
            out,
            "--lang",
            "en",
            "--only",
            "summary",
            "--jobs",
            "1",
        )
        assert result.exit_code == 1, result.output
        error = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(error) == 1 and "No space left" in error[0] and "free some space" in error[0]
        assert f"cannot use {disk}/" in error[0] and " ?:" not in error[0], error[0]
        assert snapshot(out) == before
        verified(out)
        (disk / "filler").unlink()
        assert (
            run(
                "build", "--records", records, "--out", out, "--lang", "en", "--only", "summary"
            ).exit_code
            == 0
        )
        verified(out)
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.mark.typeset
def test_leftover_temporary_files_are_named_by_verify_and_removed_by_build(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary")
    left = out / "en" / f".{TOKYO}-summary.pdf.1a2b3c4d.tmp"
    left.write_bytes(b"%PDF-half")
    result = run("verify", out)
    assert result.exit_code == 1
    assert f"en/{left.name}: a temporary file left by an interrupted build" in result.output
    notices: list[str] = []
    build(records, out, cache, langs="en", only="summary", notice=notices.append)
    assert not left.exists()
    assert any(left.name in n for n in notices)
    verified(out)


@pytest.mark.typeset
def test_an_interrupted_commit_is_completed_by_the_next_build(
    records: Path, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary")
    change_a_statement(records)
    import pipeline.output.transaction as transaction

    # As if killed once the journal is written: nothing renamed yet.
    monkeypatch.setattr(transaction, "_apply", lambda out, journal: None)
    build(records, out, cache, langs="en", only="summary")
    monkeypatch.undo()
    result = run("verify", out)
    assert result.exit_code == 1
    assert ".transaction/: an interrupted build's journal: the next build completes it" in (
        result.output
    )
    notices: list[str] = []
    written = build(records, out, cache, langs="en", only="summary", notice=notices.append)
    assert any("completed an interrupted build" in n for n in notices)
    assert not any(w.built for w in written)  # the journal held the new documents
    verified(out)


@pytest.mark.typeset
def test_kill_9_at_random_moments_never_loses_the_folder(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    """Kill a build in a subprocess at random moments; verify passes or names the repair."""
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary", statements=[TOKYO])
    env = {**os.environ, "BRIEFING_CACHE": str(cache)}
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "build",
        "--records",
        str(records),
        "--out",
        str(out),
        "--lang",
        "en",
        "--only",
        "summary",
        "--statement",
        TOKYO,
        "--jobs",
        "1",
    ]
    repairable = (
        "a temporary file left by an interrupted build",
        "an interrupted build's unfinished files",
        "an interrupted build's journal",
    )
    chance = random.Random(13)
    started = time.monotonic()
    for attempt in range(8):
        if time.monotonic() - started > 45:
            break
        edit(records / f"{TOKYO}.yaml", "title: ", f"title: {attempt} ")
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if attempt % 2:  # at a random moment of the whole run
            time.sleep(chance.uniform(0.2, 4.0))
        else:  # at a random moment once the documents are being written
            deadline = time.monotonic() + 20
            while not _writing(out) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.0005)
            time.sleep(chance.uniform(0, 0.004))
        process.send_signal(signal.SIGKILL)
        process.wait()
        result = run("verify", out)
        findings = [
            line
            for line in result.output.splitlines()
            if ": " in line and not line.startswith("Error")
        ]
        journal = any("journal" in line for line in findings)
        for line in findings:
            assert any(r in line for r in repairable) or (journal and ": changed" in line), (
                result.output
            )
    assert (
        run(
            "build",
            "--records",
            records,
            "--out",
            out,
            "--lang",
            "en",
            "--only",
            "summary",
            "--statement",
            TOKYO,
        ).exit_code
        == 0
    )
    verified(out)
    assert not list(out.rglob("*.tmp")) and not (out / ".transaction").exists()


def _writing(out: Path) -> bool:
    """True once a build has begun writing into `out`: its staging folder or a temporary file."""
    if (out / ".transaction").exists():
        return True
    return any(
        name.endswith(".tmp")
        for folder in (out, out / "en")
        for name in (os.listdir(folder) if folder.is_dir() else ())
    )


# --- 2. never write outside the project, never through a link --------------------------


@pytest.mark.typeset
def test_a_lock_file_that_is_a_link_is_not_followed(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / ".lock").symlink_to(victim)
    with pytest.raises(BuildError, match="symbolic link"):
        build(records, out, cache, langs="en", only="summary")
    assert victim.read_text() == "precious"


@pytest.mark.typeset
def test_an_output_subfolder_that_is_a_link_is_not_written_through(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "en").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(BuildError, match="symbolic link"):
        build(records, out, cache, langs="en", only="summary")
    assert list(elsewhere.iterdir()) == []


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the catalogs, deep enough that `../../x` stays inside tmp_path."""
    folder = tmp_path / "a" / "b" / "locales"
    shutil.copytree(REPO / "locales", folder)
    instruments = tmp_path / "instruments"
    shutil.copytree(REPO / "instruments", instruments)
    project_config(
        monkeypatch,
        locales=folder,
        instruments=instruments,
        records=copy_project(tmp_path / "project"),
    )
    return folder


def test_i18n_init_refuses_paths_out_existing_catalogs_and_bad_codes(
    locales: Path, tmp_path: Path
) -> None:
    japanese = (locales / "ja" / "LC_MESSAGES" / "messages.po").read_bytes()
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    for args, message in (
        (["../../evil", "--locale", "en_US"], "not a language code"),
        (["ja"], "has a catalog already"),
        (["Bad!"], "not a language code"),
        (["fr", "--locale", "../x"], "not a CLDR locale"),
    ):
        result = run("i18n", "init", *args)
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert (locales / "ja" / "LC_MESSAGES" / "messages.po").read_bytes() == japanese
    made = run("i18n", "init", "fr", "--locale", "fr_FR")
    assert made.exit_code == 0, made.output
    assert "Language: fr_FR" in (locales / "fr" / "LC_MESSAGES" / "messages.po").read_text()


def test_new_and_schema_refuse_a_file_as_folder_and_links(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("keep")
    refused: tuple[list[str | Path], ...] = (
        ["new", "ipcnkr-2009-tokyo", "--dir", a_file],
        ["schema", "--dir", a_file],
        ["schema", "--check", "--dir", a_file],
    )
    for args in refused:
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "is a file, not a folder" in result.output
    assert a_file.read_text() == "keep"
    folder = tmp_path / "statements"
    folder.mkdir()
    victim = tmp_path / "victim.yaml"
    victim.write_text("keep")
    (folder / "ipcnkr-2009-tokyo.yaml").symlink_to(victim)
    through_link: tuple[list[str | Path], ...] = (
        ["new", "ipcnkr-2009-tokyo", "--dir", folder],
        ["new", "ipcnkr-2009-tokyo", "--dir", folder, "--force"],
    )
    for args in through_link:
        assert run(*args).exit_code == 2
    assert victim.read_text() == "keep"
    assert run("new", "vocabulary", "--dir", folder).exit_code == 2


# --- 3. caches and the manifest are untrusted input ------------------------------------


@pytest.mark.parametrize(
    ("manifest", "named"),
    [
        (
            {
                "tool": "briefing",
                "version": "0",
                "files": [
                    {
                        "path": "../outside.pdf",
                        "sha256": "0" * 64,
                        "bytes": 1,
                        "pages": 1,
                        "lang": "en",
                        "kind": "summary",
                        "statements": [],
                        "inputs": "x",
                        "recipient": None,
                        "tool": "0",
                    }
                ],
            },
            "'../outside.pdf' is not a document (.pdf, .html, .css, .woff2) inside",
        ),
        (
            {
                "tool": "briefing",
                "version": "0",
                "files": [
                    {
                        "path": 5,
                        "sha256": "0" * 64,
                        "bytes": 1,
                        "pages": 1,
                        "lang": "en",
                        "kind": "summary",
                        "statements": [],
                        "inputs": "x",
                        "tool": "0",
                    }
                ],
            },
            "files.0.path",
        ),
        ("garbage {", "not JSON"),
    ],
)
def test_verify_names_a_tampered_manifest_as_unreadable(
    tmp_path: Path, manifest: object, named: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "outside.pdf").write_bytes(b"%PDF-")
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    (out / "manifest.json").write_text(text)
    result = run("verify", out)
    assert result.exit_code == 1
    assert "manifest.json: unreadable" in result.output and named in result.output


@pytest.mark.typeset
def test_a_garbage_manifest_is_replaced_and_the_build_says_so(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary")
    (out / "manifest.json").write_text("garbage")
    notices: list[str] = []
    build(records, out, cache, langs="en", only="summary", notice=notices.append)
    assert any("manifest.json is unreadable" in n for n in notices)
    verified(out)


@pytest.mark.typeset
def test_a_font_subset_replaced_by_garbage_of_the_same_size_is_rebuilt(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    build(records, tmp_path / "out", cache, langs="en", only="summary")  # the stage, remembered
    subsets = sorted((cache / "fonts").glob("*.otf"))
    assert subsets
    for subset in subsets:
        stat = subset.stat()
        subset.write_bytes(b"\x42" * stat.st_size)
        os.utime(subset, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    build(records, tmp_path / "out", cache, langs="en", only="summary", force=True)
    assert "The coalition demands" in body_text(tmp_path / "out" / "en" / f"{TOKYO}-summary.pdf")


@pytest.mark.typeset
def test_an_edited_fitting_decision_cannot_change_a_pdf(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en")
    before = snapshot(out)
    memos = sorted((cache / "fit").glob("*.json"))
    assert memos
    tamperings: tuple[Callable[[int], int], ...] = (
        lambda d: 5 if d != 5 else 0,
        lambda d: 0 if d else 1,
    )
    from pipeline.files import seal

    for tampered, resealed in zip(tamperings, (False, True), strict=True):
        for memo in memos:
            mark, _, body = memo.read_bytes().partition(b"\n")
            data = json.loads(body)
            data["density"] = tampered(data["density"])
            body = json.dumps(data).encode()
            if resealed:  # as if the key were known too: the layout still checks the hint
                mark = seal(b"fit", body).encode()
            memo.write_bytes(mark + b"\n" + body)
        build(records, out, cache, langs="en", force=True)
        assert snapshot(out) == before


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=12),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "tool",
                        "version",
                        "files",
                        "path",
                        "sha256",
                        "bytes",
                        "pages",
                        "lang",
                        "kind",
                        "statements",
                        "inputs",
                        "recipient",
                        "moves",
                        "removals",
                    ]
                ),
                inner,
                max_size=6,
            )
        ),
        max_leaves=20,
    )
)
def test_any_manifest_or_journal_is_read_without_a_crash(tmp_path: Path, value: object) -> None:
    from pipeline.output.manifest import Manifest
    from pipeline.output.transaction import STAGING, pending_state

    out = tmp_path / "fuzz"
    (out / STAGING).mkdir(parents=True, exist_ok=True)
    text = json.dumps(value)
    (out / "manifest.json").write_text(text)
    (out / STAGING / "journal.json").write_text(text)
    manifest = Manifest.load(out)
    assert manifest.found
    for name in manifest.entries:
        assert not name.startswith("/") and ".." not in name.split("/")
    assert pending_state(out) is not None


# --- 4. a text policy for records ------------------------------------------------------


def test_a_right_to_left_override_is_a_located_error(records: Path) -> None:
    path = records / f"{TOKYO}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("title: "))
    lines[number] = f"title: Joint {RLO}tnemetatS"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("validate", records)
    assert result.exit_code == 1
    assert (
        f"{path}:{number + 1}:14: title: U+202E RIGHT-TO-LEFT OVERRIDE is a bidirectional control"
    ) in result.output


@given(st.characters())
def test_the_policy_refuses_exactly_controls_and_format_characters(character: str) -> None:
    import unicodedata

    from pipeline.records.textpolicy import refusal

    category = unicodedata.category(character)
    refused = refusal(character, "en") is not None
    assert refused == (category in ("Cc", "Cf") and character not in "\t\n")
    if character in "\u200c\u200d":
        assert refusal(character, "fa") is None and refusal(character, "hi") is None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    before=st.text(alphabet="abcdefgh ", min_size=1, max_size=30).map(str.strip).filter(bool),
    control=st.sampled_from(
        [
            "\u202a",
            "\u202b",
            "\u202c",
            "\u202d",
            "\u202e",
            "\u2066",
            "\u2067",
            "\u2068",
            "\u2069",
            "\u200b",
            "\ufeff",
            "\u2060",
        ]
    ),
    after=st.text(alphabet="abcdefgh", max_size=10),
)
def test_every_hidden_character_is_found_where_it_is(
    write_case: Callable[..., Path], before: str, control: str, after: str
) -> None:
    from support import good_statement, replace_once

    text = replace_once(
        good_statement(), "title: Tokyo statement", f"title: 'T {before}{control}{after}'"
    )
    path = write_case(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("title: 'T "))
    with pytest.raises(RecordError) as error:
        from pipeline.records.validate import load_project

        load_project([path.parent], Paths())
    column = len("title: 'T ") + len(before) + 1
    expected = f"{path}:{line}:{column}: title: U+{ord(control):04X}"
    assert any(str(p).startswith(expected) for p in error.value.problems), error.value.message


# --- 5. nothing outside the page -------------------------------------------------------


@pytest.mark.typeset
def test_the_gate_fails_a_box_outside_its_page() -> None:
    from pipeline.typeset.pdf import Typesetter, check_overflow

    typesetter = Typesetter(REPO / "templates")
    html = (
        '<section id="ipcnkr-2005-tokyo-summary"><p class="overview" '
        f'style="white-space: nowrap">{"W" * 10_000}</p></section>'
    )
    document = typesetter.layout(html, "a test page")
    with pytest.raises(BuildError) as error:
        check_overflow(document, "the en summary of ipcnkr-2005-tokyo")
    message = str(error.value)
    assert "the en summary of ipcnkr-2005-tokyo: content outside the page" in message
    assert "past the right edge" in message and "#ipcnkr-2005-tokyo-summary" in message
    assert ".overview" in message


@pytest.mark.typeset
def test_a_long_word_wraps_in_every_document(records: Path, tmp_path: Path, cache: Path) -> None:
    word = "Hyper" + "x" * 400
    edit(
        records / f"{TOKYO}.yaml",
        "The coalition demands that North Korea",
        f"The coalition demands that {word} North Korea",
    )
    out = tmp_path / "out"
    build(records, out, cache, langs="en", statements=[TOKYO])
    assert squash(word) in squash(body_text(out / "en" / "briefing-pack.pdf"))


# --- 6. validate proves what build needs -----------------------------------------------


@pytest.mark.typeset
def test_a_missing_vocabulary_is_a_validation_error_not_a_crash(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    (records / "vocabulary.yaml").unlink()
    result = run("validate", records)
    assert result.exit_code == 1
    assert "vocabulary.yaml:1:1: required record missing" in result.output
    (records / "coalition.yaml").unlink()
    assert "coalition.yaml:1:1: required record missing" in run("validate", records).output
    with pytest.raises(RecordError):
        build(records, tmp_path / "out", cache, langs="en")


def test_a_statement_may_not_take_another_records_name(records: Path) -> None:
    source = (records / f"{TOKYO}.yaml").read_text(encoding="utf-8")
    (records / "vocabulary.yaml").rename(records / "vocabulary-list.yaml")
    (records / "vocabulary.yaml").write_text(source.replace(f"id: {TOKYO}", "id: vocabulary"))
    result = run("validate", records)
    assert result.exit_code == 1
    assert "'vocabulary' is reserved" in result.output


# --- 7. the output folder is exactly this project's documents --------------------------


@pytest.mark.typeset
def test_a_recipient_taken_off_the_list_loses_their_pack(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    source = (REPO / "examples" / "recipients.yaml").read_text(encoding="utf-8")
    head, *people = source.split("\n  - id: ")
    keep = [p for p in people if p.startswith(("example-us-smith", "example-gb-jones"))]
    two, one = tmp_path / "two.yaml", tmp_path / "one.yaml"
    two.write_text("\n  - id: ".join([head, *keep]), encoding="utf-8")
    one.write_text("\n  - id: ".join([head, keep[0]]), encoding="utf-8")
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="recipients", recipients=two, statements=[TOKYO])
    assert len(list((out / "recipients").glob("*.pdf"))) == 2
    notices: list[str] = []
    build(
        records,
        out,
        cache,
        langs="en",
        only="recipients",
        recipients=one,
        statements=[TOKYO],
        notice=notices.append,
    )
    # Packs of one statement (--statement) have names of their own.
    kept = [p.name for p in (out / "recipients").glob("*.pdf")]
    assert kept == [f"example-us-smith.only-{TOKYO}.pdf"]
    assert any(
        "example-gb-jones" in n and "recipient example-gb-jones is not in the recipients list" in n
        for n in notices
    ), notices
    assert "recipients/example-gb-jones.pdf" not in (out / "manifest.json").read_text()
    verified(out)


@pytest.mark.typeset
def test_a_removed_statement_loses_its_summaries_and_others_stay(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en,ja", only="summary")
    japanese = snapshot(out / "ja")
    for path in records.glob(f"{SEOUL}*.yaml"):
        path.unlink()
    coalition = records / "coalition.yaml"
    edit(coalition, f"    statement: {SEOUL}\n", "")
    text = coalition.read_text(encoding="utf-8")
    text = text.replace(f"[{TOKYO}, {SEOUL}]", f"[{TOKYO}]").replace(f"[{SEOUL}]", "[]")
    coalition.write_text(text, encoding="utf-8")
    assert run("validate", records).exit_code == 0
    notices: list[str] = []
    build(records, out, cache, langs="en", only="summary", notice=notices.append)
    assert not (out / "en" / f"{SEOUL}-summary.pdf").exists()
    assert any(f"en/{SEOUL}-summary.pdf: statement {SEOUL} is no longer" in n for n in notices)
    # Japanese was not built this time; its removed statement goes too, its other stays.
    assert not (out / "ja" / f"{SEOUL}-summary.pdf").exists()
    assert sha256(out / "ja" / f"{TOKYO}-summary.pdf") == japanese[f"{TOKYO}-summary.pdf"]
    verified(out)


# --- 8. every operating-system error is one line; usage errors exit 2 -------------------


@pytest.mark.typeset
def test_a_read_only_output_folder_is_one_line(
    records: Path, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary")
    real_open = os.open

    def read_only(path: object, flags: int, *args: object, **kw: object) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and str(path).startswith(str(out)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only)
    # Nothing to do: a folder one may only read is enough to say so (pipeline/snapshot.py).
    same = run("build", "--records", records, "--out", out, "--lang", "en", "--only", "summary")
    assert same.exit_code == 0 and "up to date" in same.output, same.output
    edit(records / "ipcnkr-2005-tokyo.yaml", "The coalition demands", "The coalition asks")
    result = run("build", "--records", records, "--out", out, "--lang", "en", "--only", "summary")
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: cannot open the lock file") and ".lock" in lines[-1]
    assert "read-only" in lines[-1]


@pytest.mark.typeset
def test_a_read_only_cache_folder_is_one_line(
    records: Path, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def read_only(path: object, flags: int, *args: object, **kw: object) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and str(path).startswith(str(cache)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

    edit(records / f"{TOKYO}.yaml", "The coalition demands", "The coalition (Ω) demands")
    monkeypatch.setattr(os, "open", read_only)
    result = run(
        "build",
        "--records",
        records,
        "--out",
        tmp_path / "out",
        "--lang",
        "en",
        "--only",
        "summary",
    )
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    error = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(error) == 1 and str(cache) in error[0] and "Permission denied" in error[0]


@pytest.mark.typeset
@pytest.mark.parametrize("kind", ["directory", "file-as-out", "empty-lang"])
def test_usage_and_path_errors_are_messages(
    records: Path, tmp_path: Path, cache: Path, kind: str
) -> None:
    out = tmp_path / "out"
    args: list[str | Path] = [
        "build",
        "--records",
        records,
        "--out",
        out,
        "--only",
        "summary",
        "--lang",
        "en",
    ]
    if kind == "directory":
        (out / ".lock").mkdir(parents=True)
        code, text = 1, ".lock"
    elif kind == "file-as-out":
        out.write_text("not a folder")
        code, text = 2, "is a file, not a folder"
    else:
        args[-1] = ","
        code, text = 2, "no language in ','"
    result = run(*args)
    assert result.exit_code == code, result.output
    assert text in result.output


@pytest.mark.typeset
def test_a_template_asking_for_a_refused_resource_is_a_message(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    edit(
        templates / "summary.html",
        "{% block content %}",
        '{% block content %}<a rel="attachment" href="file:///etc/passwd">x</a>',
    )
    from pipeline import BuildRequest, Paths, build_all

    with pytest.raises(BuildError, match="refused to fetch file:///etc/passwd"):
        build_all(
            Paths(records=records, out=tmp_path / "out", templates=templates, cache=cache),
            BuildRequest(langs="en", only="summary"),
        )
    assert not (tmp_path / "out" / "manifest.json").exists()


@pytest.mark.typeset
def test_build_statement_makes_a_pack_of_the_chosen_statements(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="pack", statements=[TOKYO])
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["statements"] for e in manifest["files"]] == [[TOKYO]]
    verified(out)


# --- 9. a templates folder is data, not code (issue 26) --------------------------------


def _hostile_templates(tmp_path: Path, partial: str, text: str) -> Path:
    """A copy of the templates whose summary page starts with `text`, and a secret beside it."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    (tmp_path / "secret.txt").write_text("THE-SECRET", encoding="utf-8")
    (templates / "partials" / "evil.html").symlink_to(tmp_path / "secret.txt")
    path = templates / "partials" / partial
    path.write_text(text + path.read_text(encoding="utf-8"), encoding="utf-8")
    return templates


def _build_with(records: Path, out: Path, templates: Path) -> Result:
    return run(
        "build",
        "--records",
        records,
        "--out",
        out,
        "--templates",
        templates,
        "--lang",
        "en",
        "--only",
        "summary",
        "--statement",
        TOKYO,
        "--jobs",
        "1",
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '{{ cycler.__init__.__globals__.__builtins__.__import__("os")'
            '.system("touch {marker}") }}',
            "access to attribute '__init__' of 'type' object is unsafe",
        ),
        (
            "{{ lipsum.__globals__.__builtins__.open('{secret}').read() }}",
            "access to attribute '__globals__' of 'function' object is unsafe",
        ),
        ('{{ "{0.__class__.__mro__}".format(1) }}', "'__class__' of 'int' object is unsafe"),
        (
            "{% for d in statement.documents %}{{ d.model_dump() }}{% endfor %}",
            "a template may not call BaseModel.model_dump",
        ),
        ("{% set l = [] %}{{ l.append(1) }}", "'append' of 'list' object is unsafe"),
        ('{% include "partials/evil.html" %}', "'partials/evil.html': it is a link that leaves"),
        ('{% include "../../secret.txt" %}', "'../../secret.txt': a template name is a relative"),
        ('{% from "{secret}" import x %}', "a template name is a relative path without '..'"),
    ],
    ids=["import-os", "open", "format", "model-method", "mutate", "link", "dotdot", "absolute"],
)
def test_a_hostile_template_runs_no_code_and_reads_nothing_outside(
    records: Path, tmp_path: Path, cache: Path, text: str, problem: str
) -> None:
    marker = tmp_path / "pwned"
    secret = tmp_path / "secret.txt"
    payload = text.replace("{marker}", str(marker)).replace("{secret}", str(secret))
    templates = _hostile_templates(tmp_path, "summary_page.html", payload)
    out = tmp_path / "out"
    result = _build_with(records, out, templates)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert errors == [
        f"Error: {templates.resolve()}/partials/summary_page.html:1: template error: "
        + errors[0].split(": template error: ", 1)[-1]
    ], result.output
    assert problem in errors[0], errors[0]
    assert "THE-SECRET" not in result.output
    assert not marker.exists()
    assert not (out / "manifest.json").exists()


@pytest.mark.parametrize(
    ("partial", "text", "line", "problem"),
    [
        ("macros.html", "\n\n{% if %}\n", 3, "Expected an expression"),
        (
            "summary_page.html",
            "{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}\n{{ again(0) }}\n",
            1,
            "templates call themselves too deeply",
        ),
        ("summary_page.html", '\n{% include "partials/summary_page.html" %}', 1, "too deeply"),
        ("summary_page.html", "\n\n\n{{ 1 / 0 }}", 4, "ZeroDivisionError: division by zero"),
        ("summary_page.html", "{{ no_such_thing }}", 1, "'no_such_thing' is undefined"),
        ("summary_page.html", '{% include "partials/none.html" %}', 1, "template not found"),
        ("summary_page.html", b"\n\xff\xfe{{ x }}".decode("latin-1"), 2, "not UTF-8"),
    ],
    ids=[
        "syntax",
        "recursive-macro",
        "recursive-include",
        "raises",
        "undefined",
        "missing",
        "utf8",
    ],
)
def test_a_template_error_is_one_line_naming_template_and_line(
    records: Path, tmp_path: Path, cache: Path, partial: str, text: str, line: int, problem: str
) -> None:
    templates = _hostile_templates(tmp_path, partial, "")
    path = templates / "partials" / partial
    body = path.read_text(encoding="utf-8")
    if "not UTF-8" in problem:
        path.write_bytes(text.encode("latin-1") + body.encode())
    else:
        path.write_text(text + body, encoding="utf-8")
    result = _build_with(records, tmp_path / "out", templates)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, result.output
    where = f"{templates.resolve()}/partials/{partial}:{line}: template error: "
    if "deeply" in problem:  # the innermost template of the loop, wherever it closes
        where = f"{templates.resolve()}/"
    assert errors[0].startswith(f"Error: {where}"), errors[0]
    assert problem in errors[0], errors[0]


def test_the_inputs_of_a_document_never_read_a_template_outside(tmp_path: Path) -> None:
    from pipeline.render.templates import template_files

    templates = _hostile_templates(
        tmp_path, "summary_page.html", '{% include "partials/evil.html" %}{% include "../x" %}'
    )
    names = [p.relative_to(templates).as_posix() for p in template_files(templates, "summary.html")]
    assert "partials/summary_page.html" in names and "base.html" in names
    assert "partials/evil.html" not in names and "../x" not in names


# --- 10. the cache touches only what it wrote, and a forged record costs only time ---


def test_a_cache_folder_of_someone_elses_files_is_refused_and_left_alone(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    chapter = home / "Documents" / "thesis-chapter-3.odt"
    chapter.write_text("three years of work")
    (home / "photo.jpg").write_bytes(b"\xff\xd8")
    long_ago = time.time() - 365 * 24 * 3600
    for path in (chapter, home / "photo.jpg"):
        os.utime(path, (long_ago, long_ago))
    before = snapshot(home)
    project_config(monkeypatch, cache=home)
    result = run("build", "--records", records, "--out", tmp_path / "out", "--lang", "en")
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: the cache folder {home} holds 'Documents', which the cache did not write, "
        "and no CACHEDIR.TAG: set BRIEFING_CACHE to an empty or new folder (the cache writes "
        "only its own files)"
    ]
    assert snapshot(home) == before and not (home / "CACHEDIR.TAG").exists()


@pytest.mark.typeset
def test_a_planted_catalog_complete_record_still_builds_a_draft(
    locales: Path, tmp_path: Path, cache: Path
) -> None:
    from pipeline.cache import hash_files

    assert run("i18n", "init", "fr", "--locale", "fr_FR").exit_code == 0
    catalog = locales / "fr" / "LC_MESSAGES" / "messages.po"
    key = hash_files([locales / "messages.pot", catalog])
    forged = json.dumps({"key": key})
    (cache / "catalogs").mkdir(exist_ok=True)
    (cache / "catalogs" / f"{key[:32]}.json").write_text(forged)  # as the cache once kept it
    records = tmp_path / "project" / "statements"
    out = tmp_path / "out"
    result = run(
        "build", "--records", records, "--out", out, "--lang", "fr", "--only", "summary",
        "--statement", TOKYO,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from support import page_texts

    assert "Draft translation" in page_texts(out / "fr" / f"{TOKYO}-summary.pdf")[0]


@pytest.mark.typeset
def test_a_forged_font_stage_cannot_change_a_pdf(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    """A record pointing at a planted stylesheet (a well-formed blob) is not believed."""
    import hashlib

    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary", statements=[TOKYO])
    before = snapshot(out)
    css = b"body { font-size: 1pt; color: white } /* planted */"
    name = f"fonts/fonts-en-{hashlib.sha256(css).hexdigest()}.css"
    (cache / name).write_bytes(css)  # its bytes hash to its name: a valid blob
    forged = 0
    for record in (cache / "fonts").glob("*.json"):
        mark, _, body = record.read_bytes().partition(b"\n")
        stage = json.loads(body)
        if "css" in stage:
            stage["css"]["en"] = name
            stage["files"][name] = hashlib.sha256(css).hexdigest()
            record.write_bytes(mark + b"\n" + json.dumps(stage).encode())
            forged += 1
    assert forged
    build(records, out, cache, langs="en", only="summary", statements=[TOKYO], force=True)
    assert snapshot(out) == before


# --- 11. catalog strings are text; a bad catalog is a located error ---------------------


def _japanese(locales: Path) -> Path:
    return locales / "ja" / "LC_MESSAGES" / "messages.po"


def test_markup_in_a_translation_is_shown_as_text_not_made_a_link(locales: Path) -> None:
    import datetime as dt

    from pipeline.i18n.languages import available_languages
    from pipeline.plan.planner import Planner
    from pipeline.records.instruments import Instruments
    from pipeline.records.validate import load_project
    from pipeline.render.renderer import Renderer

    evil = '<a href="http://evil.example/">概要</a>'
    edit(_japanese(locales), 'msgstr "概要"', 'msgstr "' + evil.replace('"', '\\"') + '"')
    language = available_languages(locales)["ja"]
    project = load_project([STATEMENTS], Paths())
    planner = Planner(project, language, Instruments.load(REPO / "instruments"))
    html = Renderer(REPO / "templates", language, dt.date(2026, 1, 15)).summary(
        planner.summary(project.statements[TOKYO], 0)
    )
    assert "evil.example" in html
    assert "<a href=" + '"http://evil' not in html
    assert "&lt;a href=&#34;http://evil.example/&#34;&gt;概要&lt;/a&gt;" in html


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('msgstr "概要"', 'msgstr "%(evil)s概要"', "placeholder %(evil)s is not in the "),
        (
            'msgstr "%(country)s・%(city)s"',
            'msgstr "%(country)s・%(town)s"',
            "unknown named placeholder 'town' in the translation of '%(city)s, %(country)s'",
        ),
        (
            '#, python-format\nmsgid "%(city)s, %(country)s"\nmsgstr "%(country)s・%(city)s"',
            'msgid "%(city)s, %(country)s"\nmsgstr "%(country)s・%(city)d"',
            "incompatible format for placeholder 'city'",
        ),
        ('msgstr "行動"', 'msgstr "100% 行動"', "write a % sign as %%"),
        ('msgstr "行動"', 'msgstr "行動\nmsgstr "x"', "malformed: 'msgstr \"行動' is not"),
        ('msgstr "行動"', 'msgstr "行\udcff動"', "not UTF-8 (byte 0xff)"),
    ],
    ids=["new-placeholder", "renamed", "unflagged-type", "percent", "malformed", "not-utf8"],
)
def test_a_bad_catalog_is_a_located_error_in_build_and_status(
    locales: Path, tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _japanese(locales)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    start = text.index(old)  # the problem is reported at the translation's (msgstr's) line
    line = text[:start].count("\n") + new[: new.index("msgstr")].count("\n") + 1
    path.write_bytes(text.replace(old, new, 1).encode("utf-8", errors="surrogateescape"))
    records = tmp_path / "project" / "statements"
    for args in (
        ["build", "--records", records, "--out", tmp_path / "out", "--lang", "ja"],
        ["i18n", "status"],
    ):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert f"{path}:{line}:1: " in result.output, result.output
        assert message in result.output, result.output
    assert not (tmp_path / "out" / "manifest.json").exists()


# --- 12. every page gated; fields of sane length ----------------------------------------


@pytest.mark.typeset
def test_the_gate_fails_text_a_fixed_height_box_drops() -> None:
    """The cover is one page tall: what does not fit is on no page, not past an edge."""
    from pipeline.typeset.pdf import Typesetter, check_overflow

    typesetter = Typesetter(REPO / "templates")
    name = " ".join(["Longname"] * 560)
    html = (
        '<section class="cover"><p class="cover-recipient">'
        f'<span class="recipient-name">{name}</span></p></section>'
    )
    sheets = [REPO / "templates" / s for s in ("print.css", "pack.css", "recipient.css")]
    document = typesetter.layout(html, "a cover", sheets)
    with pytest.raises(BuildError) as error:
        check_overflow(document, "the en pack of example-us-smith")
    message = str(error.value)
    assert "the en pack of example-us-smith: content outside the page" in message
    assert "span.recipient-name 'Longname Longname" in message and "are on no page" in message


def test_a_recipients_name_too_long_for_a_cover_is_a_located_error(
    records: Path, tmp_path: Path
) -> None:
    long_name = " ".join(["Longname"] * 560)[:5039]
    recipients = tmp_path / "recipients.yaml"
    recipients.write_text(
        "kind: recipients\nexamples: true\nrecipients:\n  - id: example-us-smith\n"
        f"    name: {long_name}\n    honorific: Hon.\n    chamber: House\n"
        "    country: US\n    language: en\n    paper: A4\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run(
        "build", "--records", records, "--out", out, "--recipients", recipients,
        "--lang", "en", "--only", "recipients",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert f"{recipients}:5:5: recipients[0].name:" in result.output
    assert "200 characters" in result.output
    assert not out.exists() or not (out / "manifest.json").exists()


# --- 13. Ctrl-C: honoured, or the commit finished and said so --------------------------


def _session_processes(session: int) -> list[int]:
    """The processes still alive in a session (a build and the workers it forked)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


@pytest.mark.typeset
def test_ctrl_c_during_a_parallel_build_stops_it_within_seconds_and_changes_nothing(
    records: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary", statements=[TOKYO])
    before = snapshot(out)
    change_a_statement(records)
    command = [sys.executable, "-m", "pipeline", "build", "--records", str(records)]
    command += ["--out", str(out), "--lang", "en", "--jobs", "2"]
    process = subprocess.Popen(
        command,
        env={**os.environ, "BRIEFING_CACHE": str(cache)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    first = process.stderr.readline()  # the first document is done: the workers are busy
    while first and not first.startswith("["):  # notices (the date rule's) come first
        first = process.stderr.readline()
    assert first.startswith("[1/"), first
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    rest, errors = process.communicate(timeout=60)
    seconds = time.monotonic() - interrupted
    assert process.returncode == 130, first + errors + rest
    assert seconds < 3, f"{seconds:.1f} s from Ctrl-C to exit"
    assert "Traceback" not in errors and "Aborted." in errors, errors
    deadline = time.monotonic() + 5
    while _session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _session_processes(process.pid) == []  # no worker left typesetting
    assert snapshot(out) == before
    verified(out)


@pytest.mark.typeset
def test_ctrl_c_during_the_commit_finishes_it_and_says_so(
    records: Path, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary", statements=[TOKYO])
    old = sha256(out / "en" / f"{TOKYO}-summary.pdf")
    change_a_statement(records)
    import pipeline.output.transaction as transaction

    real_apply = transaction._apply

    def ctrl_c_half_way(target: Path, journal: transaction._Journal) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # a real signal, as the terminal sends it
        real_apply(target, journal)

    monkeypatch.setattr(transaction, "_apply", ctrl_c_half_way)
    result = run(
        "build", "--records", records, "--out", out, "--lang", "en", "--only", "summary",
        "--statement", TOKYO, "--jobs", "1",
    )  # fmt: skip
    monkeypatch.undo()
    assert result.exit_code == 130, result.output
    assert (
        f"interrupted while the outputs were being committed: the commit was finished first, "
        f"so {out}/ holds this build's documents and manifest"
    ) in result.output
    assert sha256(out / "en" / f"{TOKYO}-summary.pdf") != old
    verified(out)
