"""Fitting: each summary on one page, alone and under its chapter title in a pack."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REPO, STATEMENTS, edit

from pipeline import BuildRequest, Paths, Worker, plan_build
from pipeline.plan.kinds import PACK
from pipeline.typeset.exporter import PdfExporter
from pipeline.typeset.fitting import FLOOR_PT, NOT_BODY, densities, fit_summary
from pipeline.typeset.pdf import Layout, Typesetter, small_text

pytestmark = pytest.mark.typeset  # every test here lays documents out

EXAMPLES = REPO / "examples" / "recipients.yaml"  # one US member: a US Letter pack


def test_a_letter_pack_fits_its_summaries_under_their_titles_and_lays_out_once(
    project: Path, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Since its two undertakings left the asks table (they are commitments), the
    # 2007 summary needs the tightest step on a Letter page both ways. With its
    # overview a sentence shorter it fits a step looser alone, but not under its
    # chapter title: the case where a pack fitted with the summaries' own
    # densities spilled (probed: from 56 to 72 words it does; this is 63).
    edit(
        project / "ipcnkr-2007-seoul.yaml",
        " 2008 Beijing\n  Olympics, and the UN, UNHCR and the countries refugees pass through"
        " to give them\n  legal protection.\n",
        " 2008 Beijing\n  Olympics.\n",
    )
    plan = plan_build(
        Paths(records=project, out=tmp_path / "out", cache=cache_dir),
        BuildRequest(langs="en", recipients=EXAMPLES),
    )
    job = next(j for j in plan.jobs if str(j.path) == "en/briefing-pack-letter.pdf")
    worker = Worker(plan.context)
    pdf = worker.exporter("pdf")
    assert isinstance(pdf, PdfExporter)
    alone = {s: fit_summary(pdf, s, "en", "Letter", need_layout=False)[1] for s in job.statements}
    in_pack = {
        s: fit_summary(pdf, s, "en", "Letter", need_layout=False, pack=PACK)[1]
        for s in job.statements
    }
    # The shortened 2007 statement fits alone on a Letter page at a looser step
    # than under its chapter title.
    assert in_pack["ipcnkr-2007-seoul"] > alone["ipcnkr-2007-seoul"], (alone, in_pack)

    packs: list[str] = []
    layout = Typesetter.layout

    def counted(self: Typesetter, html: str, what: str, sheets: list[Path]) -> Layout:
        if what == job.kind.describe(job.spec):
            packs.append(what)
        return layout(self, html, what, sheets)

    monkeypatch.setattr(Typesetter, "layout", counted)
    typeset = worker.make(job)
    assert packs == ["the en briefing pack (US Letter)"]  # once: no summary spilled
    assert (typeset.pages or 0) > len(job.statements) * 2


def test_no_density_sets_body_text_under_the_floor(tmp_path: Path, cache_dir: Path) -> None:
    """The 2007 Mongolian summary needs the tightest step: still 8pt, never 7.5pt."""
    plan = plan_build(
        Paths(records=STATEMENTS, out=tmp_path / "out", cache=cache_dir),
        BuildRequest(langs="mn"),
    )
    worker = Worker(plan.context)
    pdf = worker.exporter("pdf")
    assert isinstance(pdf, PdfExporter)
    tightest = densities(plan.context.paths.templates / "summary.css") - 1
    layout, density = fit_summary(pdf, "ipcnkr-2007-seoul", "mn", "A4")
    assert density == tightest and layout is not None
    assert small_text(layout, FLOOR_PT, "summary", NOT_BODY) == []
    labels = small_text(layout, FLOOR_PT, "summary", frozenset())  # the kicker, the source id
    assert "'НЭГ ХУУДАСНЫ ХУРААНГУЙ' at 7.5pt" in labels, labels
