"""The HTML exporter: the web edition of each language, from the plan the PDFs are made from.

Each page is a template of `templates/web/` over the language's planned pack
(the same views, and partials where they fit), so the two editions cannot
disagree. A page's links to anchors of other pages are pointed at those pages
(`web.links`); its stylesheet carries the language's own faces as WOFF2, cut to
the characters the PDFs' subsets hold; the PDFs are copied in beside the pages,
after they are built, so the site is whole in itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pipeline.errors import BuildError
from pipeline.files import read_nofollow
from pipeline.plan.kinds import PACK, SUMMARY, Content, Spec, countries
from pipeline.render.exporter import Exporter, Made
from pipeline.render.renderer import SiteLanguage, SitePage
from pipeline.web.fonts import font_css, woff2
from pipeline.web.links import anchors_of, localise

if TYPE_CHECKING:
    from pipeline.plan.documents import FontFace, Job


class HtmlExporter(Exporter):
    """Pages, a stylesheet and fonts that read on a phone and print on paper, with no script."""

    format = "html"

    def warm(self, jobs: list[Job]) -> None:
        """Plan each language's pack once, before worker processes fork."""
        for job in jobs:
            if job.kind.content == "site page":
                self.bench.planned_pack(job.lang, job.statements)

    def export(self, job: Job) -> Made:
        start = time.perf_counter()
        data = _MAKERS[job.kind.content](self, job)
        seconds = time.perf_counter() - start
        return Made(job, data, None, seconds, complete=job.base is None)

    def join(self, front: Made, behind: Made) -> Made:
        """A copy served with the site: the bytes of the document it is tied to."""
        return Made(front.job, behind.data, behind.pages, front.seconds)

    # --- what each content is made from ------------------------------------------

    def page(self, job: Job) -> bytes:
        spec = job.spec
        _, renderer = self.bench.tools(spec.lang)
        pack = self.bench.planned_pack(spec.lang, spec.statements)
        one = spec.statements[0] if job.kind.per_statement else ""
        site = SitePage(
            file=job.path.name,
            languages=self._languages(spec.site or (spec.lang,)),
            pack_pdf=PACK.output(Spec(spec.lang, ())).name,
            statement=one,
            country=spec.page,
            pdf_suffix=SUMMARY.output(Spec(spec.lang, ("",))).name,
            countries=tuple(countries(self.bench.context.project)),
        )
        html = renderer.site_page(job.kind.template, pack, site)
        return localise(html, job.path.name, anchors_of(pack)).encode()

    def style(self, job: Job) -> bytes:
        context = self.bench.context
        sheets = [read_nofollow(context.paths.templates / s) for s in job.kind.stylesheets]
        fonts = font_css(read_nofollow(context.fonts[job.lang]).decode(), self._faces(job))
        return fonts.encode() + b"".join(sheets)

    def font(self, job: Job) -> bytes:
        face = next((f for f in self._faces(job) if f.name == job.spec.page), None)
        if face is None:
            raise BuildError(f"{job.kind.describe(job.spec)}: no face {job.spec.page} in fonts")
        return woff2(self.bench.cache, face.file)

    def copy(self, job: Job) -> bytes:
        return b""  # joined: the bytes come from the document behind it

    def _faces(self, job: Job) -> tuple[FontFace, ...]:
        return tuple(self.bench.context.faces.get(job.lang, ()))

    def _languages(self, codes: tuple[str, ...]) -> tuple[SiteLanguage, ...]:
        from pipeline.i18n.languages import available_languages
        from pipeline.i18n.scripts import direction_of

        known = available_languages(self.bench.context.paths.locales)
        return tuple(
            SiteLanguage(code, known[code].name, direction_of(str(known[code].locale)))
            for code in codes
            if code in known
        )


_MAKERS: Mapping[Content, Callable[[HtmlExporter, Job], bytes]] = {
    "site page": HtmlExporter.page,
    "site style": HtmlExporter.style,
    "site font": HtmlExporter.font,
    "copy": HtmlExporter.copy,
}
