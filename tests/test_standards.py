"""Every PDF a build writes, as outside readers and validators see it.

The build checks its own files (pipeline/pdf.py, `check_pdf`); these tests are
the outside proof: four rendering engines draw the same pages, every font is
one of the project's subsets, a sentence copied out of the English pack is the
sentence, and veraPDF passes PDF/A-3a, PDF/UA-1 and the machine-checkable part
of WCAG 2.2.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from readers import disagreements, extracted_text
from support import REPO, STATEMENTS, build
from test_fidelity import SEED_CASES, sentences, statement_lines

from pipeline import BuildRequest, Paths, build_all
from pipeline.errors import BuildError

EXAMPLES = REPO / "examples" / "recipients.yaml"
FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
# The body of an A4 or Letter page in points, below the running head and above
# the page number, so that a sentence across a page break joins up.
BODY_TOP, BODY_BOTTOM = 60, 60


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> list[Path]:
    """Every document of a full build: all languages, summaries, packs, recipient packs."""
    out = tmp_path_factory.mktemp("standards")
    build(STATEMENTS, out, cache_dir, langs="all", recipients=EXAMPLES, jobs=2)
    files = sorted(out.rglob("*.pdf"))
    assert len(files) >= 18
    return files


@pytest.mark.typeset
def test_four_engines_draw_the_same_pages(written: list[Path]) -> None:
    problems = [problem for pdf in written for problem in disagreements(pdf)]
    assert problems == []


def test_the_comparison_sees_glyphs_a_reader_could_not_find() -> None:
    """A Japanese summary from before the fix: MuPDF drew no text, Ghostscript boxes."""
    problems = disagreements(FIXTURES / "ja-summary-cids-apart.pdf")
    engines = {problem.split(": ")[1].split(" differs")[0] for problem in problems}
    assert engines == {"MuPDF", "Ghostscript"}, problems


@pytest.mark.typeset
def test_every_embedded_font_is_a_project_subset(written: list[Path]) -> None:
    """As poppler lists them: no face fontconfig chose on this machine."""
    for pdf in written:
        listing = subprocess.run(
            ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
        ).stdout.splitlines()[2:]
        names = [line.split()[0] for line in listing]
        assert names, pdf
        strangers = [
            name for name in names if not re.fullmatch(r"[A-Z]{6}\+.+-subset(-\w+)*", name)
        ]
        assert strangers == [], (pdf, strangers)


@pytest.mark.typeset
def test_japanese_and_korean_are_drawn_from_their_own_subsets(written: list[Path]) -> None:
    for pdf in written:
        lang = pdf.parent.name
        if lang in ("ja", "ko"):
            with pikepdf.open(pdf) as opened:
                names = {
                    str(font.BaseFont)
                    for page in opened.pages
                    for font in page.Resources.Font.values()
                }
            own = "JP" if lang == "ja" else "KR"
            assert any(f"CJK-{own}-subset" in name for name in names), (pdf, names)


def _seed_sentences() -> list[str]:
    return [
        sentence
        for _, seed, first, skip in SEED_CASES
        for line in statement_lines(seed, first, skip)
        for sentence in sentences(line)
    ]


def _joined(text: str) -> str:
    """Lines joined as a reader pasting a paragraph would: one space at each break."""
    return " ".join(text.split())


@pytest.mark.typeset
def test_a_sentence_copied_from_the_english_pack_is_the_sentence(written: list[Path]) -> None:
    """poppler, PDFium and MuPDF extract every sentence of the sources verbatim."""
    pack = next(p for p in written if p.parent.name == "en" and p.name == "briefing-pack.pdf")
    seeds = _seed_sentences()
    assert len(seeds) > 40
    for engine, text in extracted_text(pack, BODY_TOP, BODY_BOTTOM).items():
        joined = _joined(text)
        missing = [sentence for sentence in seeds if _joined(sentence) not in joined]
        assert missing == [], (engine, missing[:3])
        assert "\u00ad" not in text, engine
        assert _layout_hyphens(text) == [], engine


def _layout_hyphens(text: str) -> list[str]:
    """Words broken at a line end with a hyphen that the records do not spell."""
    records = "".join(
        path.read_text(encoding="utf-8")
        for folder in (STATEMENTS, REPO / "instruments")
        for path in folder.glob("*.yaml")
    )
    broken = re.findall(r"(\S+[\u2010-])\n+(\S+)", text)
    return [head + tail for head, tail in broken if head + tail not in records]


def _verapdf() -> str:
    command = os.environ.get("VERAPDF", "")
    if not command:
        pytest.skip(
            "veraPDF is not configured: set VERAPDF to its command "
            "(.ci/run does, from ../shared/tools/verapdf)"
        )
    if not shutil.which(command):
        pytest.skip(f"VERAPDF={command} is not an executable file")
    return command


@pytest.mark.typeset
@pytest.mark.parametrize("flavour", ["3a", "ua1", "wcag2"])
def test_verapdf_passes_every_file(written: list[Path], flavour: str) -> None:
    """PDF/A-3a, PDF/UA-1 and WCAG 2.2 (machine-checkable): zero failed rules."""
    command = _verapdf()
    result = subprocess.run(
        [command, flavour, *map(str, written)], capture_output=True, text=True, check=False
    )
    verdicts = [line for line in result.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(verdicts) == len(written), result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


def _templates_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    path = templates / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return templates


def _build_with(tmp_path: Path, templates: Path) -> None:
    paths = Paths(
        records=STATEMENTS, out=tmp_path / "out", templates=templates, cache=tmp_path / "cache"
    )  # a cache of its own: these templates are broken
    build_all(paths, BuildRequest(langs="en", only="summary", statements=["ipcnkr-2005-tokyo"]))


@pytest.mark.typeset
def test_a_face_the_project_did_not_choose_stops_the_build(tmp_path: Path) -> None:
    templates = _templates_with(
        tmp_path,
        "summary.css",
        ".overview { font-size: 10.5pt;",
        '.overview { font-size: 10.5pt; font-family: "Noto Sans Mono";',
    )
    with pytest.raises(BuildError, match=r"which is not one of the project's font subsets"):
        _build_with(tmp_path, templates)
    assert not (tmp_path / "out" / "en").exists()


@pytest.mark.typeset
def test_a_heading_that_skips_a_level_stops_the_build(tmp_path: Path) -> None:
    templates = _templates_with(
        tmp_path,
        "partials/summary_page.html",
        '<h1 class="summary-title"{{ lang_of(statement.title) }}>{{ statement.title.text }}'
        "{{ stale_mark(statement.title) }}</h1>",
        '<h3 class="summary-title"{{ lang_of(statement.title) }}>{{ statement.title.text }}'
        "{{ stale_mark(statement.title) }}</h3>",
    )
    with pytest.raises(
        BuildError,
        match=r"(?s)ipcnkr-2005-tokyo-summary\.pdf: .*"
        r"a heading goes from level 0 to 3",
    ):
        _build_with(tmp_path, templates)


@pytest.mark.typeset
def test_a_font_subset_is_the_same_whenever_it_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reproducible PDFs need reproducible subsets: no clock time in the font's head table."""
    import time

    from pipeline.cache import Cache
    from pipeline.typeset.fonts import FontCache, find_font

    font = find_font("Noto Sans CJK KR", 400)
    first = FontCache(Cache(tmp_path / "a")).subset(font, "국제의원연맹", ["kern", "ljmo"])
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 86_400)  # made a day later
    later = FontCache(Cache(tmp_path / "b")).subset(font, "국제의원연맹", ["kern", "ljmo"])
    assert first.read_bytes() == later.read_bytes()
