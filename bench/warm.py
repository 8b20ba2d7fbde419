"""Warm per-document typesetting time, measured inside one long-lived process.

A build worker keeps its fonts and parsed stylesheets across documents, so
the cost of one more document is the layout and the PDF, not the start-up.
This module plans a build and sets up a `pipeline.Worker` the way
`pipeline.build_all` does (the public API), then typesets each job
repeatedly. Between repetitions it forgets the densities the worker found
(`Worker.fits`), so each repetition really lays the document out again.

The build also remembers on disk, under the cache's `fit/` folder, which
density made each summary fit on one page, so a rebuild lays a summary out
once instead of trying each density in turn. That memo is kept between the
repetitions (a rebuild with unchanged summaries, or `--force`); with
`--fresh-fits` each summary is also timed with the memo removed, which is
what a summary whose statement was just edited costs.

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
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline import BuildRequest, Job, Made, Paths, plan_build
from pipeline import Worker as BuildWorker
from pipeline.typeset.exporter import PdfExporter


@dataclass
class Timings:
    """Seconds spent in the typesetter's layout and PDF steps during one job."""

    layout: float = 0.0
    layouts: int = 0
    pdf: float = 0.0

    def reset(self) -> None:
        self.layout, self.layouts, self.pdf = 0.0, 0, 0.0


@dataclass
class Runs:
    """Repeated typesetting of one job under one protocol."""

    seconds: list[float] = field(default_factory=list)
    layout_seconds: list[float] = field(default_factory=list)
    pdf_seconds: list[float] = field(default_factory=list)
    layouts: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        if not self.seconds:
            return {}
        return {
            **asdict(self),
            "median_seconds": statistics.median(self.seconds),
            "median_layout_seconds": statistics.median(self.layout_seconds),
            "median_pdf_seconds": statistics.median(self.pdf_seconds),
            "median_layouts": statistics.median(self.layouts),
        }


@dataclass
class JobResult:
    kind: str
    lang: str
    statements: list[str]
    warmup_seconds: float
    warm: Runs = field(default_factory=Runs)
    fresh: Runs = field(default_factory=Runs)
    bytes: int = 0
    pages: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "lang": self.lang,
            "statements": self.statements,
            "warmup_seconds": self.warmup_seconds,
            "bytes": self.bytes,
            "pages": self.pages,
            **self.warm.summary(),
            "fresh_fit": self.fresh.summary(),
        }


class Worker:
    """This process, set up as a build worker, with its typesetter's steps timed."""

    def __init__(self, records: Path, cache: Path, out: Path, subsets: bool) -> None:
        paths = Paths(records=records, out=out, cache=cache)
        plan = plan_build(paths, BuildRequest(subsets=subsets))
        self.jobs = [job for job in plan.jobs if job.kind.name in ("summary", "pack")]
        self.memo = cache / "fit"
        self.timings = Timings()
        self.worker = BuildWorker(plan.context)
        pdf = self.worker.exporter("pdf")
        assert isinstance(pdf, PdfExporter)
        self.pdf = pdf
        self._instrument()

    def _instrument(self) -> None:
        """Wrap the typesetter so each job's time splits into layout and PDF writing."""
        typesetter: Any = self.pdf.typesetter
        timings = self.timings

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

    def forget_layouts(self, memo: bool = False) -> None:
        """Forget the densities found in this process (and with `memo`, those in the cache).

        Fonts, stylesheets and renderers stay warm either way.
        """
        self.pdf.fits.clear()
        if memo:
            shutil.rmtree(self.memo, ignore_errors=True)

    def typeset(self, job: Job, into: Runs, memo: bool) -> Made:
        self.forget_layouts(memo)
        gc.collect()  # a collection owed by the last run should not land in this one
        self.timings.reset()
        start = time.perf_counter()
        result = self.worker.make(job)
        into.seconds.append(time.perf_counter() - start)
        into.layout_seconds.append(self.timings.layout)
        into.pdf_seconds.append(self.timings.pdf)
        into.layouts.append(self.timings.layouts)
        return result

    def time_job(self, job: Job, runs: int, fresh: bool) -> JobResult:
        """Made `job` once to warm up, then `runs` more times; with `fresh` (summaries
        only) `runs` more times without the density memo."""
        self.forget_layouts()
        start = time.perf_counter()
        self.worker.make(job)
        result = JobResult(
            job.kind.name, job.lang, list(job.statements), time.perf_counter() - start
        )
        for _ in range(runs):
            typeset = self.typeset(job, result.warm, memo=False)
            result.bytes, result.pages = len(typeset.data), typeset.pages or 0
        if fresh and job.kind.name == "summary":
            for _ in range(runs):
                self.typeset(job, result.fresh, memo=True)
        return result

    def profile(self, job: Job, memo: bool, top: int = 30) -> str:
        """Return cProfile's top functions (by cumulative time) for one warm run of `job`."""
        self.forget_layouts(memo)
        profiler = cProfile.Profile()
        profiler.runcall(self.worker.make, job)
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
        return text.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="never written; named in errors")
    parser.add_argument("--fonts", choices=("subsets", "default"), default="subsets")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--fresh-fits",
        action="store_true",
        help="also time each summary without the remembered density",
    )
    parser.add_argument("--report", type=Path, required=True, help="JSON file to write")
    parser.add_argument(
        "--profile",
        metavar="KIND:LANG[:STATEMENT]",
        help="also profile one warm run of that job (summary:ja:ID, pack:ko)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    worker = Worker(args.records, args.cache, args.out, args.fonts == "subsets")
    setup = time.perf_counter() - started
    results = [worker.time_job(job, args.runs, args.fresh_fits) for job in worker.jobs]
    report: dict[str, Any] = {
        "fonts": args.fonts,
        "runs": args.runs,
        "setup_seconds": setup,
        "jobs": [r.summary() for r in results],
    }
    if args.profile:
        kind, lang, *statement = args.profile.split(":")
        job = next(
            j
            for j in worker.jobs
            if (j.kind, j.lang) == (kind, lang)
            and (not statement or j.statements == (statement[0],))
        )
        report["profile"] = {
            "job": f"{kind} {lang} {', '.join(job.statements)}",
            "warm": worker.profile(job, memo=False),
            "fresh_fit": worker.profile(job, memo=True),
        }
        print(report["profile"]["warm"])
    args.report.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
