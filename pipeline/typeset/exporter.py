"""The PDF exporter: lay a document out as its kind fits, write it, check it, join it.

The only exporter that reaches WeasyPrint (through `typeset.pdf`). A worker
process keeps one, with its fonts, parsed stylesheets and fitted densities, for
every PDF it makes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pipeline.errors import BuildError
from pipeline.plan.kinds import SUMMARY, Fitting, Kind, Spec
from pipeline.render.exporter import Exporter, Made, Workbench, content_html
from pipeline.typeset.fitting import fit_pack, fit_summary
from pipeline.typeset.memory import collect_paused, one_collection

if TYPE_CHECKING:
    from pipeline.cache import Cache
    from pipeline.plan.documents import Context, Job
    from pipeline.plan.planner import Planner
    from pipeline.render.renderer import Renderer
    from pipeline.typeset.pdf import Layout, Typesetter


class PdfExporter(Exporter):
    """PDF/A-3a and PDF/UA-1 documents, typeset by WeasyPrint."""

    format = "pdf"

    def __init__(self, bench: Workbench) -> None:
        from pipeline.typeset.pdf import Typesetter

        super().__init__(bench)
        context = bench.context
        self.typesetter: Typesetter = Typesetter(
            context.paths.templates, [context.paths.cache / "fonts"]
        )
        # (statement, lang, paper, the kind it is fitted in) → density
        self.fits: dict[tuple[str, str, str, str], int] = {}

    # What fitting reads of the workbench (typeset.fitting.FitWorker).
    @property
    def context(self) -> Context:
        return self.bench.context

    @property
    def cache(self) -> Cache:
        return self.bench.cache

    def tools(self, lang: str) -> tuple[Planner, Renderer]:
        return self.bench.tools(lang)

    def warm(self, jobs: list[Job]) -> None:
        """Parse every stylesheet the jobs will use."""
        for job in jobs:
            for kind in {SUMMARY, job.kind}:
                self.typesetter.stylesheets(
                    self.context.sheets(kind, job.lang, job.spec.paper),
                    f"the {job.lang} {kind.name} styles",
                )

    def export(self, job: Job) -> Made:
        """Lay out, write and check one document."""
        from pipeline.typeset.pdf import RefusedResource, check_overflow, check_pdf

        start = time.perf_counter()
        with one_collection():
            what = job.kind.describe(job.spec)
            layout = _LAYOUTS[job.kind.fitting](self, job.kind, job.spec, what)
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
        return Made(job, data, layout.pages, seconds, complete=job.base is None)

    def join(self, front: Made, behind: Made) -> Made:
        """Put a member's own pages in front of their pack, and check the join.

        Both parts were checked alone; the joined file is the one behind it, as it
        was, with an update appended, and `check_joined` reads that update back
        (not the whole file again, which costs three times the join).
        """
        from pipeline.typeset.join import join_documents
        from pipeline.typeset.join_check import check_joined

        start = time.perf_counter()
        job = front.job
        assert front.pages is not None and behind.pages is not None
        whole = join_documents(front.data, behind.data)
        pages = front.pages + behind.pages
        check_joined(whole, behind.data, pages, str(self.context.paths.out / job.path))
        return Made(job, whole, pages, front.seconds + time.perf_counter() - start)


def _one_page(pdf: PdfExporter, kind: Kind, spec: Spec, what: str) -> Layout:
    layout, _ = fit_summary(pdf, spec.statements[0], spec.lang, spec.paper)
    assert layout is not None
    return layout


def _chapters(pdf: PdfExporter, kind: Kind, spec: Spec, what: str) -> Layout:
    return fit_pack(pdf, spec, kind, what)


def _as_it_comes(pdf: PdfExporter, kind: Kind, spec: Spec, what: str) -> Layout:
    html = content_html(pdf.bench, spec, kind.content)
    return pdf.typesetter.layout(html, what, pdf.context.sheets(kind, spec.lang, spec.paper))


_LAYOUTS: Mapping[Fitting, Callable[[PdfExporter, Kind, Spec, str], Layout]] = {
    "one page": _one_page,
    "chapters": _chapters,
    "as it comes": _as_it_comes,
}
