"""The no-op build: nothing changed since the last build of a request, nothing is loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import STATEMENTS, build, copy_project

import pipeline.records.validate
from pipeline.config import Paths
from pipeline.errors import RecordError


@pytest.fixture
def built(tmp_path: Path, cache_dir: Path, fake_pdf: object) -> tuple[Path, Path, Path]:
    records = copy_project(tmp_path)
    cache = tmp_path / "cache"
    shutil.copytree(cache_dir, cache)
    out = tmp_path / "out"
    build(records, out, cache, langs="en", only="summary")
    return records, out, cache


def test_a_no_op_build_loads_no_record(
    built: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    records, out, cache = built

    def refuse(paths: object, folders: object) -> None:
        raise AssertionError("the records were loaded")

    monkeypatch.setattr(pipeline.records.validate, "load_project", refuse)
    again = build(records, out, cache, langs="en", only="summary")
    assert sorted(w.path.name for w in again) == [
        "ipcnkr-2005-tokyo-summary.pdf",
        "ipcnkr-2007-seoul-summary.pdf",
    ]
    assert not any(w.built for w in again) and all(w.pages == 1 for w in again)


@pytest.mark.parametrize(
    "change",
    [
        "a record edited",
        "a record added",
        "a source touched",
        "an output removed",
        "another request",
    ],
)
def test_any_change_takes_the_full_path(built: tuple[Path, Path, Path], change: str) -> None:
    records, out, cache = built
    request: dict[str, object] = {"langs": "en", "only": "summary"}
    if change == "a record edited":
        path = records / "ipcnkr-2005-tokyo.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "a record added":
        shutil.copy(STATEMENTS / "vocabulary.ja.yaml", records / "vocabulary.xx-copy.yaml")
    elif change == "a source touched":
        source = next((records.parent / "sources").rglob("*.yaml"))
        source.touch()
    elif change == "an output removed":
        (out / "en" / "ipcnkr-2007-seoul-summary.pdf").unlink()
    else:
        request["statements"] = ["ipcnkr-2007-seoul"]
    loaded: list[object] = []
    original = pipeline.records.validate.load_project

    def load(paths: list[Path], folders: Paths) -> object:
        loaded.append(paths)
        return original(paths, folders)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline.records.validate, "load_project", load)
        try:
            build(records, out, cache, **request)
        except RecordError:  # a copied vocabulary is a duplicate: the full path says so
            assert change == "a record added"
    assert loaded, f"{change}: the build trusted its snapshot"
