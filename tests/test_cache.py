"""The one cache: records made for other inputs, tampered blobs and old entries are not used."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pipeline.cache import MARKER, Cache, Fit, digest
from pipeline.errors import BriefingError


def test_a_record_is_used_only_for_the_inputs_it_was_made_from(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key, other = digest("inputs"), digest("other inputs")
    cache.remember("fit", Fit(key=key, density=2))
    assert cache.recall("fit", key, Fit) == Fit(key=key, density=2)
    assert cache.recall("fit", other, Fit) is None
    (tmp_path / "fit" / f"{key[:32]}.json").write_text('{"key": "' + key + '", "density": -1}')
    assert cache.recall("fit", key, Fit) is None  # fails its model: worked out again


def test_a_blob_is_handed_out_only_while_its_bytes_match_its_name(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    path = cache.store("fonts", b"font bytes", ".otf", "NotoSerif-400")
    assert path.name.startswith("NotoSerif-400-") and cache.blob(path) == path
    path.write_bytes(b"font bytez")
    assert cache.blob(path) is None
    assert cache.store("fonts", b"font bytes", ".otf", "NotoSerif-400") == path
    assert path.read_bytes() == b"font bytes"  # stored again, not trusted
    outside = tmp_path / path.name
    outside.write_bytes(b"font bytes")
    assert cache.blob(outside) is None  # not in this cache


def test_pruning_removes_unused_entries_and_half_written_files(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    used = cache.store("fonts", b"used", ".otf", "A")
    unused = cache.store("fonts", b"unused", ".otf", "B")
    left = tmp_path / "fonts" / ".B.otf.1234abcd.tmp"
    left.write_bytes(b"half")
    now = time.time()
    month_ago = now - 31 * 24 * 3600
    os.utime(unused, (month_ago, month_ago))
    os.utime(left, (now - 7200, now - 7200))
    assert cache.prune(now) == 2
    assert used.exists() and not unused.exists() and not left.exists()
    cache.blob(used)  # a read keeps an entry alive
    assert cache.prune(now + 29 * 24 * 3600) == 0


def test_a_record_not_sealed_with_this_users_key_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.files

    cache = Cache(tmp_path)
    key = digest("inputs")
    cache.remember("fit", Fit(key=key, density=2))
    path = tmp_path / "fit" / f"{key[:32]}.json"
    mark, _, body = path.read_bytes().partition(b"\n")
    assert body == Fit(key=key, density=2).model_dump_json().encode()
    path.write_bytes(mark + b"\n" + body.replace(b'"density":2', b'"density":3'))
    assert cache.recall("fit", key, Fit) is None  # edited: the seal no longer matches
    path.write_bytes(body)
    assert cache.recall("fit", key, Fit) is None  # unsealed
    monkeypatch.setenv("BRIEFING_CACHE_KEY", "someone else's key")
    pipeline.files._cache_key.cache_clear()
    try:
        Cache(tmp_path).remember("fit", Fit(key=key, density=3))  # planted by another key
    finally:
        monkeypatch.undo()
        pipeline.files._cache_key.cache_clear()
    assert cache.recall("fit", key, Fit) is None
    cache.remember("fit", Fit(key=key, density=2))
    assert cache.recall("fit", key, Fit) == Fit(key=key, density=2)


def test_the_cache_claims_an_empty_folder_and_refuses_one_of_foreign_files(
    tmp_path: Path,
) -> None:
    new = Cache(tmp_path / "new")
    new.claim()
    assert (tmp_path / "new" / MARKER).read_bytes().startswith(b"Signature: 8a477f597d28d172")
    old = tmp_path / "old"  # a cache written before the marker: only its own names
    (old / "fit").mkdir(parents=True)
    (old / "fit" / f"{'a' * 32}.json").write_text("{}")
    Cache(old).claim()
    assert (old / MARKER).is_file()
    home = tmp_path / "home"
    (home / "fonts").mkdir(parents=True)
    (home / "fonts" / "thesis-chapter-3.docx").write_text("precious")
    with pytest.raises(BriefingError) as error:
        Cache(home).remember("fit", Fit(key=digest("x"), density=1))
    assert str(error.value.message) == (
        f"the cache folder {home} holds 'fonts/thesis-chapter-3.docx', which the cache did "
        "not write, and no CACHEDIR.TAG: set BRIEFING_CACHE to an empty or new folder (the "
        "cache writes only its own files)"
    )
    assert sorted(p.name for p in home.rglob("*")) == ["fonts", "thesis-chapter-3.docx"]


def test_pruning_removes_only_the_caches_own_names(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.claim()
    mine = cache.store("fonts", b"old", ".otf", "A")
    outside = tmp_path.parent / f"{tmp_path.name}-victim.txt"
    outside.write_text("precious")
    foreign = [
        tmp_path / "photo.jpg",
        tmp_path / "fonts" / "draft.odt",
        tmp_path / "fonts" / f"{'b' * 64}.otf.bak",
        tmp_path / "elsewhere" / f"{'c' * 32}.json",
        tmp_path / "fit" / "sub" / f"{'d' * 32}.json",
    ]
    for path in foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("keep")
    link = tmp_path / "fit" / f"{'e' * 32}.json"
    link.symlink_to(outside)
    long_ago = time.time() - 365 * 24 * 3600
    for path in [mine, *foreign]:
        os.utime(path, (long_ago, long_ago))
    os.utime(outside, (long_ago, long_ago))
    assert cache.prune() == 1
    assert not mine.exists()
    assert all(p.read_text() == "keep" for p in foreign)
    assert link.is_symlink() and outside.read_text() == "precious"
    (tmp_path / MARKER).unlink()
    os.utime(foreign[0], (long_ago, long_ago))
    assert Cache(tmp_path).prune() == 0  # no marker: not a folder the cache may prune
