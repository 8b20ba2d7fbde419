"""The web edition in a real browser: accessible, reflowing at 320 px, faithful to the sources.

One build (`--only web`) in English, Japanese and the right-to-left Arabic
fixture, with one translated overview corrected so that a stale text is shown;
then headless Chromium (Debian's, through Selenium) loads every page from a
local server, so the pages' Content-Security-Policy applies, and axe-core
audits each at 320 and 1280 CSS pixels. Every page is loaded once; the tests
read what that pass saw.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser import chromium
from support import REPO, copy_project, edit
from test_fidelity import SEED_CASES, sentences, statement_lines

from pipeline.config import Paths

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARABIC = Path(__file__).parent / "fixtures" / "arabic"
LANGS = ("en", "ja", "ar")
WIDTHS = (320, 1280)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BEST_PRACTICES = ["heading-order", "region", "skip-link"]
STALE = "ipcnkr-2005-tokyo"
SHOTS = os.environ.get("BRIEFING_WEB_SHOTS")  # a folder: screenshots of a statement page

_AXE_RUN = """
const done = arguments[arguments.length - 1];
const rules = axe.getRules(arguments[0]).map((r) => r.ruleId).concat(arguments[1]);
axe.run(document, {runOnly: {type: "rule", values: rules}})
  .then((r) => done([r.passes.length, r.violations.map((v) =>
      v.id + ": " + v.help + " " + v.nodes.map((n) => n.target.join(" ")).join(" | "))]))
  .catch((e) => done([0, ["axe failed: " + e]]));
"""


@pytest.fixture(scope="session")
def web(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """The output folder of one `--only web` build in en, ja and the Arabic fixture."""
    from pipeline import BuildRequest, Paths, build_all

    root = tmp_path_factory.mktemp("web")
    records = copy_project(root)
    edit(records / f"{STALE}.yaml", "The coalition demands", "The coalition again demands")
    templates, locales = root / "templates", root / "locales"
    shutil.copytree(REPO / "templates", templates)
    shutil.copytree(REPO / "locales", locales)
    shutil.copytree(ARABIC / "locales" / "ar", locales / "ar")
    with (templates / "fonts.yaml").open("a", encoding="utf-8") as fonts:
        fonts.write((ARABIC / "fonts-group.yaml").read_text(encoding="utf-8"))
    out = root / "out"
    paths = Paths(records=records, out=out, templates=templates, locales=locales, cache=cache_dir)
    build_all(paths, BuildRequest(langs=",".join(LANGS), only="web", jobs=2))
    return out


@dataclass
class Seen:
    """What the browser found on one page."""

    violations: dict[int, list[str]] = field(default_factory=dict)
    passed: dict[int, int] = field(default_factory=dict)  # rules axe checked and found kept
    scroll: tuple[int, int] = (0, 0)  # scrollWidth and innerWidth at 320 px
    text: str = ""
    dir: str = ""


def _pages(web: Path) -> list[Path]:
    return sorted(p for lang in LANGS for p in (web / "site" / lang).glob("*.html"))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def served(web: Path) -> Iterator[str]:
    """The output folder over HTTP on 127.0.0.1, as a reader's browser would get it."""
    handler = functools.partial(_Quiet, directory=str(web))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` (make test does)")
    with chromium() as driver:
        yield driver


def _width(driver: Any, width: int) -> None:
    """Lay the page out at `width` CSS pixels, as a phone (viewport meta) below 400."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 400},
    )


def _shoot(driver: Any, path: Path) -> None:
    import base64

    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 4000), "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))


@pytest.fixture(scope="session")
def seen(web: Path, served: str, browser: Any) -> dict[Path, Seen]:
    """Load every page once; audit it at each width; keep its text and direction."""
    axe = AXE.read_text(encoding="utf-8")
    found: dict[Path, Seen] = {}
    for page in _pages(web):
        browser.get(f"{served}/{page.relative_to(web)}")
        browser.execute_script(axe)
        result = Seen()
        for width in WIDTHS:
            _width(browser, width)
            passed, violations = browser.execute_async_script(_AXE_RUN, TAGS, BEST_PRACTICES)
            result.passed[width], result.violations[width] = passed, violations
            if width == 320:
                wide, inner = browser.execute_script(
                    "return [document.documentElement.scrollWidth, window.innerWidth]"
                )
                result.scroll = (wide, inner)
            if SHOTS and page.name == f"{STALE}.html":
                folder = Path(SHOTS)
                folder.mkdir(parents=True, exist_ok=True)
                shot_width = 360 if width == 320 else width
                _width(browser, shot_width)
                _shoot(browser, folder / f"{page.parent.name}-{shot_width}.png")
        _width(browser, 1280)
        result.text = browser.execute_script("return document.body.innerText")
        result.dir = browser.execute_script("return getComputedStyle(document.body).direction")
        found[page] = result
    return found


def test_the_site_has_every_page_in_every_language(web: Path) -> None:
    for lang in LANGS:
        names = {p.name for p in (web / "site" / lang).glob("*.html")}
        assert {
            "index.html",
            "asks.html",
            "themes.html",
            "instruments.html",
            "sources.html",
        } <= names
        assert {"ipcnkr-2005-tokyo.html", "ipcnkr-2007-seoul.html", "country-kp.html"} <= names
        assert (web / "site" / lang / "briefing-pack.pdf").read_bytes() == (
            web / lang / "briefing-pack.pdf"
        ).read_bytes()
        assert list((web / "site" / lang / "fonts").glob("*.woff2"))


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_any_page(seen: dict[Path, Seen], width: int) -> None:
    violations = {
        f"{p.parent.name}/{p.name}": s.violations[width]
        for p, s in seen.items()
        if s.violations[width]
    }
    assert violations == {}
    assert len(seen) >= 3 * 18
    assert all(s.passed[width] >= 10 for s in seen.values())  # axe did run its rules


def test_no_page_scrolls_sideways_at_320_px(seen: dict[Path, Seen]) -> None:
    """A page wider than a phone's 320 pixels scrolls, or (as a phone shows it) zooms out."""
    wide = {
        f"{p.parent.name}/{p.name}": s.scroll
        for p, s in seen.items()
        if s.scroll[0] > s.scroll[1] or s.scroll[1] != 320
    }
    assert wide == {}


@pytest.mark.parametrize(("statement_id", "seed", "first", "skip"), SEED_CASES)
def test_every_source_sentence_is_on_the_english_page(
    seen: dict[Path, Seen],
    web: Path,
    statement_id: str,
    seed: Path,
    first: str,
    skip: tuple[str, ...],
) -> None:
    text = " ".join(seen[web / "site" / "en" / f"{statement_id}.html"].text.split())
    wanted = [
        re.sub(r"^\d+\.\s*", "", sentence)  # the resolution's number is set apart from its text
        for line in statement_lines(seed, first, skip)
        for sentence in sentences(line)
    ]
    assert len(wanted) >= 12
    assert [s for s in wanted if " ".join(s.split()) not in text] == []


def test_translations_are_marked_as_in_the_pdfs(seen: dict[Path, Seen], web: Path) -> None:
    """The Japanese pages carry the same translation mark, † and all, as the pack's chapters."""
    import datetime as dt

    from pipeline.i18n.languages import available_languages
    from pipeline.plan.planner import Planner
    from pipeline.records.instruments import Instruments
    from pipeline.records.validate import load_project
    from pipeline.render.renderer import Renderer

    root = web.parent
    project = load_project([root / "statements"], Paths())
    language = available_languages(root / "locales")["ja"]
    planner = Planner(project, language, Instruments.load(REPO / "instruments"))
    renderer = Renderer(root / "templates", language, dt.date(2026, 1, 1))
    for statement_id, statement in project.statements.items():
        view = planner.statement(statement)
        text = seen[web / "site" / "ja" / f"{statement_id}.html"].text
        mark = renderer.translation_mark(view)
        assert mark in text
        # Each stale text once, and the mark (above the summary and the full text) names †.
        assert text.count("†") == view.state.stale + 2 * mark.count("†")
    assert planner.statement(project.statements[STALE]).state.stale == 1


def test_right_to_left_pages_are_mirrored(seen: dict[Path, Seen], web: Path) -> None:
    for page, result in seen.items():
        assert result.dir == ("rtl" if page.parent.name == "ar" else "ltr"), page
    html = (web / "site" / "ar" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert 'hreflang="en" lang="en" dir="ltr"' in html


def test_pages_are_self_contained_and_escape_what_they_show(web: Path) -> None:
    """Only the site's own files, under a policy that allows nothing else, and no script."""
    for page in _pages(web):
        html = page.read_text(encoding="utf-8")
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert "default-src 'none'; style-src 'self'; font-src 'self'" in html
        assert "<script" not in html and " style=" not in html
        for link in re.findall(r'\s(?:href|src)="([^"]*)"', html):
            assert "//" not in link and not link.startswith("/"), (page, link)
            target = (page.parent / link.partition("#")[0]).resolve()
            assert target.is_relative_to((web / "site").resolve()), (page, link)
    css = (web / "site" / "ja" / "site.css").read_text(encoding="utf-8")
    assert 'src: url("fonts/NotoSansCJKJP-400.woff2") format("woff2")' in css
    assert "@media print" in css and "url(" not in css.replace('url("fonts/', "")


def test_verify_covers_the_site(web: Path) -> None:
    from pipeline.output.verify import verify

    listed, findings = verify(web)
    assert findings == []
    assert listed > 3 * 20
    themes = web / "site" / "en" / "themes.html"
    built = themes.read_bytes()
    themes.write_text("changed", encoding="utf-8")
    (web / "site" / "en" / "extra.html").write_text("planted", encoding="utf-8")
    try:
        problems = {f.path: f.problem for f in verify(web)[1]}
        assert problems["site/en/themes.html"].startswith("changed")
        assert problems["site/en/extra.html"] == "not in manifest.json"
    finally:
        (web / "site" / "en" / "extra.html").unlink()
        themes.write_bytes(built)
