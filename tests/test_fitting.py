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
    # A summary that fits alone a step looser than under its chapter title: the
    # case where a pack fitted with the summaries' own densities spilled. Since
    # body text keeps to 8pt (step 6 fits by leading), the 2007 summary on a
    # Letter page is that case with its overview three sentences longer (probed:
    # two fit at step 5 both ways, four need step 6 both ways).
    sentence = (
        " It asks every member to raise the refugees' cause in their own parliament,"
        " in public and with their governments, each year."
    )
    edit(
        project / "ipcnkr-2007-seoul.yaml",
        " to give them\n  legal protection.\n",
        " to give them\n  legal protection." + sentence * 3 + "\n",
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
    # The lengthened 2007 statement fits alone on a Letter page at a looser step
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
