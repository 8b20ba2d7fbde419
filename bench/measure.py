"""Run commands and measure them as a user would see them: whole processes.

Every run records wall time (what a user waits for), the CPU time the
process and its waited-for children used (the work done: a `--jobs 2` build
that does more work than `--jobs 1` shows here), and its peak memory. `os.wait4` gives the
rusage of exactly the process waited for (with its own waited-for workers),
unlike RUSAGE_CHILDREN, which mixes in every earlier child of this process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BRIEFING = REPO / ".venv" / "bin" / "briefing"
# What `briefing` reads besides the records' own folder; `bench` for bench.warm and bench.probe,
# `examples` for the scale corpus's recipients.
SNAPSHOT = (
    "pipeline",
    "templates",
    "locales",
    "instruments",
    "statements",
    "sources",
    "bench",
    "examples",
)


@dataclass
class Run:
    """One finished process: how long it took, what it cost, what it said."""

    command: list[str]
    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    peak_tree_rss_mb: float | None = None
    peak_tree_pss_mb: float | None = None

    def check(self) -> Run:
        """Stop the section with the command's own message if it failed."""
        if self.returncode != 0:
            tail = "\n".join((self.stderr or self.stdout).strip().splitlines()[-15:])
            raise RuntimeError(f"{' '.join(self.command)} exited {self.returncode}:\n{tail}")
        return self

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("stdout", "stderr"):
            data.pop(name)
        return data


def briefing_command() -> list[str]:
    """The installed `briefing` script, or the module when the venv has no script."""
    return [str(BRIEFING)] if BRIEFING.exists() else [sys.executable, "-m", "pipeline"]


def environment(code: Path, cache: Path | None = None) -> dict[str, str]:
    """The environment of a measured command: the code under test, its own font cache.

    PYTHONPATH puts `code` (a snapshot of the project) before the editable
    install of the working tree, so edits made while the benchmark runs do not
    change what it measures. CI=1 turns the progress bar into plain lines.
    """
    env = dict(os.environ, CI="1", NO_COLOR="1", PYTHONPATH=str(code))
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("BRIEFING_CACHE", None)
    if cache is not None:
        env["BRIEFING_CACHE"] = str(cache)
    return env


def snapshot(target: Path) -> Path:
    """Copy the code, assets and records a build uses into `target`, and return it."""
    for folder in SNAPSHOT:
        shutil.copytree(
            REPO / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    return target


def fingerprint(root: Path) -> str:
    """Hash what a build is made from, to notice an edit landing in the middle of a run."""
    digest = hashlib.sha256()
    for folder in SNAPSHOT:
        for path in sorted((root / folder).rglob("*")):
            if (
                path.is_file()
                and "__pycache__" not in path.parts
                and path.suffix not in (".pyc", ".mo")
            ):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run(
    command: Sequence[str],
    env: dict[str, str] | None = None,
    cwd: Path = REPO,
    sample_memory: bool = False,
) -> Run:
    """Run `command` to completion and measure it; output goes to files, so no pipe can stall."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sampler = None
        start = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, env=env, cwd=cwd)
        if sample_memory:
            sampler = _TreeSampler(process.pid)
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if sampler is not None:
            sampler.stop()
        out.seek(0)
        err.seek(0)
        return Run(
            list(command),
            seconds,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
            process.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            sampler.peak_rss_mb if sampler else None,
            sampler.peak_pss_mb if sampler else None,
        )


def built_files(output: str, out: Path) -> tuple[list[str], list[str]]:
    """Split the build's table into files (re)built and files it left as up to date."""
    built: list[str] = []
    skipped: list[str] = []
    for line in output.splitlines():
        if not line.startswith(str(out)):
            continue
        name = Path(line.split()[0]).relative_to(out).as_posix()
        (skipped if line.rstrip().endswith("up to date") else built).append(name)
    return built, skipped


class _TreeSampler(threading.Thread):
    """Sample the memory of a process and all its descendants (build workers) a few times a second.

    ru_maxrss is the largest single process; a `--jobs 2` build holds a parent
    and two workers at once, so the machine needs their sum. PSS shares out
    the pages forked workers still have in common, so its sum is not inflated.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            rss = pss = 0
            for pid in _descendants(self.pid):
                found = _rollup(pid)
                rss += found.get("Rss", 0)
                pss += found.get("Pss", 0)
            self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _descendants(root: int) -> list[int]:
    """Return `root` and every live process below it, from /proc/*/stat."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending += [child for child, parent in parents.items() if parent == pid]
    return found


def _rollup(pid: int) -> dict[str, int]:
    """Return the kB figures of /proc/PID/smaps_rollup (Rss, Pss...); {} once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            values[name] = int(parts[0])
    return values


@dataclass
class Series:
    """Repeated runs of one command: medians are what the report compares with targets."""

    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def median_cpu(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    def summary(self) -> dict[str, Any]:
        return {
            "median_seconds": self.median,
            "median_cpu_seconds": self.median_cpu,
            "seconds": [r.seconds for r in self.runs],
            "cpu_seconds": [r.cpu_seconds for r in self.runs],
            "max_rss_mb": max(r.max_rss_mb for r in self.runs),
        }


def repeat(count: int, command: Sequence[str], env: dict[str, str], cwd: Path) -> Series:
    return Series([run(command, env, cwd).check() for _ in range(count)])


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load: above ~0.5 on this 2-core machine, timings are shared."""
    return [round(x, 2) for x in os.getloadavg()]


def machine_info() -> dict[str, Any]:
    """Enough to compare two reports: the machine, the software, the code and when."""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_mb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "weasyprint": _version("weasyprint"),
        "fonttools": _version("fonttools"),
        "pydyf": _version("pydyf"),
        "git": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--", "pipeline", "templates")),
        "load_average": load_average(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


_SPIN = (
    "import time\nt = time.perf_counter()\nx = 0\nfor i in range({n}): x += i\n"
    "print(time.perf_counter() - t)"
)


def parallel_capacity(iterations: int = 15_000_000) -> dict[str, float]:
    """How much faster two CPU-bound processes finish than one after the other, right now.

    This is the ceiling for `--jobs 2`: a shared or throttled VM, or another
    job on the machine, gives less than 2 whatever the build does. It is itself
    a sample of a noisy neighbourhood, so read it as a rough figure.
    """
    code = _SPIN.format(n=iterations)

    def spin(count: int) -> list[float]:
        processes = [
            subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
            for _ in range(count)
        ]
        return [float(p.communicate()[0]) for p in processes]

    alone = statistics.median(spin(1) + spin(1) + spin(1))
    together = max(spin(2))
    return {
        "one_process_seconds": alone,
        "two_processes_seconds": together,
        "speedup_ceiling": 2 * alone / together,
    }
