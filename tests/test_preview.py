"""`briefing preview` as an editor uses it: a page open in Chromium follows the records as saved.

The command runs as a subprocess on a copy of the project (English only: the
preview makes pages, never PDFs, until a PDF is asked for), and a statement
page is loaded once in headless Chromium; after that the test only edits
files and reads what the open page shows, so each change is the preview's
own rebuild and reload.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
from browser import chromium as headless
from support import copy_project, edit

STATEMENT = "ipcnkr-2007-seoul"
STARTED = 600.0  # seconds: a first build with a cold font cache, on a loaded machine
BOUND = 30.0  # seconds from a save to the page showing it: generous, CI machines are loaded


@dataclass
class Said:
    """The preview's terminal, line by line, each with when it was read."""

    lines: queue.Queue[tuple[float, str]]
    seen: list[str]

    def until(self, wanted: Callable[[str], bool], timeout: float) -> tuple[float, str]:
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                at, line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            if wanted(line):
                return at, line
        raise AssertionError("the preview did not say it; it said:\n" + "".join(self.seen))


def _read(stream: IO[str], lines: queue.Queue[tuple[float, str]]) -> None:
    for line in stream:
        lines.put((time.monotonic(), line))


def _shown(driver: Any, wanted: Callable[[str], bool], timeout: float) -> float:
    """Wait until the open page's text is as wanted (it reloads by itself); return when."""
    from selenium.common.exceptions import WebDriverException

    end = time.monotonic() + timeout
    text = ""
    while time.monotonic() < end:
        try:
            text = driver.execute_script("return document.body ? document.body.innerText : ''")
        except WebDriverException:  # between two documents while it reloads
            text = ""
        if wanted(text):
            return time.monotonic()
        time.sleep(0.02)
    raise AssertionError(f"the page never showed it; it shows:\n{text[:2000]}")


@pytest.fixture
def chromium() -> Iterator[Any]:
    with headless() as driver:
        yield driver


@pytest.fixture
def preview(tmp_path: Path, cache_dir: Path) -> Iterator[tuple[subprocess.Popen[str], Said, str]]:
    """`briefing preview --port 0 --lang en` on a copy of the project, and its address."""
    records = copy_project(tmp_path)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "pipeline", "preview", "--port", "0", "--lang", "en"),
            *("--out", str(tmp_path / "out"), "--records", str(records)),
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BRIEFING_CACHE": str(cache_dir)},
    )
    assert process.stderr is not None
    said = Said(queue.Queue(), [])
    threading.Thread(target=_read, args=(process.stderr, said.lines), daemon=True).start()
    try:
        _, line = said.until(lambda line: line.startswith("Serving "), STARTED)
        address = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert address is not None, line
        yield process, said, address[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_saved_edit_shows_in_the_open_page_and_an_error_in_its_place(
    preview: tuple[subprocess.Popen[str], Said, str], chromium: Any, tmp_path: Path
) -> None:
    process, said, address = preview
    record = tmp_path / "statements" / f"{STATEMENT}.yaml"
    good = record.read_text(encoding="utf-8")
    chromium.get(f"{address}en/{STATEMENT}.html")
    assert "The coalition calls on the international community" in chromium.page_source
    served = chromium.page_source
    site = (tmp_path / "out" / "site" / "en" / f"{STATEMENT}.html").read_text(encoding="utf-8")
    # The reload script is the server's, never the site's: the file has none, and a policy
    # that allows none; only the page served has it, and a policy allowing the site's own.
    assert "<script" not in site and "script-src" not in site
    assert '<script src="/__preview__/reload.js?built=' in served
    assert "form-action 'none'; script-src 'self'; connect-src 'self'" in served

    # An edit: the open page reloads by itself with the new text.
    saved = time.monotonic()
    edit(record, "The coalition calls on", "The coalition firmly calls on")
    rebuilt, line = said.until(lambda line: "changed: rebuilt" in line, BOUND)
    shown = _shown(chromium, lambda text: "The coalition firmly calls on" in text, BOUND)
    assert shown - saved < BOUND
    print(
        f"\nedit: rebuilt {rebuilt - saved:.2f} s after the save ({line.strip()}); "
        f"shown {shown - rebuilt:.2f} s after the rebuild, {shown - saved:.2f} s after the save"
    )

    # A record with an error: the page is the located error, not what was built before.
    number = next(i for i, text in enumerate(good.splitlines(), 1) if text.startswith("adopted:"))
    edit(record, "adopted: 2007-08-29", "adopted: 2007-02-30")
    located = f"{record}:{number}:10: adopted: '2007-02-30' is not a real date"
    saved = time.monotonic()
    shown = _shown(chromium, lambda text: located in text, BOUND)
    assert "The coalition firmly calls on" not in chromium.execute_script(
        "return document.body.innerText"
    )
    print(f"error: shown {shown - saved:.2f} s after the save")

    # Fixed: the page comes back.
    edit(record, "adopted: 2007-02-30", "adopted: 2007-08-29")
    saved = time.monotonic()
    shown = _shown(
        chromium,
        lambda text: "The coalition firmly calls on" in text and "not a real date" not in text,
        BOUND,
    )
    print(f"fixed: shown {shown - saved:.2f} s after the save")

    # Ctrl-C stops it cleanly.
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    said.until(lambda line: line.strip() == "Stopped.", 5)
