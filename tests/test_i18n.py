"""The Japanese, Korean and Mongolian editions: text, glyphs, fonts, fallback, catalogs."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from support import REPO, STATEMENTS, body_text, build, copy_project, squash

from pipeline.cli import cli
from pipeline.errors import BuildError
from pipeline.i18n.catalogs import shipped_languages

CORPUS = REPO / "sources" / "udhr"
NS = {"u": "http://efele.net/udhr"}


def official_article(name: str, number: int) -> str:
    root = ET.parse(CORPUS / name).getroot()
    article = root.find(f"u:article[@number='{number}']", NS)
    assert article is not None
    return " ".join(p.text or "" for p in article.iter(f"{{{NS['u']}}}para"))


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("editions")
    build(STATEMENTS, out, cache_dir, langs="all")
    return out


def fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


@pytest.mark.typeset
@pytest.mark.parametrize("lang", list(shipped_languages(REPO / "locales")))
def test_every_summary_is_one_page_in_every_language(editions: Path, lang: str) -> None:
    for pdf in (editions / lang).glob("*-summary.pdf"):
        assert len(PdfReader(pdf).pages) == 1, pdf
    assert len(list((editions / lang).glob("*-summary.pdf"))) == 2
    assert (editions / lang / "briefing-pack.pdf").is_file()


@pytest.mark.typeset
@pytest.mark.parametrize(("lang", "corpus"), [("ja", "udhr_jpn.xml"), ("ko", "udhr_kor.xml")])
def test_the_pack_quotes_the_official_udhr_article_1(
    editions: Path, lang: str, corpus: str
) -> None:
    text = squash(body_text(editions / lang / "briefing-pack.pdf"))
    assert squash(official_article(corpus, 1)) in text
    for number in (13, 14):
        assert squash(official_article(corpus, number).split(" ")[0])[:20] in text


@pytest.mark.typeset
def test_the_mongolian_appendix_has_the_official_mongolian_text(editions: Path) -> None:
    text = squash(body_text(editions / "mn" / "briefing-pack.pdf"))
    assert squash(official_article("udhr_khk.xml", 1)) in text


@pytest.mark.typeset
@pytest.mark.parametrize(
    ("lang", "family"), [("ja", "Noto-Serif-CJK-JP"), ("ko", "Noto-Serif-CJK-KR")]
)
def test_cjk_packs_embed_their_own_face(editions: Path, lang: str, family: str) -> None:
    listing = fonts(editions / lang / "briefing-pack.pdf")
    assert family in listing
    other = "Noto-Serif-CJK-KR" if lang == "ja" else "Noto-Serif-CJK-JP"
    assert other not in listing


@pytest.mark.typeset
@pytest.mark.parametrize(
    ("lang", "family"), [("ja", "Noto-Sans-CJK-JP"), ("ko", "Noto-Sans-CJK-KR")]
)
def test_cjk_summaries_are_set_in_one_gothic_face(editions: Path, lang: str, family: str) -> None:
    """templates/fonts.yaml: one CJK face and weight per summary keeps it small."""
    for pdf in (editions / lang).glob("*-summary.pdf"):
        cjk = {
            line.split()[0].split("+")[-1] for line in fonts(pdf).splitlines()[2:] if "CJK" in line
        }
        assert cjk == {f"{family}-subset"}, (pdf.name, cjk)


@pytest.mark.typeset
def test_mongolian_pack_shows_english_statements_under_the_fallback_note(editions: Path) -> None:
    text = body_text(editions / "mn" / "briefing-pack.pdf")
    assert "англи хэл" in text  # the note, in Mongolian
    assert squash("We demand the North Korean authorities immediately end") in squash(text)
    reader = PdfReader(editions / "mn" / "briefing-pack.pdf")
    root = reader.trailer["/Root"]
    assert isinstance(root, DictionaryObject)
    assert root.get("/Lang") == "mn"


@pytest.mark.typeset
@pytest.mark.parametrize(("lang", "date"), [("ja", "2005年8月1日"), ("ko", "2005년 8월 1일")])
def test_dates_are_written_as_cldr_writes_them(editions: Path, lang: str, date: str) -> None:
    text = body_text(editions / lang / "ipcnkr-2005-tokyo-summary.pdf")
    assert squash(date) in squash(text)


@pytest.mark.typeset
def test_unofficial_translations_are_marked(editions: Path) -> None:
    assert "非公式" in body_text(editions / "ja" / "ipcnkr-2007-seoul-summary.pdf")
    assert "비공식" in body_text(editions / "ko" / "ipcnkr-2007-seoul-summary.pdf")


@pytest.mark.typeset
def test_no_japanese_line_starts_with_closing_punctuation(editions: Path) -> None:
    lines = body_text(editions / "ja" / "briefing-pack.pdf").splitlines()
    assert len(lines) > 300
    assert [line for line in lines if re.match(r"^\s*[。、」』）]", line)] == []


@pytest.mark.typeset
def test_no_korean_word_is_broken_across_lines(editions: Path) -> None:
    """No word of the Korean texts is split between the end of a line and the next."""
    text = body_text(editions / "ko" / "briefing-pack.pdf")
    assert "\u2060" not in text  # the word joiners are layout, not text
    source = " ".join(
        p.read_text(encoding="utf-8") for p in (REPO / "statements").glob("*.ko.yaml")
    )
    words = set(re.findall(r"[\uac00-\ud7a3]+", source))
    lines = [line.split() for line in text.splitlines() if line.split()]
    hangul_end, hangul_start = re.compile(r"[\uac00-\ud7a3]$"), re.compile(r"^[\uac00-\ud7a3]")
    joined = [
        a[-1] + b[0]
        for a, b in itertools.pairwise(lines)
        if hangul_end.search(a[-1]) and hangul_start.search(b[0])
    ]
    assert len(joined) > 50
    assert [w for w in joined if w in words] == []


@pytest.mark.typeset
def test_a_character_no_font_has_fails_the_build(tmp_path: Path, cache_dir: Path) -> None:
    records = copy_project(tmp_path)
    path = records / "ipcnkr-2005-tokyo.ja.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: \U00013000", 1), encoding="utf-8")
    with pytest.raises(BuildError) as error:
        build(records, tmp_path / "out", cache_dir, langs="ja")
    message = str(error.value)
    assert "statement ipcnkr-2005-tokyo" in message and "field title" in message
    assert "language ja" in message and "U+13000" in message
    assert not (tmp_path / "out").exists()


def test_i18n_status_lists_the_translation_state() -> None:
    result = CliRunner().invoke(cli, ["i18n", "status", "--records", str(STATEMENTS)])
    assert result.exit_code == 0, result.output
    # By column name: a language in progress adds a column of its own.
    lines = result.output.splitlines()
    head = next(line for line in lines if line.startswith("statement "))
    row = next(line for line in lines if line.startswith("ipcnkr-2005-tokyo "))
    cells = dict(zip(head.split()[1:], re.split(r"\s{2,}", row)[1:], strict=True))
    assert {lang: cells[lang] for lang in ("en", "ja", "ko", "mn", "zh")} == {
        "en": "original",
        "ja": "100% unofficial",
        "ko": "100% unofficial",
        "mn": "0% untranslated",
        "zh": "100% unofficial",
    }


@pytest.mark.typeset
def test_a_catalog_in_progress_is_left_out_or_built_as_a_draft(
    tmp_path: Path, cache_dir: Path
) -> None:
    """A language being translated blocks no one; asked for by name, it is a marked draft."""
    from pipeline import BuildRequest, Paths, build_all
    from pipeline.i18n.catalogs import catalog_states

    locales = tmp_path / "locales"
    shutil.copytree(REPO / "locales", locales)
    catalog = locales / "ja" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8")
    text = re.sub(r'(msgid "Asks by addressee"\nmsgstr )"[^"]+"', r'\1""', text)
    catalog.write_text(text, encoding="utf-8")
    state = next(s for s in catalog_states(locales) if s.lang == "ja")
    assert state.missing == ["Asks by addressee"]
    paths = Paths(records=STATEMENTS, out=tmp_path / "out", locales=locales, cache=cache_dir)
    notices: list[str] = []
    built = build_all(
        paths, BuildRequest(only="summary", statements=["ipcnkr-2005-tokyo"], notice=notices.append)
    )
    assert {w.lang for w in built} == set(shipped_languages(locales))
    assert not (tmp_path / "out" / "ja").exists()
    [skipped] = [n for n in notices if n.startswith("left out ja")]
    assert re.search(r"\d+ of \d+ strings translated", skipped)
    assert "--lang ja" in skipped
    build_all(paths, BuildRequest(langs="ja", only="summary", statements=["ipcnkr-2005-tokyo"]))
    summary = tmp_path / "out" / "ja" / "ipcnkr-2005-tokyo-summary.pdf"
    assert "翻訳草稿" in PdfReader(summary).pages[0].extract_text()


def test_a_retranslated_udhr_quotation_is_refused(tmp_path: Path) -> None:
    records = copy_project(tmp_path)
    path = records / "ipcnkr-2005-tokyo.ja.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("生まれながらにして", "生まれつき"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(records)])
    assert result.exit_code == 1
    assert "preamble[0].quotations[0].text: not the official ja text of udhr article 1" in (
        result.output
    )


@pytest.mark.typeset
def test_a_summary_face_that_is_not_a_role_of_its_group_is_refused(tmp_path: Path) -> None:
    from pipeline.errors import RecordError
    from pipeline.typeset.fonts import load_font_plan

    text = (REPO / "templates" / "fonts.yaml").read_text(encoding="utf-8")
    (tmp_path / "fonts.yaml").write_text(
        text.replace("summary: heading", "summary: gothic", 1), encoding="utf-8"
    )
    line = text.split("summary: heading")[0].count("\n") + 1
    with pytest.raises(RecordError) as error:
        load_font_plan(tmp_path)
    assert str(error.value) == (
        f"{tmp_path / 'fonts.yaml'}:{line}:5: groups.japanese.summary: "
        "Input should be 'text' or 'heading'"
    )


@pytest.mark.typeset
@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "    heading: [Noto Sans]\n",
            "    haeding: [Noto Sans]\n",
            "groups.latin-cyrillic.haeding",
            "unknown field 'haeding'; did you mean 'heading'?",
        ),
        (
            "default_group: latin-cyrillic",
            "default_group: latin",
            "default_group",
            "default_group 'latin' is not one of the groups",
        ),
        (
            "    languages: [ja]",
            "    languages: [ja, en]",
            "groups",
            "language 'en' is in two groups",
        ),
    ],
)
def test_a_typo_in_fonts_yaml_is_one_located_error_from_build(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    text = (templates / "fonts.yaml").read_text(encoding="utf-8")
    assert old in text
    (templates / "fonts.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--records",
            str(STATEMENTS),
            "--templates",
            str(templates),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line]
    errors = [i for i, line in enumerate(lines) if line.startswith("Error:")]
    assert len(errors) == 1, result.output  # after the notices (the date rule, the fonts)
    reported, count = lines[errors[0]], lines[errors[0] + 1]
    assert reported.startswith(f"Error: {templates / 'fonts.yaml'}:")
    assert f": {field}: " in reported and message in reported
    assert count == "1 problem found."
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_a_draft_says_untranslated_counts_and_ordinals_as_english_does() -> None:
    """Thai has one plural form and no ordinals: its draft's English must not say "2 joint
    statement" or "2th General Meeting" (the Thai fixture leaves both untranslated)."""
    import datetime as dt

    from babel import Locale

    from pipeline.i18n.languages import Language, gettext_for
    from pipeline.render.renderer import Renderer

    catalog = REPO / "tests" / "fixtures" / "thai" / "locales" / "th" / "LC_MESSAGES"
    thai = Language("th", Locale.parse("th_TH"), catalog / "messages.po")
    words = gettext_for(thai)
    assert words.ngettext("%(num)d joint statement", "%(num)d joint statements", 2) == (
        "%(num)d joint statements"
    )
    assert words.ngettext("%(num)d joint statement", "%(num)d joint statements", 1) == (
        "%(num)d joint statement"
    )
    renderer = Renderer(REPO / "templates", thai, dt.date(2026, 1, 15), draft=True)
    assert [renderer.meeting_name(n) for n in (1, 2, 3, 4)] == [
        "1st General Meeting",
        "2nd General Meeting",
        "3rd General Meeting",
        "4th General Meeting",
    ]
