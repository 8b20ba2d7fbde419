"""The one cache: records made for other inputs, tampered blobs and old entries are not used."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline.cache import Cache, Fit, digest


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
