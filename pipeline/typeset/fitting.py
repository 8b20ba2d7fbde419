"""Fitting: a summary on exactly one page, and each summary of a pack on one page.

A summary is laid out at density 0 (the loosest) and tightened step by step
(`.density-N` in summary.css, the one place the steps are defined) until it
fits. The density that fits is remembered in the cache under the hash of
everything the summary is made from; it is only a hint, checked by a layout,
so a wrong or tampered one can cost time but never change a PDF.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.cache import Fit, code_hash, digest, hash_files
from pipeline.errors import BuildError
from pipeline.plan.kinds import SUMMARY, Kind, Spec
from pipeline.render.templates import template_files
from pipeline.typeset.memory import collect_paused
from pipeline.version import __version__

if TYPE_CHECKING:
    from pipeline.cache import Cache
    from pipeline.plan.documents import Context
    from pipeline.plan.planner import PackView, Planner
    from pipeline.render.renderer import Renderer
    from pipeline.typeset.pdf import Layout, Typesetter


class Worker(Protocol):
    """What fitting uses: the PDF exporter's typesetter and fits, and the plan's tools."""

    typesetter: Typesetter
    fits: dict[tuple[str, str, str, str], int]  # (statement, lang, paper, kind) → density

    @property
    def context(self) -> Context: ...

    @property
    def cache(self) -> Cache: ...

    def tools(self, lang: str) -> tuple[Planner, Renderer]: ...


# Body text of a summary (its overview, asks and commitments) is never set
# smaller, whatever density fits: a summary that does not fit at this size is
# made to fit by leading and spacing, or is an error. Labels, table headers,
# marks and the source line at the foot are not body text.
FLOOR_PT = 8
NOT_BODY = frozenset({"th", "sup", "code", "kicker", "summary-foot"})


def _legible(layout: Layout, what: str, density: int) -> Layout:
    """Return `layout`, or fail if its body text is under the floor."""
    from pipeline.typeset.pdf import small_text

    small = small_text(layout, FLOOR_PT, "summary", NOT_BODY)
    if small:
        raise BuildError(
            f"{what}: density {density} sets body text under {FLOOR_PT}pt ({small[0]}); "
            f"every .density-N step of summary.css must keep it at {FLOOR_PT}pt or more"
        )
    return layout


@functools.cache
def densities(stylesheet: Path) -> int:
    """Return how many densities summary.css defines: `.density-1` … `.density-N`, and 0."""
    try:
        text = stylesheet.read_text(encoding="utf-8")
    except OSError:
        raise BuildError(f"missing stylesheet {stylesheet}") from None
    steps = {int(n) for n in re.findall(r"\.density-(\d+)\b", text)}
    return max(steps, default=0) + 1


def fit_summary(
    worker: Worker,
    statement_id: str,
    lang: str,
    paper: str,
    need_layout: bool = True,
    pack: Kind | None = None,
) -> tuple[Layout | None, int]:
    """Lay out a statement's summary on one page, tightening it as needed.

    With `pack`, the summary is fitted where that pack puts it: on its own page
    under the statement's chapter title, laid out with the pack's styles (the
    chapter alone, as pack.html draws it). The pack then lays itself out once;
    fitted alone, a summary could spill under the title and cost the whole
    pack a second layout (a US Letter pack always did).

    Without `need_layout` (a pack asking only for the density) a density found
    before in this process, or a remembered one that the next looser step
    confirms, is returned without laying the summary out at it.
    """
    context = worker.context
    kind = pack or SUMMARY
    sheets = context.sheets(kind, lang, paper)
    steps = densities(context.paths.templates / "summary.css")
    place = (statement_id, lang, paper, kind.name)
    known = worker.fits.get(place)  # the density only: layouts are big
    if known is not None and not need_layout:
        return None, known
    planner, renderer = worker.tools(lang)
    statement = context.project.statements[statement_id]
    where = " under its chapter title" if pack else ""
    what = f"the {lang} summary of {statement_id}{where}"
    lead = 1 if pack else 0  # pack.html's chapters alone start on the second page
    pages = lead + 1

    def render(density: int) -> str:
        collect_paused()  # each layout tried frees the ones before it
        if pack is None:
            return renderer.summary(planner.summary(statement, density))
        chapter = planner.pack({statement_id: density}, [statement_id], summaries=[statement_id])
        return renderer.pack(chapter, chapter_only=True)

    def lay_out(density: int) -> Layout:
        return worker.typesetter.layout(render(density), what, sheets)

    key = _fit_key(worker, statement_id, lang, kind, sheets)
    if known is None:  # from the cache: a hint, used only if no looser density fits
        remembered = worker.cache.recall("fit", key, Fit)
        hint = remembered.density if remembered is not None else steps
        if hint < steps and (hint == 0 or lay_out(hint - 1).pages > pages):
            if not need_layout:  # one step looser does not fit; the pack checks this one
                worker.fits[place] = hint
                return None, hint
            laid_out = lay_out(hint)
            if laid_out.pages == pages:
                worker.fits[place] = hint
                return _legible(laid_out, what, hint), hint
    else:  # found in this process: no looser density fits; this one is checked here
        laid_out = lay_out(known)
        if laid_out.pages == pages:
            return _legible(laid_out, what, known), known
    laid_out, density = worker.typesetter.fit_one_page(render, steps, what, sheets, lead)
    worker.fits[place] = density
    worker.cache.remember("fit", Fit(key=key, density=density))
    return _legible(laid_out, what, density), density


def fit_pack(worker: Worker, spec: Spec, kind: Kind, what: str) -> Layout:
    """Lay out a pack whose every summary fills exactly one page under its chapter title."""
    planner, renderer = worker.tools(spec.lang)
    steps = densities(worker.context.paths.templates / "summary.css")
    found = {
        s: fit_summary(worker, s, spec.lang, spec.paper, need_layout=False, pack=kind)[1]
        for s in spec.statements
    }
    while True:  # fitted under their chapter titles, the summaries should not spill; if one does
        pack = planner.pack(found, list(spec.statements), summaries=spec.summaries)
        layout = worker.typesetter.layout(
            renderer.pack(pack),
            what,
            worker.context.sheets(kind, spec.lang, spec.paper),
        )
        spilled = spilled_summaries(
            layout, [s.anchor for s in pack.statements], _after_summaries(pack)
        )
        if not spilled:
            return layout
        del layout  # freed before the next layout, not kept beside it
        collect_paused()
        for anchor in spilled:
            statement_id = next(s.id for s in pack.statements if s.anchor == anchor)
            found[statement_id] += 1
            if found[statement_id] >= steps:
                raise BuildError(
                    f"{what}: the summary of {statement_id} does not fit on "
                    "one page under its chapter title"
                )


AFTER_STATEMENTS = "asks"  # the anchor of the pack's first chapter after the statements


def _after_summaries(pack: PackView) -> dict[str, str]:
    """Return, for each statement shown as its summary only, the anchor that follows it.

    Its full text, whose anchor marks the page after a summary, is not in the
    pack: the next statement's chapter, or the first one after the statements, is.
    """
    anchors = [s.anchor for s in pack.statements]
    return {
        s.anchor: (anchors[i + 1] if i + 1 < len(anchors) else AFTER_STATEMENTS)
        for i, s in enumerate(pack.statements)
        if s.id in pack.summary_only
    }


def spilled_summaries(
    layout: Layout, anchors: list[str], after: dict[str, str] | None = None
) -> list[str]:
    """Return the statement anchors whose summary does not fill exactly one page.

    A summary is followed by its full text, or by the anchor `after` names.
    """
    pages = layout.anchor_pages()
    spilled = []
    for anchor in anchors:
        start = pages.get(f"{anchor}-summary")
        end = pages.get((after or {}).get(anchor, f"{anchor}-text"))
        if start is None or end is None or end - start != 1:
            spilled.append(anchor)
    return spilled


def _fit_key(worker: Worker, statement_id: str, lang: str, kind: Kind, sheets: list[Path]) -> str:
    """Hash everything a summary's layout depends on, alone or in a kind of pack."""
    context = worker.context
    files = [
        *context.project.record_files([statement_id, "vocabulary", "coalition"], lang),
        *context.project.source_files(),
    ]
    templates = template_files(context.paths.templates, kind.template)
    catalog = context.paths.locales / lang / "LC_MESSAGES" / "messages.po"
    return digest(
        __version__,
        code_hash(),
        lang,
        statement_id,
        kind.name,
        context.today.isoformat(),
        hash_files([*files, *templates, *sheets, catalog]),
    )
