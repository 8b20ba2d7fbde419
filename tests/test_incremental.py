"""The font cache, incremental builds, parallel builds and the output lock."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, STATEMENTS, body_text, build, edit, sha256

from pipeline.errors import BuildError


@pytest.fixture
def cache(tmp_path: Path, cache_dir: Path) -> Path:
    """A copy of the warm cache, free to damage."""
    folder = tmp_path / "cache"
    build(STATEMENTS, tmp_path / "warm", cache_dir, langs="en", only="summary")
    shutil.copytree(cache_dir, folder)
    return folder


def rebuilt(written: list) -> set[str]:  # type: ignore[type-arg]
    return {f"{w.lang}/{w.path.name}" for w in written if w.built}


def test_a_no_op_build_rebuilds_nothing(
    project: Path, tmp_path: Path, cache_dir: Path, fake_pdf: object
) -> None:
    out = tmp_path / "out"
    first = build(project, out, cache_dir, langs="en", only="print")
    assert rebuilt(first) == {
        "en/ipcnkr-2005-tokyo-summary.pdf",
        "en/ipcnkr-2007-seoul-summary.pdf",
        "en/briefing-pack.pdf",
    }
    before = {p: sha256(p) for p in out.rglob("*.pdf")}
    assert rebuilt(build(project, out, cache_dir, langs="en", only="print")) == set()
    assert {p: sha256(p) for p in out.rglob("*.pdf")} == before


def test_editing_one_statement_rebuilds_its_summaries_and_the_packs(
    project: Path, tmp_path: Path, cache_dir: Path, fake_pdf: object
) -> None:
    out = tmp_path / "out"
    build(project, out, cache_dir, langs="en,ja", only="print")
    edit(
        project / "ipcnkr-2005-tokyo.yaml",
        "The coalition demands that North Korea",
        "The coalition demands that the North Korean government",
    )
    assert rebuilt(build(project, out, cache_dir, langs="en,ja", only="print")) == {
        "en/ipcnkr-2005-tokyo-summary.pdf",
        "ja/ipcnkr-2005-tokyo-summary.pdf",
        "en/briefing-pack.pdf",
        "ja/briefing-pack.pdf",
    }


def test_editing_a_template_rebuilds_what_uses_it(
    project: Path,
    tmp_path: Path,
    cache_dir: Path,
    fake_pdf: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    from pipeline import BuildRequest, Paths, build_all

    paths = Paths(records=project, out=out, templates=templates, cache=cache_dir)
    build_all(paths, BuildRequest(langs="en", only="print"))
    (templates / "pack.css").write_text((templates / "pack.css").read_text() + "\n/* edit */\n")
    assert rebuilt(build_all(paths, BuildRequest(langs="en", only="print"))) == {
        "en/briefing-pack.pdf"
    }
    (templates / "summary.css").write_text((templates / "summary.css").read_text() + "\n/**/\n")
    assert len(rebuilt(build_all(paths, BuildRequest(langs="en", only="print")))) == 3
    assert rebuilt(build_all(paths, BuildRequest(langs="en", only="print", force=True))) == {
        "en/ipcnkr-2005-tokyo-summary.pdf",
        "en/ipcnkr-2007-seoul-summary.pdf",
        "en/briefing-pack.pdf",
    }


def test_a_tampered_output_is_rebuilt(
    project: Path, tmp_path: Path, cache_dir: Path, fake_pdf: object
) -> None:
    out = tmp_path / "out"
    build(project, out, cache_dir, langs="en", only="summary")
    target = out / "en" / "ipcnkr-2005-tokyo-summary.pdf"
    target.write_bytes(target.read_bytes()[:-10])
    assert rebuilt(build(project, out, cache_dir, langs="en", only="summary")) == {
        "en/ipcnkr-2005-tokyo-summary.pdf"
    }


@pytest.mark.typeset
def test_a_new_character_rebuilds_the_subset_and_reaches_the_pdf(
    project: Path, tmp_path: Path, cache: Path
) -> None:
    subsets = set((cache / "fonts").glob("NotoSerif-400-*.otf"))
    edit(project / "ipcnkr-2005-tokyo.yaml", "The coalition demands", "The coalition (Ω) demands")
    build(project, tmp_path / "out", cache, langs="en", only="summary")
    assert set((cache / "fonts").glob("NotoSerif-400-*.otf")) - subsets  # a new subset
    assert "(Ω)" in body_text(tmp_path / "out" / "en" / "ipcnkr-2005-tokyo-summary.pdf")


@pytest.mark.typeset
def test_a_truncated_cache_file_is_rebuilt_not_used(
    project: Path, tmp_path: Path, cache: Path
) -> None:
    subsets = sorted((cache / "fonts").glob("NotoSerif-400-*.otf"))
    assert subsets
    for subset in subsets:
        subset.write_bytes(subset.read_bytes()[:1000])
    build(project, tmp_path / "out", cache, langs="en", only="summary")
    from pipeline import Cache

    css = max((cache / "fonts").glob("fonts-en-*.css"), key=lambda p: p.stat().st_mtime_ns)
    used = [s for s in subsets if s.name in css.read_text()]
    assert len(used) == 1
    assert Cache(cache).blob(used[0]) == used[0]  # its bytes hash to its name again
    assert used[0].stat().st_size > 1000
    text = body_text(tmp_path / "out" / "en" / "ipcnkr-2005-tokyo-summary.pdf")
    assert "The coalition demands" in text


@pytest.mark.typeset
def test_parallel_output_equals_serial_output(project: Path, tmp_path: Path, cache: Path) -> None:
    serial = build(project, tmp_path / "one", cache, langs="en,ko", jobs=1)
    parallel = build(project, tmp_path / "two", cache, langs="en,ko", jobs=2)
    assert [(w.path.name, w.pages, w.size) for w in serial] == [
        (w.path.name, w.pages, w.size) for w in parallel
    ]
    for pdf in (tmp_path / "one").rglob("*.pdf"):
        assert sha256(pdf) == sha256(tmp_path / "two" / pdf.relative_to(tmp_path / "one"))


@pytest.mark.typeset
def test_parallel_errors_are_the_serial_errors(project: Path, tmp_path: Path, cache: Path) -> None:
    long = " ".join(["An overview far too long for one page."] * 200)
    edit(project / "ipcnkr-2007-seoul.yaml", "overview: >-\n", f"overview: >-\n  {long}\n")
    messages = []
    for jobs in (1, 2):
        with pytest.raises(BuildError) as error:
            build(project, tmp_path / f"out{jobs}", cache, langs="en", jobs=jobs)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert "ipcnkr-2007-seoul" in messages[0]


@pytest.mark.typeset
def test_a_second_build_on_the_same_folder_stops_with_a_message(
    project: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write("pid 4242")
        handle.flush()
        with pytest.raises(BuildError, match="another build"):
            build(project, out, cache, langs="en", only="summary")
    build(project, out, cache, langs="en", only="summary")  # free again


@pytest.mark.typeset
def test_a_no_op_build_does_not_import_weasyprint(
    project: Path, tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    build(project, out, cache, langs="en")
    probe = (
        "import sys\n"
        "from pipeline.cli import cli\n"
        "try:\n"
        f"    cli.main(['build', '--records', {str(project)!r}, '--out', {str(out)!r},"
        " '--lang', 'en'], prog_name='briefing')\n"
        "finally:\n"
        "    print('WEASYPRINT' if 'weasyprint' in sys.modules else 'NO-WEASYPRINT')\n"
    )
    env = {**os.environ, "BRIEFING_CACHE": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False
    )
    assert "NO-WEASYPRINT" in result.stdout, result.stdout + result.stderr
    assert "up to date" in result.stdout


@pytest.mark.typeset
def test_each_document_is_reported_when_it_is_finished(
    project: Path, tmp_path: Path, cache: Path
) -> None:
    from pipeline import Finished

    for jobs in (1, 2):
        seen: list[Finished] = []
        out = tmp_path / f"out{jobs}"

        def note(done: Finished, out: Path = out, seen: list[Finished] = seen) -> None:
            assert not (out / "manifest.json").exists()  # reported as typeset, before writing
            seen.append(done)

        written = build(project, out, cache, langs="en", only="print", jobs=jobs, progress=note)
        assert [d.done for d in seen] == [1, 2, 3] and {d.total for d in seen} == {3}
        assert {d.path for d in seen} == {w.path for w in written}
        assert all(d.seconds > 0 for d in seen)
    assert build(project, tmp_path / "out1", cache, langs="en", only="print", progress=seen.append)
    assert len(seen) == 3  # nothing to do: nothing reported


@pytest.mark.typeset
def test_build_prints_a_line_per_finished_document_then_the_table(
    project: Path, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--records",
            str(project),
            "--out",
            str(out),
            "--lang",
            "en",
            "--only",
            "summary",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "building 2 of 2 documents" in result.stderr  # said before the first is done
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert [line.split()[0] for line in lines] == ["[1/2]", "[2/2]"]
    assert all(line.endswith(" s)") and str(out) in line for line in lines)
    assert result.stdout.splitlines()[0].split() == ["file", "pages", "size"]


@pytest.mark.typeset
def test_explain_names_the_input_that_changed(project: Path, tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "out"
    build(project, out, cache, langs="en", only="summary")
    edit(project / "ipcnkr-2005-tokyo.yaml", "The coalition demands", "The coalition asks")
    told: list[str] = []
    written = build(project, out, cache, langs="en", only="summary", explain=told.append)
    assert rebuilt(written) == {"en/ipcnkr-2005-tokyo-summary.pdf"}
    [tokyo] = told  # -v: why each document built is built; the others are not named
    assert tokyo.endswith(f"built: {project.name}/ipcnkr-2005-tokyo.yaml changed")
    (out / "en" / "ipcnkr-2007-seoul-summary.pdf").write_bytes(b"%PDF-")
    told.clear()
    build(project, out, cache, langs="en", only="summary", explain=told.append)
    assert any(
        line.endswith("built: the file differs from the manifest or is missing")
        for line in told
        if "seoul" in line
    )
    told.clear()
    build(project, out, cache, langs="en", only="summary", explain=told.append, force=True)
    assert all(line.endswith("built: --force") for line in told) and len(told) == 2
