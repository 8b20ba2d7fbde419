"""Warm per-document typesetting time, measured inside one long-lived process.

A build worker keeps its fonts and parsed stylesheets across documents, so
the cost of one more document is the layout and the PDF, not the start-up.
This module sets up a worker the way `pipeline.build.build_all` does, then
typesets each job repeatedly. Between repetitions it forgets the cached
summary layouts (`("fit", ...)` keys of `pipeline.build._WORKER`) so each
repetition really lays the document out again.

It runs as its own process (`python -m bench.warm`), one per font mode, so
that the two modes never share a fontconfig state and the orchestrating
process never imports WeasyPrint:

* subsets: the project's own font subsets through @font-face;
* default: plain system family names, WeasyPrint subsetting the system fonts
  (the 20-27 MB Noto CJK collections) itself on every PDF.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline import build


@dataclass
class Timings:
    """Seconds spent in the typesetter's layout and PDF steps during one job."""

    layout: float = 0.0
    layouts: int = 0
    pdf: float = 0.0

    def reset(self) -> None:
        self.layout, self.layouts, self.pdf = 0.0, 0, 0.0


@dataclass
class JobResult:
    kind: str
    lang: str
    statements: list[str]
    warmup_seconds: float
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    layout_seconds: list[float] = field(default_factory=list)
    pdf_seconds: list[float] = field(default_factory=list)
    layouts: list[int] = field(default_factory=list)
    bytes: int = 0
    pages: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(median_seconds=self.median,
                    median_layout_seconds=statistics.median(self.layout_seconds),
                    median_pdf_seconds=statistics.median(self.pdf_seconds))
        return data


def start_worker(records: Path, cache: Path, out: Path, subsets: bool) -> list[build.Job]:
    """Set this process up as a build worker would be, and return every job of the records."""
    from pipeline.i18n import select_languages
    from pipeline.instruments import Instruments
    from pipeline.validate import load_project

    paths = build.Paths(records=records, out=out, cache=cache)
    project = load_project([paths.records])
    languages = select_languages(paths.locales, "all")
    instruments = Instruments.load(paths.instruments)
    fonts = build.prepare_document_fonts(project, instruments, languages, paths, subsets=subsets)
    context = build._Context(paths, project, instruments, fonts, build.build_date())
    jobs = build.plan_jobs(context, languages, list(project.statements), None)
    build._start_worker(context)
    return [job for job in jobs if job.kind in ("summary", "pack")]


def instrument(timings: Timings) -> None:
    """Wrap the worker's typesetter so each job's time splits into layout and PDF writing."""
    typesetter = build._WORKER["typesetter"]

    def timed(method: Callable[..., Any], slot: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                setattr(timings, slot, getattr(timings, slot) + time.perf_counter() - start)
                if slot == "layout":
                    timings.layouts += 1
        return wrapper

    typesetter.layout = timed(typesetter.layout, "layout")
    typesetter.pdf_bytes = timed(typesetter.pdf_bytes, "pdf")


def forget_layouts() -> None:
    """Drop the cached summary layouts, keeping fonts, stylesheets and renderers warm."""
    for key in [k for k in build._WORKER if isinstance(k, tuple) and k[:1] == ("fit",)]:
        del build._WORKER[key]


def time_job(job: build.Job, runs: int, timings: Timings) -> JobResult:
    """Typeset `job` once to warm up, then `runs` more times from scratch; keep every timing."""
    forget_layouts()
    start = time.perf_counter()
    build._typeset(job)
    result = JobResult(job.kind, job.lang, list(job.statements), time.perf_counter() - start)
    for _ in range(runs):
        forget_layouts()
        gc.collect()  # a collection owed by the last run should not land in this one
        timings.reset()
        start, cpu = time.perf_counter(), time.process_time()
        typeset = build._typeset(job)
        result.seconds.append(time.perf_counter() - start)
        result.cpu_seconds.append(time.process_time() - cpu)
        result.layout_seconds.append(timings.layout)
        result.pdf_seconds.append(timings.pdf)
        result.layouts.append(timings.layouts)
        result.bytes, result.pages = len(typeset.data), typeset.pages
    return result


def profile_job(job: build.Job, top: int = 25) -> str:
    """Return cProfile's top functions (by cumulative time) for one warm run of `job`."""
    forget_layouts()
    profiler = cProfile.Profile()
    profiler.runcall(build._typeset, job)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
    return text.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="never written; named in errors")
    parser.add_argument("--fonts", choices=("subsets", "default"), default="subsets")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--report", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--profile", metavar="KIND:LANG[:STATEMENT]",
                        help="also profile one warm run of that job (summary:ja:ID, pack:ko)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    jobs = start_worker(args.records, args.cache, args.out, args.fonts == "subsets")
    setup = time.perf_counter() - started
    timings = Timings()
    instrument(timings)
    results = [time_job(job, args.runs, timings) for job in jobs]
    report: dict[str, Any] = {"fonts": args.fonts, "runs": args.runs, "setup_seconds": setup,
                              "jobs": [r.summary() for r in results]}
    if args.profile:
        kind, lang, *statement = args.profile.split(":")
        job = next(j for j in jobs if (j.kind, j.lang) == (kind, lang)
                   and (not statement or j.statements == (statement[0],)))
        report["profile"] = {"job": f"{kind} {lang} {', '.join(job.statements)}",
                             "text": profile_job(job)}
    args.report.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
