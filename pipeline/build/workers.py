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
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.build.jobs import Context, Job
from pipeline.build.kinds import SUMMARY
from pipeline.cache import Cache
from pipeline.errors import BuildError

if TYPE_CHECKING:
    from pipeline.plan.planner import PackView, Planner
    from pipeline.render.renderer import Renderer
    from pipeline.typeset.pdf import Typesetter


@dataclass(frozen=True)
class Typeset:
    """One document typeset and checked: its PDF, its pages, how long it took."""

    job: Job
    data: bytes
    pages: int
    seconds: float = 0.0
    complete: bool = True  # False for a document's own pages, before they are joined


class Worker:
    """One process's typesetting state, reused for every document it makes."""

    def __init__(self, context: Context) -> None:
        from pipeline.typeset.pdf import Typesetter

        self.context = context
        self.cache = Cache(context.paths.cache)
        self.typesetter: Typesetter = Typesetter(
            context.paths.templates, [context.paths.cache / "fonts"]
        )
        # (statement, lang, paper, the kind it is fitted in) → density
        self.fits: dict[tuple[str, str, str, str], int] = {}
        self._tools: dict[str, tuple[Planner, Renderer]] = {}
        self._packs: dict[tuple[str, tuple[str, ...]], PackView] = {}

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
                Renderer(context.paths.templates, language, context.today, lang in context.drafts),
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

    def warm(self, jobs: list[Job]) -> None:
        """Parse every stylesheet and make every language's tools the jobs will use."""
        for job in jobs:
            self.tools(job.lang)
            if job.recipient is not None:  # planned here once, inherited by every worker
                self.planned_pack(job.lang, job.statements)
            for kind in {SUMMARY, job.kind}:
                self.typesetter.stylesheets(
                    self.context.sheets(kind, job.lang, job.spec.paper),
                    f"the {job.lang} {kind.name} styles",
                )

    def typeset(self, job: Job) -> Typeset:
        """Lay out, write and check one document."""
        from pipeline.typeset.pdf import RefusedResource, check_overflow, check_pdf

        start = time.perf_counter()
        with _one_collection():
            what = job.kind.describe(job.spec)
            layout = job.kind.lay_out(self, job.spec, what)
            check_overflow(layout, what)
            collect_paused()  # the layout's own garbage, before the PDF is written
            try:
                data = self.typesetter.pdf_bytes(layout, what, job.sources, self.context.today)
            except RefusedResource as error:  # an attachment the template asks for, say
                raise BuildError(f"{what}: {error}") from None
            check_pdf(  # a document's own pages are checked before they are joined too
                data,
                layout.pages,
                str(self.context.paths.out / job.path),
                subsets=self.context.subsets,
            )
        seconds = time.perf_counter() - start
        return Typeset(job, data, layout.pages, seconds, complete=job.base is None)


def collect_paused() -> None:
    """Free what the document's work so far left in cycles, if `_one_collection` paused it.

    Collected once at the end, a pack's discarded layouts (fitting its
    summaries, say) and its layout's own garbage pile up: 250 MB more at the
    peak of a 120-page pack. A collection here walks only what was made since
    the document began (the rest is frozen), so it costs about what the end's would.
    """
    if not gc.isenabled():
        gc.collect()


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
    context: Context,
    jobs: list[Job],
    jobs_at_once: int,
    finished: Callable[[Typeset, int], None],
    behind: Callable[[Path], Typeset],
) -> list[Typeset]:
    """Typeset the jobs, in worker processes when asked; report errors in job order.

    Two rounds: every document is typeset (a joined one, only its own pages);
    then each joined document is put in front of the one behind it, typeset in
    the first round or, up to date, found by `behind`. `finished` hears of each
    document (and how many are done) as soon as it is complete; the documents
    returned keep their bytes only if another is joined to them.
    """
    global _PROCESS_WORKER
    done = 0
    needed = {job.base for job in jobs if job.base is not None}

    def report(result: Typeset) -> Typeset:
        """Hand a complete document on, then keep its bytes only if another is joined to it."""
        nonlocal done
        if not result.complete:
            return result
        done += 1
        finished(result, done)
        return result if result.job.path in needed else replace(result, data=b"")

    def base(made: dict[Path, Typeset], job: Job) -> Typeset:
        assert job.base is not None
        return made.get(job.base) or behind(job.base)

    joined = [job for job in jobs if job.base is not None]
    workers = max(1, min(jobs_at_once, len(jobs)))
    worker = Worker(context)
    if workers == 1:
        try:
            made = {job.path: report(worker.typeset(job)) for job in jobs}
        finally:
            del worker  # free fonts and layouts now, not at interpreter exit
            gc.unfreeze()
        made.update({j.path: report(_join(made[j.path], base(made, j), context)) for j in joined})
        return [made[job.path] for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    worker.warm(jobs)  # load fonts and parse stylesheets once; the forked workers inherit them
    _PROCESS_WORKER = worker
    gc.collect()
    gc.freeze()  # the workers' collector never walks (and so never copies) what they inherit
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            typesetting = {
                job.path: pool.submit(_typeset_here, job) for job in _longest_first(jobs)
            }
            made = _collect(jobs, typesetting, report)
            joining = {j.path: pool.submit(_join_here, made[j.path], base(made, j)) for j in joined}
            made.update(_collect(joined, joining, report))
    finally:
        _PROCESS_WORKER = None
        gc.unfreeze()
    return [made[job.path] for job in jobs]


def _join_here(front: Typeset, behind: Typeset) -> Typeset:
    assert _PROCESS_WORKER is not None, "a pool process runs only after run() set its worker"
    return _join(front, behind, _PROCESS_WORKER.context)


def _collect(
    jobs: list[Job], futures: dict[Path, Future[Typeset]], report: Callable[[Typeset], Typeset]
) -> dict[Path, Typeset]:
    """Wait for every future; raise the first failure in job order, as a serial build would."""
    from concurrent.futures import as_completed

    outcomes: dict[Path, Typeset] = {}
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


def _join(front: Typeset, behind: Typeset, context: Context) -> Typeset:
    """Put a document's own pages in front of the document behind it, and check the join.

    Both parts were checked alone; the joined file is the one behind it, as it
    was, with an update appended, and `check_joined` reads that update back
    (not the whole file again, which costs three times the join).
    """
    from pipeline.typeset.join import check_joined, join_documents

    start = time.perf_counter()
    job = front.job
    whole = join_documents(front.data, behind.data)
    pages = front.pages + behind.pages
    check_joined(whole, behind.data, pages, str(context.paths.out / job.path))
    return Typeset(job, whole, pages, front.seconds + time.perf_counter() - start)


def _longest_first(jobs: list[Job]) -> list[Job]:
    """Packs first, largest first, then the summaries, which fill in at the end.

    Started last, the packs left one worker idle for a second while the other
    finished its pack. A pack whose summaries were never fitted fits them
    itself and remembers the densities, so their summary jobs lay out once.
    """
    return sorted(jobs, key=lambda j: (j.kind is SUMMARY, -len(j.statements), j.lang))
