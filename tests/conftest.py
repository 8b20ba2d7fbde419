"""Shared fixtures: bad cases beside the valid records, and the command line runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import BAD, RECORDS, STATEMENT, add_context

from pipeline.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def briefing(runner: CliRunner) -> Callable[..., Result]:
    """Run `briefing ARGS...`; fail the test if the command crashed rather than exited."""

    def run(*args: str | Path) -> Result:
        result = runner.invoke(cli, [str(a) for a in args])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"briefing {args} crashed: {result.exception!r}\n{result.output}")
        assert "Traceback" not in result.output
        return result

    return run


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """A copy of the valid records, to change freely."""
    folder = tmp_path / "records"
    shutil.copytree(RECORDS, folder)
    return folder


@pytest.fixture
def bad_case(tmp_path: Path) -> Callable[[str], Path]:
    """Copy `fixtures/bad/<name>/` into tmp_path, with the valid vocabulary and coalition beside."""

    def make(name: str) -> Path:
        folder = tmp_path / name
        shutil.copytree(BAD / name, folder)
        add_context(folder)
        return folder

    return make


@pytest.fixture
def write_case(tmp_path: Path) -> Callable[..., Path]:
    """Write a statement file (text or bytes) beside the valid vocabulary and coalition."""

    def write(content: str | bytes, name: str = STATEMENT) -> Path:
        folder = tmp_path / "case"
        folder.mkdir(exist_ok=True)
        add_context(folder)
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
