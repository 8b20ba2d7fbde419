"""Typesetting processes: each keeps its fonts, parsed stylesheets and planners.

`run` typesets jobs in this process or in forked workers (`--jobs`). A
`Worker` holds one process's state; the forked workers inherit the parent's,
warmed before the fork, so fonts are loaded and stylesheets parsed once.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.cache import Cache
from pipeline.errors import BuildError
from pipeline.files import read_nofollow
from pipeline.jobs import Context, Job
from pipeline.kinds import SUMMARY
from pipeline.manifest import Manifest

if TYPE_CHECKING:
    from pipeline.pdf import Typesetter
    from pipeline.plan import Planner
    from pipeline.render import Renderer


@dataclass(frozen=True)
class Typeset:
    """One document typeset and checked: its PDF, its pages, how long it took."""

    job: Job
    data: bytes
    pages: int
    seconds: float = 0.0


class Worker:
    """One process's typesetting state, reused for every document it makes."""

    def __init__(self, context: Context) -> None:
        from pipeline.pdf import Typesetter

        self.context = context
        self.cache = Cache(context.paths.cache)
        self.typesetter: Typesetter = Typesetter(
            context.paths.templates, [context.paths.cache / "fonts"]
        )
        self.fits: dict[tuple[str, str, str], int] = {}  # (statement, lang, paper) → density
        self._tools: dict[str, tuple[Planner, Renderer]] = {}

    def tools(self, lang: str) -> tuple[Planner, Renderer]:
        """The planner and renderer of a language, made once per process."""
        if lang not in self._tools:
            from pipeline.i18n import available_languages
            from pipeline.plan import Planner
            from pipeline.render import Renderer

            context = self.context
            language = available_languages(context.paths.locales)[lang]
            self._tools[lang] = (
                Planner(context.project, language, context.instruments),
                Renderer(
                    context.paths.templates,
                    language,
                    context.instruments,
                    context.project.coalition,
                    context.today,
                    context.project.translations,
                    context.project.sources,
                    draft=lang in context.drafts,
                ),
            )
        return self._tools[lang]

    def warm(self, jobs: list[Job]) -> None:
        """Parse every stylesheet and make every language's tools the jobs will use."""
        for job in jobs:
            self.tools(job.lang)
            for kind in {SUMMARY, job.kind}:
                self.typesetter.stylesheets(
                    self.context.sheets(kind, job.lang, job.spec.paper),
                    f"the {job.lang} {kind.name} styles",
                )

    def typeset(self, job: Job) -> Typeset:
        """Lay out, write and check one document."""
        from pipeline.pdf import RefusedResource, check_overflow, check_pdf

        start = time.perf_counter()
        with _one_collection():
            what = job.kind.describe(job.spec)
            layout = job.kind.lay_out(self, job.spec, what)
            check_overflow(layout, what)
            try:
                data = self.typesetter.pdf_bytes(layout, what, job.sources, self.context.today)
            except RefusedResource as error:  # an attachment the template asks for, say
                raise BuildError(f"{what}: {error}") from None
            if job.base is None:  # a joined document is checked once joined
                check_pdf(
                    data,
                    layout.pages,
                    str(self.context.paths.out / job.path),
                    subsets=self.context.subsets,
                )
        return Typeset(job, data, layout.pages, time.perf_counter() - start)


@contextlib.contextmanager
def _one_collection() -> Iterator[None]:
    """Collect cycles once per document, not hundreds of times while it is laid out.

    WeasyPrint makes millions of short-lived objects (a pack leaves about 100,000
    in cycles), and each automatic pass of the collector also walks the fonts,
    stylesheets and records kept for the next document: about a quarter of a
    pack's time. What survives the collection after a document is what the
    process keeps, so it is frozen out of every later pass.
    """
    if not gc.isenabled():  # paused already, by a caller
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()
        gc.freeze()


_PROCESS_WORKER: Worker | None = None  # the worker a forked process inherits


def _typeset_here(job: Job) -> Typeset:
    assert _PROCESS_WORKER is not None, "a pool process runs only after run() set its worker"
    return _PROCESS_WORKER.typeset(job)


def run(
    context: Context, jobs: list[Job], jobs_at_once: int, finished: Callable[[Typeset, int], None]
) -> list[Typeset]:
    """Typeset the jobs, in worker processes when asked; report errors in job order.

    `finished` hears of each document (and how many are done) as soon as it is made.
    """
    global _PROCESS_WORKER
    done: list[Typeset] = []

    def report(result: Typeset) -> Typeset:
        done.append(result)
        finished(result, len(done))
        return result

    workers = max(1, min(jobs_at_once, len(jobs)))
    worker = Worker(context)
    if workers == 1:
        try:
            return [report(worker.typeset(job)) for job in jobs]
        finally:
            del worker  # free fonts and layouts now, not at interpreter exit
            gc.unfreeze()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    worker.warm(jobs)  # load fonts and parse stylesheets once; the forked workers inherit them
    _PROCESS_WORKER = worker
    gc.collect()
    gc.freeze()  # the workers' collector never walks (and so never copies) what they inherit
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            futures = [pool.submit(_typeset_here, job) for job in _longest_first(jobs)]
            outcomes: dict[Path, Typeset] = {}
            failure: BuildError | None = None
            for future in as_completed(futures):
                try:
                    result = report(future.result())
                    outcomes[result.job.path] = result
                except BuildError as error:
                    failure = failure or error
    finally:
        _PROCESS_WORKER = None
        gc.unfreeze()
    for job in jobs:  # the first failing job, as a serial build would report it
        if job.path not in outcomes:
            assert failure is not None
            raise failure
    return [outcomes[job.path] for job in jobs]


def join_to_bases(context: Context, results: list[Typeset], manifest: Manifest) -> list[Typeset]:
    """Put each joined document's own pages in front of the document typeset behind it.

    The document behind was typeset in this build, or is up to date in the
    output folder (the manifest says so, by its hash); either way it is
    typeset once however many documents are joined to it.
    """
    from pipeline.join import join_documents
    from pipeline.pdf import check_pdf

    made = {result.job.path: result for result in results}
    joined = []
    for result in results:
        job = result.job
        if job.base is None:
            joined.append(result)
            continue
        start = time.perf_counter()
        behind = made.get(job.base)
        if behind is not None:
            data, pages = behind.data, behind.pages
        else:
            entry = manifest.entries.get(str(job.base))
            if entry is None or not manifest.is_current(job.base, entry.inputs):
                raise BuildError(f"{job.kind.describe(job.spec)}: {job.base} is not built")
            data, pages = read_nofollow(context.paths.out / job.base), entry.pages
        where = str(context.paths.out / job.path)
        whole = join_documents(result.data, data)
        check_pdf(whole, result.pages + pages, where, subsets=context.subsets)
        seconds = result.seconds + time.perf_counter() - start
        joined.append(Typeset(job, whole, result.pages + pages, seconds))
    return joined


def _longest_first(jobs: list[Job]) -> list[Job]:
    """Packs first, largest first, then the summaries, which fill in at the end.

    Started last, the packs left one worker idle for a second while the other
    finished its pack. A pack whose summaries were never fitted fits them
    itself and remembers the densities, so their summary jobs lay out once.
    """
    return sorted(jobs, key=lambda j: (j.kind is SUMMARY, -len(j.statements), j.lang))
