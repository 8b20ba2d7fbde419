"""Golden HTML: what the templates make of the real records, compared with files under review.

For every language with a catalog under `locales/`, the HTML of each statement's
summary (density 0), of the pack and of one recipient's pack (the fictional
recipient in `fixtures/recipients.yaml`, in that language) is rendered from
`statements/` on a fixed date and compared with `golden/<lang>/<name>.html`.

The stored files are the HTML with one line break added after every block-level
tag (`</p>`, `<li>`, ...), so that a change shows as a readable diff in review.
Only line breaks are added, one after each such tag, so two renderings are equal
exactly when their stored forms are.

After a deliberate change to a template, a catalog or a record, regenerate them
and review the diff:

    make golden        # or: .venv/bin/python tests/test_golden.py
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.config import Paths
from pipeline.i18n.catalogs import shipped_languages
from pipeline.i18n.languages import Language
from pipeline.plan.planner import Planner
from pipeline.records.instruments import Instruments
from pipeline.records.project import Project
from pipeline.records.validate import load_project, load_recipients
from pipeline.render.renderer import Renderer
from pipeline.typeset.html import for_weasyprint

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOLDEN = TESTS / "golden"
RECIPIENTS = TESTS / "fixtures" / "recipients.yaml"
EDITION = "K7QM-2XWD"  # a member's edition label, as the build prints it on the cover
TODAY = dt.date(2026, 1, 15)
REGENERATE = "make golden (or: .venv/bin/python tests/test_golden.py)"
DIFF_LINES = 40

_BLOCK_TAG = re.compile(
    r"</?(?:html|head|body|meta|title|link|section|nav|header|footer|div|p|h[1-6]"
    r"|ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|th|td)\b[^>]*>"
)


def normalise(html: str) -> str:
    """Break the line after every block-level tag, so diffs show one element a line."""
    return _BLOCK_TAG.sub(lambda match: match.group(0) + "\n", html)


@dataclass(frozen=True)
class Golden:
    """One document's HTML in one language, and where its golden copy is kept."""

    lang: str
    name: str
    html: str

    @property
    def path(self) -> Path:
        return GOLDEN / self.lang / f"{self.name}.html"


def languages() -> list[Language]:
    """Return the shipped languages: each complete catalog under locales/ (not one in progress)."""
    return list(shipped_languages(REPO / "locales").values())


def render(language: Language, project: Project, instruments: Instruments) -> Iterator[Golden]:
    """Render the summaries, the pack and a recipient's own pages in one language."""
    recipient = load_recipients(RECIPIENTS, Paths().locales).recipients[0]
    planner = Planner(project, language, instruments)
    renderer = Renderer(REPO / "templates", language, TODAY)
    code = language.code
    for statement in project.statements.values():
        html = renderer.summary(planner.summary(statement, 0))
        yield Golden(code, f"{statement.id}-summary", normalise(for_weasyprint(html)))
    pack = renderer.pack(planner.pack({}))
    yield Golden(code, "briefing-pack", normalise(for_weasyprint(pack)))
    html = renderer.recipient_pages(planner.pack({}, recipient=recipient), edition=EDITION)
    yield Golden(code, f"recipient-{recipient.id}", normalise(for_weasyprint(html)))


def _records() -> tuple[Project, Instruments]:
    return load_project([REPO / "statements"], Paths()), Instruments.load(REPO / "instruments")


@pytest.fixture(scope="module")
def records() -> tuple[Project, Instruments]:
    return _records()


@pytest.mark.parametrize("language", languages(), ids=lambda language: language.code)
def test_html_matches_golden(language: Language, records: tuple[Project, Instruments]) -> None:
    rendered = list(render(language, *records))
    problems = []
    for golden in rendered:
        if not golden.path.is_file():
            problems.append(f"{golden.path.relative_to(REPO)} is missing")
            continue
        stored = golden.path.read_text(encoding="utf-8")
        if stored != golden.html:
            diff = difflib.unified_diff(
                stored.splitlines(),
                golden.html.splitlines(),
                str(golden.path.relative_to(REPO)),
                "rendered",
                n=1,
                lineterm="",
            )
            lines = list(diff)
            more = len(lines) - DIFF_LINES
            problems.append(
                "\n".join(lines[:DIFF_LINES]) + (f"\n... {more} more lines" if more > 0 else "")
            )
    expected = {golden.path for golden in rendered}
    kept = set((GOLDEN / language.code).glob("*.html"))
    problems += [f"{p.relative_to(REPO)} is not rendered any more" for p in sorted(kept - expected)]
    if problems:
        pytest.fail(
            "\n\n".join(problems) + f"\n\nIf the change is intended, regenerate with {REGENERATE} "
            "and review the diff.",
            pytrace=False,
        )


def test_every_shipped_language_has_goldens() -> None:
    shipped = {language.code for language in languages()}
    stored = {p.name for p in GOLDEN.iterdir() if p.is_dir()}
    assert stored == shipped, f"golden folders {sorted(stored)}, languages {sorted(shipped)}"


def test_normalise_only_adds_line_breaks() -> None:
    html = '<p lang="ja">a<br>b</p><ul><li>c <em>d</em></li></ul>\n<td>e</td>'
    assert (
        normalise(html)
        == '<p lang="ja">\na<br>b</p>\n<ul>\n<li>\nc <em>d</em></li>\n</ul>\n\n<td>\ne</td>\n'
    )


def regenerate() -> None:
    """Write every golden file afresh, and remove those no longer rendered."""
    project, instruments = _records()
    for language in languages():
        folder = GOLDEN / language.code
        folder.mkdir(parents=True, exist_ok=True)
        written = set()
        for golden in render(language, project, instruments):
            golden.path.write_text(golden.html, encoding="utf-8")
            written.add(golden.path)
        for old in set(folder.glob("*.html")) - written:
            old.unlink()
        print(f"{folder.relative_to(REPO)}: {len(written)} files", file=sys.stderr)


if __name__ == "__main__":
    regenerate()
