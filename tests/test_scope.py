"""Packs of a chosen scope: statements/packs.yaml, checked at its lines, built in English.

The scoped pack of tests/fixtures/packs/packs.yaml shows the 2007 statement (the
latest) in full and the 2005 one as its one-page summary only.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdf
import pytest
from click.testing import Result
from support import FIXTURES, build, copy_project, edit, shown, squash

from pipeline import BuildRequest, Paths, plan_build
from pipeline.plan.documents import Job

PACKS = FIXTURES / "packs" / "packs.yaml"
EARLIER, LATEST = "ipcnkr-2005-tokyo", "ipcnkr-2007-seoul"
# The 2005 statement: a sentence of its overview (on its summary) and one of its
# preamble (in its full text only).
SUMMARY_TEXT = "The coalition demands that North Korea end its human rights abuses"
FULL_TEXT_ONLY = "The passage of the North Korean Human Rights Act by the United States Congress"
LATEST_FULL_TEXT = "The 3rd General Meeting of IPCNKR was held in Mongolia in 2006."


# --- The file --------------------------------------------------------------------


def _packs(statements: Path, body: str) -> Path:
    path = statements / "packs.yaml"
    path.write_text("kind: packs\npacks:\n" + body, encoding="utf-8")
    return path


@pytest.mark.typeset
def test_the_example_packs_file_is_valid(project: Path, briefing: Callable[..., Result]) -> None:
    shutil.copy(PACKS, project / "packs.yaml")
    result = briefing("validate", project)
    assert result.exit_code == 0, result.output


def test_each_problem_in_packs_yaml_is_shown_at_its_line(
    project: Path, briefing: Callable[..., Result]
) -> None:
    path = _packs(
        project,
        "  - id: scoped\n"  # line 3
        "    description: One.\n"
        "    full: latest\n"
        "    summaries: [ipcnkr-2005-tokio, ipcnkr-2007-seoul]\n"  # line 6
        "  - id: scoped\n"  # line 7
        "    description: The same id again.\n"
        "    full: all\n"
        "  - id: nothing\n"  # line 10
        "    description: No statement.\n"
        "  - id: ipcnkr-2005-tokyo-summary\n"  # line 12
        "    description: A summary's file name.\n"
        "    full: all\n"
        "  - id: briefing-pack\n"  # line 15
        "    description: Not today's pack.\n"
        "    full: latest\n",
    )
    result = briefing("validate", project)
    assert result.exit_code == 1
    expected = [
        shown(
            path,
            6,
            17,
            "packs[0].summaries[0]",
            "unknown statement 'ipcnkr-2005-tokio'; did you mean 'ipcnkr-2005-tokyo'?",
        ),
        shown(
            path,
            6,
            36,
            "packs[0].summaries[1]",
            "statement 'ipcnkr-2007-seoul' is both in full and as a summary only",
        ),
        shown(path, 7, 5, "packs[1].id", "duplicate pack id 'scoped' (first at line 3)"),
        shown(path, 10, 5, "packs[2].id", "pack 'nothing' holds no statement: name some in `full`"),
        shown(
            path,
            12,
            5,
            "packs[3].id",
            "the id 'ipcnkr-2005-tokyo-summary' is reserved for the file of another document",
        ),
        shown(
            path,
            15,
            5,
            "packs[4].id",
            "'briefing-pack' is today's pack, every statement in full (`full: all`); "
            "give this pack another id",
        ),
    ]
    for line in expected:
        assert line in result.output, result.output


def test_a_selector_must_be_one_of_the_three(
    project: Path, briefing: Callable[..., Result]
) -> None:
    path = _packs(project, "  - id: scoped\n    description: One.\n    full: newest\n")
    result = briefing("validate", project)
    assert result.exit_code == 1
    assert shown(path, 5, 5, "packs[0].full", "Input should be 'all', 'latest' or 'earlier'") in (
        result.output
    ), result.output


# --- The jobs ----------------------------------------------------------------------


def _jobs(records: Path, out: Path, cache: Path) -> dict[str, Job]:
    plan = plan_build(
        Paths(records=records, out=out, cache=cache), BuildRequest(langs="en", only="pack")
    )
    return {str(job.path): job for job in plan.jobs}


def test_without_packs_yaml_the_build_makes_todays_documents_alone(
    project: Path, tmp_path: Path, cache_dir: Path
) -> None:
    plan = plan_build(
        Paths(records=project, out=tmp_path / "out", cache=cache_dir),
        BuildRequest(langs="en", only="print"),
    )
    assert sorted(str(job.path) for job in plan.jobs) == [
        "en/briefing-pack.pdf",
        f"en/{EARLIER}-summary.pdf",
        f"en/{LATEST}-summary.pdf",
    ]


def test_a_definition_is_an_input_of_its_own_pack_only(
    project: Path, tmp_path: Path, cache_dir: Path
) -> None:
    before = _jobs(project, tmp_path / "out", cache_dir)
    shutil.copy(PACKS, project / "packs.yaml")
    scoped = _jobs(project, tmp_path / "out", cache_dir)
    assert sorted(scoped) == ["en/briefing-pack.pdf", "en/latest-meeting.pdf"]
    default = scoped["en/briefing-pack.pdf"]
    assert default.inputs == before["en/briefing-pack.pdf"].inputs  # today's pack unchanged
    assert not any("packs.yaml" in part for part in default.parts)
    pack = scoped["en/latest-meeting.pdf"]
    assert pack.statements == (EARLIER, LATEST) and pack.spec.summaries == (EARLIER,)
    assert f"{project / 'packs.yaml'}#latest-meeting" in pack.parts

    with (project / "packs.yaml").open("a", encoding="utf-8") as more:
        more.write("  - id: all-summaries\n    description: Every summary.\n    summaries: all\n")
    added = _jobs(project, tmp_path / "out", cache_dir)
    assert added["en/all-summaries.pdf"].spec.summaries == (EARLIER, LATEST)
    assert added["en/latest-meeting.pdf"].inputs == pack.inputs

    edit(project / "packs.yaml", "    full: latest\n", "    full: [ipcnkr-2007-seoul]\n")
    edited = _jobs(project, tmp_path / "out", cache_dir)
    assert edited["en/latest-meeting.pdf"].spec == pack.spec  # the same statements...
    assert edited["en/latest-meeting.pdf"].inputs != pack.inputs  # ...by another definition
    assert edited["en/all-summaries.pdf"].inputs == added["en/all-summaries.pdf"].inputs
    assert edited["en/briefing-pack.pdf"].inputs == default.inputs


# --- The scoped pack, built ---------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    full: Path
    scoped: Path
    folder: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = tmp_path_factory.mktemp("scope")
    statements = copy_project(folder)
    shutil.copy(PACKS, statements / "packs.yaml")
    out = folder / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        written = build(statements, out, folder / "cache", langs="en", only="pack")
    assert sorted(str(w.path.relative_to(out)) for w in written) == [
        "en/briefing-pack.pdf",
        "en/latest-meeting.pdf",
    ]
    yield Built(out / "en" / "briefing-pack.pdf", out / "en" / "latest-meeting.pdf", folder)


def _text(pdf: Path) -> str:
    return squash(" ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages))


@pytest.mark.typeset
def test_the_scoped_pack_has_the_summary_but_not_the_full_text(built: Built) -> None:
    full, scoped = _text(built.full), _text(built.scoped)
    summary, full_text, latest = (
        squash(t) for t in (SUMMARY_TEXT, FULL_TEXT_ONLY, LATEST_FULL_TEXT)
    )
    assert full_text in full and summary in full  # the phrases are real
    assert summary in scoped
    assert full_text not in scoped
    assert latest in scoped
    assert len(pypdf.PdfReader(built.scoped).pages) < len(pypdf.PdfReader(built.full).pages)


def _links(pdf: pikepdf.Pdf) -> Iterator[tuple[int, str, int | None]]:
    """Every link: its page, the anchor it names, the page it lands on (None: nowhere)."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
    for number, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", ()):
            if annotation.get("/Subtype") != "/Link":
                continue
            target = annotation.get("/Dest")
            name = str(target) if isinstance(target, pikepdf.String) else ""
            if isinstance(target, pikepdf.String):
                target = names.get(name)
            landing = pages.get(target[0].objgen) if isinstance(target, pikepdf.Array) else None
            yield number, name, landing


@pytest.mark.typeset
def test_every_link_of_the_scoped_pack_lands_on_one_of_its_pages(built: Built) -> None:
    with pikepdf.open(built.scoped) as pdf:
        links = list(_links(pdf))
        names = {str(name) for name in pikepdf.NameTree(pdf.Root.Names.Dests)}
    assert len(links) > 30
    assert [link for link in links if link[2] is None] == []
    assert f"{EARLIER}-text" not in names  # no full text of the earlier statement
    assert not any(name.startswith(f"{EARLIER}-r-") for name in names)
    # The asks of the earlier statement (asks by addressee) go to its summary page.
    summary_page = next(page for _, name, page in links if name == f"{EARLIER}-summary")
    to_summary = [link for link in links if link[1] == f"{EARLIER}-summary"]
    assert len(to_summary) > 2 and all(page == summary_page for _, _, page in to_summary)
    assert any(name.startswith(f"{LATEST}-r-") for _, name, _ in links)


@pytest.mark.typeset
def test_a_pack_no_longer_defined_is_removed_and_the_build_says_so(
    built: Built, tmp_path: Path
) -> None:
    for name in ("statements", "sources", "out"):
        shutil.copytree(built.folder / name, tmp_path / name)
    (tmp_path / "statements" / "packs.yaml").unlink()
    notices: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        written = build(
            tmp_path / "statements",
            tmp_path / "out",
            built.folder / "cache",
            langs="en",
            only="pack",
            notice=notices.append,
        )
    assert [w.path.name for w in written] == ["briefing-pack.pdf"] and not written[0].built
    assert not (tmp_path / "out" / "en" / "latest-meeting.pdf").exists()
    assert any("latest-meeting is no longer defined" in n for n in notices)
