"""The installed wheel is the same tool as the checkout, and pre-commit runs its hook.

Slow (a wheel built and installed into a fresh virtual environment, two builds,
pre-commit installing the hook): marked `slow`, and part of `make test`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, copy_project, edit

from pipeline.i18n.languages import available_languages

pytestmark = pytest.mark.slow

EPOCH = "1188345600"  # 2007-08-29, the same for both builds


def uv() -> list[str]:
    """Return the uv command the Makefile uses: `uv`, or `python3 -m uv`."""
    found = shutil.which("uv")
    return [found] if found else [shutil.which("python3") or sys.executable, "-m", "uv"]


def run(
    command: list[str | Path], cwd: Path, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT_ENVIRONMENT")
    }
    result = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        check=False,
        timeout=900,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{command} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


INSTALL = "pip install -c constraints.txt ."  # the README's install command, word for word


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the checkout into a fresh venv outside it, exactly as the README says."""
    base = tmp_path_factory.mktemp("installed")
    run([*uv(), "venv", "--seed", "--python", sys.executable, base / "venv"], cwd=base)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert INSTALL in readme.split("## Installing")[1].split("```")[1]
    command = INSTALL.split()
    run([base / "venv" / "bin" / "python", "-m", *command[:-1], REPO], cwd=REPO)
    return base / "venv" / "bin"


def test_the_installed_versions_are_the_locked_ones(installed: Path) -> None:
    frozen = run([installed / "python", "-m", "pip", "freeze"], cwd=installed).stdout
    have = {line.split("==")[0].lower(): line for line in frozen.splitlines() if "==" in line}
    locked = [
        line
        for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    ]
    for line in locked:
        name = line.split("==")[0].lower()
        if name in have:
            assert have[name].lower() == line.split(";")[0].strip().lower(), name
    assert "fonttools==4.68.0" in have["fonttools"].lower()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder outside the checkout: statements, sources and recipients."""
    folder = tmp_path / "project"
    copy_project(folder)
    shutil.copy(REPO / "examples" / "recipients.yaml", folder / "recipients.yaml")
    return folder


def test_the_installed_tool_reads_its_files_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    probe = (
        "from pipeline.config import DEFAULT_INSTRUMENTS, DEFAULT_LOCALES, "
        "DEFAULT_SCHEMAS, DEFAULT_TEMPLATES\n"
        "for p in (DEFAULT_TEMPLATES, DEFAULT_LOCALES, DEFAULT_INSTRUMENTS, DEFAULT_SCHEMAS):"
        "\n    print(p)\n"
    )
    folders = run([installed / "python", "-c", probe], cwd=tmp_path).stdout.split()
    venv = installed.parent
    assert len(folders) == 4
    assert all(Path(f).is_relative_to(venv) and Path(f).is_dir() for f in folders), folders
    assert (Path(folders[0]) / "fonts.yaml").is_file()
    assert (Path(folders[1]) / "ja" / "LC_MESSAGES" / "messages.po").is_file()


def test_validate_reports_what_the_checkout_reports(installed: Path, project: Path) -> None:
    checkout = [sys.executable, "-m", "pipeline"]
    for command in (checkout, [installed / "briefing"]):
        clean = run([*command, "validate", "statements", "recipients.yaml"], cwd=project)
        assert clean.stderr.endswith("no problems.\n")
    japanese = project / "statements" / "ipcnkr-2005-tokyo.ja.yaml"  # a new translation of
    text = japanese.read_text(encoding="utf-8")  # UDHR art. 1, everywhere
    japanese.write_text(text.replace("生まれながらにして", "生まれつき"), encoding="utf-8")
    edit(
        project / "statements" / "ipcnkr-2007-seoul.yaml",
        "source: lfnkr-2007-kato-article",
        "source: lfnkr-2007-article",
    )
    edit(project / "recipients.yaml", "language: ja", "language: fr")
    results = [
        run([*command, "validate", "statements", "recipients.yaml"], cwd=project, check=False)
        for command in (checkout, [installed / "briefing"])
    ]
    assert [r.returncode for r in results] == [1, 1]
    assert results[0].stdout == results[1].stdout
    assert results[0].stderr == results[1].stderr
    assert "not the official ja text of udhr article 1" in results[1].stdout
    assert "unknown source 'lfnkr-2007-article'" in results[1].stdout
    languages = ", ".join(available_languages(REPO / "locales"))
    assert f"no catalog for language 'fr'; packs can be made in {languages}" in results[1].stdout


def test_build_writes_the_same_bytes(installed: Path, project: Path) -> None:
    """The installed tool, with a cache of its own, writes the checkout's PDFs byte for byte."""
    arguments = [
        "build",
        "--records",
        "statements",
        "--lang",
        "en,ja",
        "--recipients",
        "recipients.yaml",
        "--jobs",
        "2",
    ]
    checkout = run(
        [sys.executable, "-m", "pipeline", *arguments, "--out", "checkout"],
        cwd=project,
        env={"SOURCE_DATE_EPOCH": EPOCH},
    )
    alone = run(
        [installed / "briefing", *arguments, "--out", "installed"],
        cwd=project,
        env={"SOURCE_DATE_EPOCH": EPOCH, "BRIEFING_CACHE": str(project / "cache")},
    )
    assert "Traceback" not in checkout.stderr + alone.stderr

    def pdfs(folder: str) -> dict[str, str]:
        manifest = json.loads((project / folder / "manifest.json").read_text(encoding="utf-8"))
        return {entry["path"]: entry["sha256"] for entry in manifest["files"]}

    # 2 × (2 summaries and a pack), 6 recipients' packs, and the language packs they are
    # joined to in mn, ko and US Letter English, made for them; and the web edition
    made = pdfs("checkout")
    assert len([p for p in made if p.endswith(".pdf") and not p.startswith("site/")]) == 15
    assert any(p.startswith("site/en/") and p.endswith(".html") for p in made)
    assert pdfs("installed") == pdfs("checkout")
    run([installed / "briefing", "verify", "installed"], cwd=project)


def test_pre_commit_runs_the_hook_in_another_repository(project: Path, tmp_path: Path) -> None:
    """`pre-commit try-repo` installs this repository's hook and runs it on a good, then a bad,
    statement."""
    git = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    run(["git", "init", "-q", "."], cwd=project, env=git)
    run(["git", "add", "statements", "sources"], cwd=project, env=git)
    run(["git", "commit", "-q", "-m", "records"], cwd=project, env=git)
    env = {**git, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}
    pre_commit: list[str | Path] = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        REPO,
        "briefing-validate",
        "--files",
        "statements/ipcnkr-2005-tokyo.yaml",
    ]
    good = run(pre_commit, cwd=project, env=env, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "validate IPCNKR statement records" in good.stdout and "Passed" in good.stdout
    edit(
        project / "statements" / "ipcnkr-2005-tokyo.yaml",
        "themes: [human-rights-in-north-korea",
        "themes: [human-rights-in-north-corea",
    )
    bad = run(pre_commit, cwd=project, env=env, check=False)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert (
        "statements/ipcnkr-2005-tokyo.yaml:30:10: themes[0]: unknown theme "
        "'human-rights-in-north-corea'; did you mean 'human-rights-in-north-korea'?"
    ) in (bad.stdout)
    run(["git", "checkout", "statements"], cwd=project, env=git)
    with (project / "sources" / "lfnkr-2007-kato-article.txt").open("a") as handle:
        handle.write("A sentence added later.\n")
    changed = run(
        [*pre_commit[:-1], "sources/lfnkr-2007-kato-article.txt"], cwd=project, env=env, check=False
    )
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert "sources/lfnkr-2007-kato-article.yaml:7:1: sha256: " in changed.stdout
