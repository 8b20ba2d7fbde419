"""A language in progress, started as the README's checklist says, blocks no one's build.

Each language is started in a copy of the project the way a translator starts
one: its UN text archived with `briefing i18n udhr`, then `briefing i18n
init`. A build without --lang leaves it out, the glyph gate included, and
builds every shipped language; built by name, the glyph gate says in one line
what to add for its script.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from support import FIXTURES, REPO, copy_project, edit, project_config

from pipeline.i18n.catalogs import shipped_languages
from pipeline.i18n.languages import available_languages
from pipeline.records.udhr import corpus_languages, import_udhr

# The collection's files, unchanged: Thai and Hindi as the repository archives them for its
# fixtures (the copy forgets them first), Hebrew from its fixture, Vietnamese kept here.
UDHR = {
    "udhr_heb.xml": FIXTURES / "hebrew" / "udhr" / "udhr_heb.xml",
    "udhr_tha.xml": REPO / "sources" / "udhr" / "udhr_tha.xml",
    "udhr_hin.xml": REPO / "sources" / "udhr" / "udhr_hin.xml",
    "udhr_vie.xml": FIXTURES / "udhr" / "udhr_vie.xml",
}
SOURCE = "The UDHR in Unicode collection (eric-muller/udhr, data/udhr, commit f93dd614), unchanged"
# (code, CLDR locale, the collection's file, the script CLDR gives, a group fonts.yaml lacks)
NEW = [
    ("he", "he_IL", "udhr_heb.xml", "Hebr", True),
    ("th", "th_TH", "udhr_tha.xml", "Thai", True),
    ("hi", "hi_IN", "udhr_hin.xml", "Deva", True),
    ("vi", "vi_VN", "udhr_vie.xml", "Latn", False),
]
Run = Callable[..., Result]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> Path:
    """A copy of the project: records, sources, catalogs, instruments and templates."""
    copy_project(tmp_path)
    for folder in ("locales", "instruments", "templates"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    forget(tmp_path, {code for code, *_ in NEW})
    project_config(
        monkeypatch,
        records=tmp_path / "statements",
        locales=tmp_path / "locales",
        instruments=tmp_path / "instruments",
        templates=tmp_path / "templates",
        cache=cache_dir,
    )
    return tmp_path


def forget(project: Path, codes: set[str]) -> None:
    """Take out of the copy what the project has of these languages, to start them afresh.

    The repository may have started one already (a language in progress): these
    tests start each as a translator would, and build the languages shipped besides.
    """
    corpus = project / "sources" / "udhr"
    for code, path in corpus_languages(corpus).items():
        if code in codes:
            path.unlink()
            (corpus / f"{path.stem.replace('_', '-')}.yaml").unlink(missing_ok=True)
    for code in codes:
        shutil.rmtree(project / "locales" / code, ignore_errors=True)
        for path in (project / "statements").glob(f"*.{code}.yaml"):
            path.unlink()
    kept = [c for c in available_languages(project / "locales") if c not in codes]
    import_udhr(corpus, project / "instruments" / "udhr.yaml", kept)


def start(briefing: Run, project: Path, code: str, locale: str, xml: str) -> Result:
    """Archive the language's UN text and start its catalog; return what init said."""
    archived = briefing("i18n", "udhr", UDHR[xml], "--source", SOURCE)
    assert archived.exit_code == 0, archived.output
    assert f"Next: `briefing i18n init {code} --locale …`" in archived.output
    started = briefing("i18n", "init", code, "--locale", locale)
    assert started.exit_code == 0, started.output
    return started


def gate(result: Result) -> list[str]:
    """The glyph gate's problems, one a line."""
    head = "Error: characters that no chosen font can show:\n"
    assert head in result.output, result.output
    return result.output.split(head, 1)[1].splitlines()


def article_1(xml: Path) -> str:
    ns = {"u": "http://efele.net/udhr"}
    node = ET.parse(xml).getroot().find("u:article[@number='1']", ns)
    assert node is not None
    return " ".join((p.text or "").strip() for p in node.iter(f"{{{ns['u']}}}para"))


@pytest.mark.parametrize(("code", "locale", "xml", "script", "homeless"), NEW)
def test_a_new_language_is_left_out_of_a_build_without_lang(
    briefing: Run, project: Path, code: str, locale: str, xml: str, script: str, homeless: bool
) -> None:
    started = start(briefing, project, code, locale, xml)
    assert "WARNING" not in started.output  # Babel's plural noise (th has one form)
    assert f"Wrote {project / 'instruments' / 'udhr.yaml'}" in started.output
    record = yaml.safe_load((project / "instruments" / "udhr.yaml").read_text(encoding="utf-8"))
    assert " ".join(record["texts"][code]["articles"][0]["paragraphs"]) == article_1(UDHR[xml])
    assert briefing("validate").exit_code == 0  # the archived copy matches its sha256

    result = briefing("build", "--dry-run", "--out", project / "out")
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if f" {code}:" in line] == [
        f"left out {code}: its catalog is in progress (0 of 114 strings translated, in "
        f"{project / 'locales' / code}); build it as a draft with --lang {code}, or see "
        "`briefing i18n status`"
    ]
    assert "no chosen font" not in result.output
    would = re.findall(
        rf"{re.escape(str(project / 'out'))}/(\w+)/\S+: would be built", result.output
    )
    shipped = set(shipped_languages(project / "locales")) - {code}
    assert set(would) >= {*shipped, "site"} and code not in would


@pytest.mark.parametrize(("code", "locale", "xml", "script", "homeless"), NEW)
def test_a_new_language_built_by_name_is_told_what_group_to_add(
    briefing: Run, project: Path, code: str, locale: str, xml: str, script: str, homeless: bool
) -> None:
    start(briefing, project, code, locale, xml)
    result = briefing("build", "--lang", code, "--dry-run", "--out", project / "out")
    if not homeless:  # Vietnamese: Latin letters, which the default group draws
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1
    problems = gate(result)
    assert len(problems) == 1, result.output  # one line, not one per character and role
    [problem] = problems
    assert problem.startswith(
        f"  language {code} (script {script}) has no group in templates/fonts.yaml; add one, "
        "for example `"
    )
    # The advice, followed word for word, makes the build pass the gate.
    group, *packages = re.findall(r"`([^`]+)`", problem.split(". Until then")[0])
    assert "Noto Serif" in group and "Noto Sans" in group
    fonts = project / "templates" / "fonts.yaml"
    text = fonts.read_text(encoding="utf-8")
    text = text.replace("packages:\n", "packages:\n" + "".join(f"  {p}\n" for p in packages), 1)
    fonts.write_text(text + f"  {group}\n", encoding="utf-8")
    again = briefing("build", "--lang", code, "--dry-run", "--out", project / "out")
    assert again.exit_code == 0, again.output


def test_characters_a_group_lacks_are_one_line_per_role(briefing: Run, project: Path) -> None:
    edit(
        project / "statements" / "ipcnkr-2005-tokyo.ja.yaml",
        "title: ",
        "title: \U00013000\U00013001",
    )
    result = briefing("build", "--lang", "ja", "--dry-run", "--out", project / "out")
    assert result.exit_code == 1
    problems = gate(result)
    assert [p.split(" (Noto")[0] for p in problems] == [
        "  2 characters are in no text face of group japanese",
        "  2 characters are in no heading face of group japanese",
    ]
    assert "U+13000 EGYPTIAN HIEROGLYPH A001" in problems[0]
    assert "U+13001 EGYPTIAN HIEROGLYPH A002" in problems[0]
    assert "statement ipcnkr-2005-tokyo, field title, language ja" in problems[0]


def test_init_without_an_archived_text_says_how_to_archive_one(
    briefing: Run, project: Path
) -> None:
    result = briefing("i18n", "init", "he", "--locale", "he_IL")
    assert result.exit_code == 0, result.output
    assert "No UDHR text for he in sources/udhr/" in result.output
    assert "`briefing i18n udhr FILE.xml --source …`" in result.output
    assert "udhr.yaml" not in result.output
    # Archived after init, the text goes into the instruments at once.
    archived = briefing("i18n", "udhr", UDHR["udhr_heb.xml"], "--source", SOURCE)
    assert archived.exit_code == 0, archived.output
    assert f"Wrote {project / 'instruments' / 'udhr.yaml'}" in archived.output
    record = yaml.safe_load((project / "instruments" / "udhr.yaml").read_text(encoding="utf-8"))
    paragraphs = record["texts"]["he"]["articles"][0]["paragraphs"]
    assert " ".join(paragraphs) == article_1(UDHR["udhr_heb.xml"])


def test_a_text_archived_already_or_not_of_the_collection_is_refused(
    briefing: Run, project: Path, tmp_path: Path
) -> None:
    again = briefing("i18n", "udhr", REPO / "sources" / "udhr" / "udhr_kor.xml", "--source", SOURCE)
    assert again.exit_code != 0
    assert "udhr-kor.yaml exists: the text is archived already" in again.output
    other = tmp_path / "udhr_xyz.xml"
    other.write_text("<html/>", encoding="utf-8")
    result = briefing("i18n", "udhr", other, "--source", SOURCE)
    assert result.exit_code != 0
    assert "is not a text of the UDHR in Unicode collection" in result.output
    assert not (project / "sources" / "udhr" / "udhr_xyz.xml").exists()


@pytest.mark.typeset
def test_four_new_languages_build_nothing_and_block_nothing(briefing: Run, project: Path) -> None:
    """Every new language at once, then a build: the shipped languages' summaries, and notices."""
    for code, locale, xml, _, _ in NEW:
        start(briefing, project, code, locale, xml)
    out = project / "out"
    result = briefing(
        "build", "--only", "summary", "--statement", "ipcnkr-2005-tokyo", "--out", out
    )
    assert result.exit_code == 0, result.output
    for code, *_ in NEW:
        assert result.output.count(f"left out {code}: its catalog is in progress") == 1
    shipped = sorted(shipped_languages(project / "locales"))
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == shipped
    for lang in shipped:
        assert (out / lang / "ipcnkr-2005-tokyo-summary.pdf").is_file()
