"""Worker processes: each keeps the plan's tools and one exporter per format.

`run` makes jobs in this process or in forked workers (`--jobs`). A `Worker`
holds one process's state; the forked workers inherit the parent's, warmed
before the fork, so fonts are loaded and stylesheets parsed once. Which format
a document is in is its kind's declaration; `EXPORTERS` names the exporter of
each format, and nothing here knows more of any of them.
"""

from __future__ import annotations

import contextlib
import gc
import signal
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.cache import Cache
from pipeline.errors import BuildError
from pipeline.plan.documents import Context, Job
from pipeline.plan.kinds import SUMMARY
from pipeline.render.exporter import Exporter, Made, Workbench
from pipeline.typeset.exporter import PdfExporter
from pipeline.web.exporter import HtmlExporter

if TYPE_CHECKING:
    from pipeline.plan.planner import PackView, Planner
    from pipeline.render.renderer import Renderer

EXPORTERS: Mapping[str, Callable[[Workbench], Exporter]] = {
    PdfExporter.format: PdfExporter,
    HtmlExporter.format: HtmlExporter,
}


class Worker:
    """One process's state, reused for every document it makes: the plan's tools, the exporters."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self._cache = Cache(context.paths.cache)
        self._tools: dict[str, tuple[Planner, Renderer]] = {}
        self._packs: dict[tuple[str, tuple[str, ...]], PackView] = {}
        self._exporters: dict[str, Exporter] = {}

    @property
    def context(self) -> Context:
        return self._context

    @property
    def cache(self) -> Cache:
        return self._cache

    def tools(self, lang: str) -> tuple[Planner, Renderer]:
        """The planner and renderer of a language, made once per process."""
        if lang not in self._tools:
            from pipeline.i18n.languages import available_languages
            from pipeline.plan.planner import Planner
            from pipeline.render.renderer import Renderer

            context = self.context
            language = available_languages(context.paths.locales)[lang]
            self._tools[lang] = (
                Planner(context.project, language, context.instruments),
                Renderer(
                    context.paths.templates,
                    language,
                    context.today,
                    lang in context.drafts,
                    base_url=context.base_url,
                ),
            )
        return self._tools[lang]

    def planned_pack(self, lang: str, statements: tuple[str, ...]) -> PackView:
        """A language's pack of these statements, planned once per process.

        Every member's own pages in a language read the same planned pack; only
        their country's asks differ (`Planner.for_recipient`).
        """
        key = (lang, statements)
        if key not in self._packs:
            planner, _ = self.tools(lang)
            self._packs[key] = planner.pack(dict.fromkeys(statements, 0), list(statements))
        return self._packs[key]

    def exporter(self, format: str) -> Exporter:
        """The exporter of a format, made once per process."""
        if format not in self._exporters:
            self._exporters[format] = EXPORTERS[format](self)
        return self._exporters[format]

    def warm(self, jobs: list[Job]) -> None:
        """Make every language's tools and warm every exporter the jobs will use."""
        for job in jobs:
            self.tools(job.lang)
            if job.recipient is not None:  # planned here once, inherited by every worker
                self.planned_pack(job.lang, job.statements)
        for format in dict.fromkeys(job.kind.format for job in jobs):
            self.exporter(format).warm([job for job in jobs if job.kind.format == format])

    def make(self, job: Job) -> Made:
        """Make and check one document, with the exporter of its format."""
        return self.exporter(job.kind.format).export(job)


_PROCESS_WORKER: Worker | None = None  # the worker a forked process inherits


def _make_here(job: Job) -> Made:
    assert _PROCESS_WORKER is not None, "a pool process runs only after run() set its worker"
    return _PROCESS_WORKER.make(job)


def run(
    context: Context,
    jobs: list[Job],
    jobs_at_once: int,
    finished: Callable[[Made, int], None],
    behind: Callable[[Path], Made],
) -> list[Made]:
    """Made the jobs, in worker processes when asked; report errors in job order.

    Two rounds: every document is typeset (a joined one, only its own pages);
    then each joined document is put in front of the one behind it, typeset in
    the first round or, up to date, found by `behind`. `finished` hears of each
    document (and how many are done) as soon as it is complete; the documents
    returned keep their bytes only if another is joined to them.
    """
    global _PROCESS_WORKER
    done = 0
    needed = {job.base for job in jobs if job.base is not None}

    def report(result: Made) -> Made:
        """Hand a complete document on, then keep its bytes only if another is joined to it."""
        nonlocal done
        if not result.complete:
            return result
        done += 1
        finished(result, done)
        return result if result.job.path in needed else replace(result, data=b"")

    def base(made: dict[Path, Made], job: Job) -> Made:
        assert job.base is not None
        return made.get(job.base) or behind(job.base)

    joined = [job for job in jobs if job.base is not None]
    workers = max(1, min(jobs_at_once, len(jobs)))
    worker = Worker(context)
    if workers == 1:
        try:
            made = {job.path: report(worker.make(job)) for job in jobs}
            made.update(
                {j.path: report(_join(made[j.path], base(made, j), worker)) for j in joined}
            )
        finally:
            del worker  # free fonts and layouts now, not at interpreter exit
            gc.unfreeze()
        return [made[job.path] for job in jobs]
    import multiprocessing

    worker.warm(jobs)  # load fonts and parse stylesheets once; the forked workers inherit them
    _PROCESS_WORKER = worker
    gc.collect()
    gc.freeze()  # the workers' collector never walks (and so never copies) what they inherit
    try:
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_leave_interrupts_to_the_parent,
        )
        try:
            typesetting = {job.path: pool.submit(_make_here, job) for job in _longest_first(jobs)}
            made = _collect(jobs, typesetting, report)
            joining = {j.path: pool.submit(_join_here, made[j.path], base(made, j)) for j in joined}
            made.update(_collect(joined, joining, report))
        except BaseException:
            _stop(pool)  # Ctrl-C or a failed document: the others' work is not wanted
            raise
        pool.shutdown()
    finally:
        _PROCESS_WORKER = None
        gc.unfreeze()
    return [made[job.path] for job in jobs]


def _leave_interrupts_to_the_parent() -> None:
    """Ignore Ctrl-C in a pool process: the build stops its workers itself, without tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool's processes now, rather than wait for the documents they are making."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=2)
        if process.is_alive():
            with contextlib.suppress(OSError, ValueError):
                process.kill()


def _join_here(front: Made, behind: Made) -> Made:
    assert _PROCESS_WORKER is not None, "a pool process runs only after run() set its worker"
    return _join(front, behind, _PROCESS_WORKER)


def _collect(
    jobs: list[Job], futures: dict[Path, Future[Made]], report: Callable[[Made], Made]
) -> dict[Path, Made]:
    """Wait for every future; raise the first failure in job order, as a serial build would."""
    from concurrent.futures import as_completed

    outcomes: dict[Path, Made] = {}
    failures: dict[Path, BuildError] = {}
    paths = {id(future): path for path, future in futures.items()}
    for future in as_completed(futures.values()):
        try:
            outcomes[paths[id(future)]] = report(future.result())
        except BuildError as error:
            failures[paths[id(future)]] = error
    for job in jobs:
        if job.path in failures:
            raise failures[job.path]
    return outcomes


def _join(front: Made, behind: Made, worker: Worker) -> Made:
    return worker.exporter(front.job.kind.format).join(front, behind)


def _longest_first(jobs: list[Job]) -> list[Job]:
    """Packs first, largest first, then the summaries, which fill in at the end.

    Started last, the packs left one worker idle for a second while the other
    finished its pack. A pack whose summaries were never fitted fits them
    itself and remembers the densities, so their summary jobs lay out once.
    """
    return sorted(jobs, key=lambda j: (j.kind is SUMMARY, -len(j.statements), j.lang))
