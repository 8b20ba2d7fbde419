"""Statement text is data: it renders as text, fetches nothing, and bad builds write nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import STATEMENTS, body_text, build, edit, sha256, squash
from weasyprint.urls import FatalURLFetchingError

from pipeline.errors import BuildError
from pipeline.typeset.pdf import SafeFetcher, check_pdf

EVIL = (
    '<script>alert(1)</script> <img src="file:///etc/passwd"> '
    '<link rel="attachment" href="file:///etc/passwd">'
)


@pytest.mark.typeset
def test_markup_in_a_statement_is_shown_as_text(
    project: Path, tmp_path: Path, cache_dir: Path
) -> None:
    statement = project / "ipcnkr-2005-tokyo.yaml"
    edit(statement, "overview: >-\n", f"overview: >-\n  {EVIL.replace(chr(34), chr(39))}\n")
    build(
        project,
        tmp_path / "out",
        cache_dir,
        langs="en",
        only="summary",
        statements=["ipcnkr-2005-tokyo"],
    )
    pdf = tmp_path / "out" / "en" / "ipcnkr-2005-tokyo-summary.pdf"
    text = squash(body_text(pdf))
    assert squash("<script>alert(1)</script>") in text
    assert squash("<img src='file:///etc/passwd'>") in text
    reader = PdfReader(pdf)
    # The only attachment is the statement's own record, not anything the text asked for.
    assert list(reader.attachments) == ["ipcnkr-2005-tokyo.yaml"]
    passwd = Path("/etc/passwd").read_bytes()
    assert passwd not in reader.attachments["ipcnkr-2005-tokyo.yaml"][0]
    assert "root:" not in pdf.read_bytes().decode("latin-1")
    images = [name for page in reader.pages for name in page.images]
    assert images == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/style.css",
        "https://example.org/font.otf",
        "data:text/css,body{}",
    ],
)
def test_the_fetcher_refuses_anything_outside_templates(url: str) -> None:
    fetcher = SafeFetcher([STATEMENTS.parent / "templates"])
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(url)


def test_the_fetcher_refuses_dot_dot_and_symlinks_out(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "ok.css").write_text("p {}")
    (tmp_path / "secret.css").write_text("p {}")
    (templates / "link.css").symlink_to(tmp_path / "secret.css")
    fetcher = SafeFetcher([templates])
    assert fetcher.fetch((templates / "ok.css").as_uri()).read() == b"p {}"
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(templates.as_uri() + "/../secret.css")
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch((templates / "link.css").as_uri())
    with pytest.raises(FatalURLFetchingError, match="missing"):
        fetcher.fetch((templates / "gone.css").as_uri())


@pytest.mark.typeset
def test_a_missing_stylesheet_stops_the_build_and_names_it(
    project: Path, tmp_path: Path, cache_dir: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(STATEMENTS.parent / "templates", templates)
    (templates / "summary.css").unlink()
    from pipeline import BuildRequest, Paths, build_all

    paths = Paths(records=project, out=tmp_path / "out", templates=templates, cache=cache_dir)
    with pytest.raises(BuildError, match=r"summary\.css"):
        build_all(paths, BuildRequest(langs="en", only="summary"))
    assert list((tmp_path / "out").rglob("*.pdf")) == []


@pytest.mark.typeset
def test_a_missing_template_is_an_error_naming_it(
    project: Path, tmp_path: Path, cache_dir: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(STATEMENTS.parent / "templates", templates)
    (templates / "partials" / "ask_row.html").unlink()
    from pipeline import BuildRequest, Paths, build_all

    paths = Paths(records=project, out=tmp_path / "out", templates=templates, cache=cache_dir)
    with pytest.raises(BuildError, match=r"ask_row\.html"):
        build_all(paths, BuildRequest(langs="en", only="summary"))


@pytest.mark.typeset
def test_a_summary_that_cannot_fit_fails_and_says_how_far_over(
    project: Path, tmp_path: Path, cache_dir: Path
) -> None:
    statement = project / "ipcnkr-2005-tokyo.yaml"
    long_overview = " ".join(["The coalition asks for a great many things at length."] * 120)
    edit(statement, "overview: >-\n", f"overview: >-\n  {long_overview}\n")
    with pytest.raises(BuildError) as error:
        build(project, tmp_path / "out", cache_dir, langs="en", only="summary")
    message = str(error.value)
    assert "ipcnkr-2005-tokyo" in message
    assert "does not fit on one page" in message and "mm over" in message


@pytest.mark.typeset
def test_a_failed_build_leaves_earlier_pdfs_untouched(
    project: Path, tmp_path: Path, cache_dir: Path
) -> None:
    out = tmp_path / "out"
    build(project, out, cache_dir, langs="en", only="print")
    before = {p: sha256(p) for p in out.rglob("*.pdf")}
    assert len(before) == 3
    # The second statement's summary no longer fits: nothing may be written.
    long_overview = " ".join(["An overview far too long for one page."] * 200)
    edit(project / "ipcnkr-2007-seoul.yaml", "overview: >-\n", f"overview: >-\n  {long_overview}\n")
    edit(
        project / "ipcnkr-2005-tokyo.yaml",
        "title: Joint Statement of the 2nd General Meeting",
        "title: A changed title",
    )
    with pytest.raises(BuildError):
        build(project, out, cache_dir, langs="en", only="print")
    assert {p: sha256(p) for p in out.rglob("*.pdf")} == before
    assert [p.name for p in out.rglob("*.tmp")] == []
    assert sorted(p.name for p in out.rglob("*") if p.is_file() and p.suffix != ".pdf") == [
        ".lock",
        "manifest.json",
    ]


@pytest.mark.typeset
def test_a_written_pdf_that_does_not_parse_or_has_other_pages_is_refused(
    tmp_path: Path, cache_dir: Path
) -> None:
    out = tmp_path / "out"
    build(STATEMENTS, out, cache_dir, langs="en", only="summary", statements=["ipcnkr-2005-tokyo"])
    data = (out / "en" / "ipcnkr-2005-tokyo-summary.pdf").read_bytes()
    check_pdf(data, 1, "the summary")  # the real one passes
    with pytest.raises(BuildError, match="the summary: the PDF written does not parse"):
        check_pdf(data[: len(data) // 2], 1, "the summary")
    with pytest.raises(BuildError, match=r"(?s)the summary: .*it has 1 pages, expected 2"):
        check_pdf(data, 2, "the summary")
