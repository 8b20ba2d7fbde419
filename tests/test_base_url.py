"""The web edition's address in the PDFs: named on each summary when one is given, else nothing.

Without an address the documents are unchanged (tests/test_golden.py keeps
their HTML); with one, each summary names its statement's page, and the
address is one of the documents' inputs, so changing it rebuilds them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from support import REPO, STATEMENTS, build, copy_project, page_texts

from pipeline.config import BuildRequest, Paths

ADDRESS = "https://example.org/briefing"
STATEMENT = "ipcnkr-2007-seoul"


@pytest.mark.parametrize(("lang", "label"), [("en", "Online:"), ("ja", "オンライン版：")])
def test_each_summary_names_its_page_of_the_web_edition(lang: str, label: str) -> None:
    from pipeline.i18n.languages import available_languages
    from pipeline.plan.planner import Planner
    from pipeline.records.instruments import Instruments
    from pipeline.records.validate import load_project
    from pipeline.render.renderer import Renderer, SitePage

    project = load_project([STATEMENTS], Paths())
    language = available_languages(REPO / "locales")[lang]
    planner = Planner(project, language, Instruments.load(REPO / "instruments"))
    today = dt.date(2026, 1, 1)
    online = Renderer(REPO / "templates", language, today, base_url=ADDRESS)
    offline = Renderer(REPO / "templates", language, today)
    line = f'{label} <span dir="ltr">{ADDRESS}/{lang}/{STATEMENT}.html</span>'

    summary = planner.summary(project.statements[STATEMENT], 0)
    assert line in online.summary(summary)
    pack = online.pack(planner.pack({}))
    assert all(f"{ADDRESS}/{lang}/{s}.html" in pack for s in project.statements)
    assert ADDRESS not in offline.summary(summary) and label not in offline.pack(planner.pack({}))
    # The web page is the address: it does not name itself.
    site = SitePage(file=f"{STATEMENT}.html", languages=(), pack_pdf="", statement=STATEMENT)
    assert ADDRESS not in online.site_page("web/statement.html", planner.pack({}), site)


def test_the_address_is_one_of_the_documents_inputs(tmp_path: Path, cache_dir: Path) -> None:
    from pipeline.build.run import plan_build

    paths = Paths(records=copy_project(tmp_path), out=tmp_path / "out", cache=cache_dir)

    def inputs(base_url: str) -> dict[Path, str]:
        request = BuildRequest(langs="en", only="summary", base_url=base_url)
        return {job.path: job.inputs for job in plan_build(paths, request).jobs}

    without, again = inputs(""), inputs("")
    online = inputs(ADDRESS)
    assert without == again
    assert all(online[path] != without[path] for path in without)
    assert inputs(ADDRESS + "/") == online  # the same address, with its trailing slash


def test_an_address_that_is_not_a_web_address_is_refused(
    briefing: Callable[..., Result], tmp_path: Path
) -> None:
    records = copy_project(tmp_path)
    for wrong in ("ftp://example.org/x", "example.org", "https://example.org/?a=1"):
        result = briefing(
            "build", "--records", records, "--out", tmp_path / "out", "--base-url", wrong
        )
        assert result.exit_code == 2, result.output
        assert f"base URL {wrong!r} is not a web address" in result.output


@pytest.mark.typeset
def test_the_summary_with_its_address_still_fits_one_page(tmp_path: Path, cache_dir: Path) -> None:
    out = tmp_path / "out"
    records = copy_project(tmp_path)
    written = build(
        records,
        out,
        cache_dir,
        langs="en",
        only="summary",
        statements=[STATEMENT],
        base_url=ADDRESS,
    )
    assert [(w.path.name, w.pages) for w in written] == [(f"{STATEMENT}-summary.pdf", 1)]
    text = " ".join(page_texts(out / "en" / f"{STATEMENT}-summary.pdf")[0].split())
    assert f"Online: {ADDRESS}/en/{STATEMENT}.html" in text
