"""Shared fixtures: the session's cache, copies of the records, bad cases, the command line."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner, Result
from fake_pdf import FakePdf
from hypothesis.configuration import set_hypothesis_home_dir
from support import BAD, RECORDS, STATEMENT, add_context, copy_project

from pipeline.cli import cli

# Hypothesis keeps its examples and constants in `.hypothesis/` of the folder pytest was
# started from, unless told otherwise before the first test module is read: here, a
# temporary folder for the session.
_HYPOTHESIS = tempfile.mkdtemp(prefix="briefing-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS)
atexit.register(shutil.rmtree, _HYPOTHESIS, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One font and layout cache for the session, never the project's `.cache/`.

    A temporary folder, unless BRIEFING_TEST_CACHE names a folder to keep between
    sessions (opt-in: the font stage and fitted densities are then paid once, not
    every session; the cache is untrusted input, so a stale one costs only time).
    It is also what `briefing` and child processes use (BRIEFING_CACHE), so no test
    writes into the folder it was started from.
    """
    kept = os.environ.get("BRIEFING_TEST_CACHE")
    folder = Path(kept).resolve() if kept else tmp_path_factory.mktemp("cache")
    folder.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEFING_CACHE", str(folder))
        # The key that seals cache records (pipeline/files.py), so no test makes one in ~/.config.
        patch.setenv("BRIEFING_CACHE_KEY", "the tests' own cache key, not a secret")
        # Tests say what they build: the repository's own briefing.toml (its example
        # members) is read only by tests that ask for a config file.
        patch.setenv("BRIEFING_CONFIG", "none")
        yield folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's statements, with its sources beside them, to change freely."""
    return copy_project(tmp_path)


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
    """A copy of the valid records, with their sources beside them, to change freely."""
    folder = tmp_path / "records"
    shutil.copytree(RECORDS, folder)
    add_context(folder)
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


# --- The quick tier (`make check`) ------------------------------------------------
# `make check` sets BRIEFING_QUICK and runs every test not marked `typeset` or
# `slow`. A test that lays a document out with WeasyPrint there fails at once,
# naming the mark it lacks, so the quick tier stays quick as tests are added.
QUICK = os.environ.get("BRIEFING_QUICK") == "1"


@pytest.fixture(autouse=True)
def _no_typesetting_in_the_quick_tier(request: pytest.FixtureRequest) -> Iterator[None]:
    if not QUICK or request.node.get_closest_marker("typeset") is not None:
        yield
        return
    from pipeline.typeset.pdf import Typesetter

    def refused(*args: object, **kwargs: object) -> NoReturn:
        pytest.fail(
            f"{request.node.nodeid} typesets: mark it @pytest.mark.typeset (make test only), "
            "or build with the `fake_pdf` fixture if it tests decisions rather than pages"
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Typesetter, "layout", refused)
        yield


@pytest.fixture
def fake_pdf() -> Iterator[type[FakePdf]]:
    """Build with a stand-in PDF exporter: every decision of a build, no WeasyPrint."""
    from pipeline.build import workers

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(workers.EXPORTERS, "pdf", FakePdf)
        yield FakePdf


@pytest.fixture(scope="session")
def example_packs(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """The example members' packs, built once for every delivery test (WeasyPrint is slow)."""
    from support import REPO, STATEMENTS, build

    out = tmp_path_factory.mktemp("example-packs") / "output"
    examples = REPO / "examples" / "recipients.yaml"
    build(STATEMENTS, out, cache_dir, recipients=examples, only="recipients", jobs=2)
    return out
