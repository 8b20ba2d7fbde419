"""Documents of every kind the coalition adopts, held and shown as they are.

The records in fixtures/kinds/ (made up, see their comments) hold a joint
statement with a co-issuer and no stated place, an action programme adopted the
same day, a resolution in the UN's style and a statement known only in part;
fixtures/kinds/received/ holds a resolution the coalition did not adopt.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from support import FIXTURES, build, page_texts, squash

from pipeline.i18n.catalogs import shipped_languages

KINDS = FIXTURES / "kinds"
LANGS = ("en", "ja", "ko", "mn", "zh")
# The co-issuer's name in each language (fixtures/kinds/statements/vocabulary.*.yaml).
CO_ISSUER = {
    "en": "The All-Party Parliamentary Group on North Korea",
    "ja": "北朝鮮に関する超党派議員グループ",
    "ko": "북한에 관한 초당파 의원 그룹",
    "mn": "Хойд Солонгосын асуудлаарх намуудын парламентын бүлэг",
    "zh": "朝鲜问题全党派议会小组",
}
# Texts that are not asks: they must never appear where asks are listed.
NOT_ASKS = (
    "We express our deep concern",
    "Expresses its deep concern",
    "A delegation to the countries refugees travel through",
    "To keep the matter under review",
)


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kinds")
    shutil.copytree(KINDS / "statements", folder / "statements")
    shutil.copytree(KINDS / "sources", folder / "sources")
    (folder / "recipients.yaml").write_text(
        "kind: recipients\nexamples: true\nrecipients:\n"
        "  - {id: cn-member, name: A. Member (fictional), honorific: Hon., "
        "chamber: Example chamber, country: CN, language: en, paper: A4}\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="session")
def built(project: Path, tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """Every shipped language, built once for the session."""
    assert set(shipped_languages(FIXTURES.parent.parent / "locales")) == set(LANGS)
    out = tmp_path_factory.mktemp("kinds-out")
    build(project / "statements", out, cache_dir, recipients=project / "recipients.yaml")
    return out


def text(pdf: Path) -> str:
    return "\n".join(page_texts(pdf))


def test_every_kind_validates(briefing: Callable[..., Result], project: Path) -> None:
    result = briefing("validate", project / "statements")
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_a_document_the_coalition_did_not_adopt_is_refused(
    briefing: Callable[..., Result], project: Path
) -> None:
    received = project / "statements" / "kinds-2009-ngo.yaml"
    shutil.copy(KINDS / "received" / "kinds-2009-ngo.yaml", received)
    try:
        result = briefing("validate", project / "statements")
    finally:
        received.unlink()
    assert result.exit_code == 1
    assert f"{received}:9:1: issuers: the coalition (ipcnkr) is not among the issuers" in (
        result.output
    )


def test_pattern_messages_keep_their_case_and_say_what_is_expected(
    briefing: Callable[..., Result], tmp_path: Path
) -> None:
    shutil.copytree(KINDS / "statements", tmp_path / "statements")
    shutil.copytree(KINDS / "sources", tmp_path / "sources")
    path = tmp_path / "statements" / "kinds-2010-resolution.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("country: GB", "country: gb"), encoding="utf-8"
    )
    result = briefing("validate", tmp_path / "statements")
    assert (
        f"{path}:12:3: meeting.country: 'gb' is not valid here: expected two capital "
        "letters, such as KR (pattern '^[A-Z]{2}$')"
    ) in result.output


def test_place_and_year_are_checked_against_the_coalition_record_at_their_line(
    briefing: Callable[..., Result], tmp_path: Path
) -> None:
    shutil.copytree(KINDS / "statements", tmp_path / "statements")
    shutil.copytree(KINDS / "sources", tmp_path / "sources")
    path = tmp_path / "statements" / "kinds-2010-resolution.yaml"
    source = path.read_text(encoding="utf-8")
    path.write_text(
        source.replace("city: London", "city: Paris").replace("2010-06-02", "2012-06-02"),
        encoding="utf-8",
    )
    result = briefing("validate", tmp_path / "statements")
    assert f"{path}:11:3: meeting.city: city Paris differs from the coalition record (London)" in (
        result.output
    )
    assert (
        f"{path}:13:1: adopted: adopted in 2012, but the coalition record dates the meeting to 2010"
    ) in result.output


def test_an_undeclared_gap_in_the_numbering_is_refused(
    briefing: Callable[..., Result], tmp_path: Path
) -> None:
    shutil.copytree(KINDS / "statements", tmp_path / "statements")
    shutil.copytree(KINDS / "sources", tmp_path / "sources")
    path = tmp_path / "statements" / "kinds-2011-partial.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  missing: [3, 4]\n", ""), encoding="utf-8"
    )
    result = briefing("validate", path)
    assert "resolutions are numbered [1, 2, 5]; expected [1, 2, 3, 4, 5]; if paragraphs " in (
        result.output
    )
    assert "say so in `incomplete.missing`" in result.output


@pytest.mark.parametrize("lang", LANGS)
def test_issuers_are_named_in_every_language(built: Path, lang: str) -> None:
    summary = squash(text(built / lang / "kinds-2009-joint-summary.pdf"))
    assert squash(CO_ISSUER[lang]) in summary
    pack = squash(text(built / lang / "briefing-pack.pdf"))
    assert squash(CO_ISSUER[lang]) in pack


def test_the_summary_names_the_coalition_and_the_co_issuer(built: Path) -> None:
    summary = text(built / "en" / "kinds-2009-joint-summary.pdf")
    assert "International Parliamentarians’ Coalition for North Korean Refugees; The" in summary


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_but_asks_is_listed_as_an_ask(built: Path, lang: str) -> None:
    """Expressions and commitments are in the full text, never in the tables of asks."""
    for name in ("kinds-2009-joint", "kinds-2009-programme", "kinds-2010-resolution"):
        summary = text(built / lang / f"{name}-summary.pdf")
        table = summary.split("Who is asked to do what")[-1] if lang == "en" else summary
        for words in NOT_ASKS[:2]:
            assert words not in table
    if lang != "en":
        return
    pack = text(built / "en" / "briefing-pack.pdf")
    asks = pack.split("Asks by addressee")[-1].split("What the coalition committed to")[0]
    for words in NOT_ASKS:
        assert squash(words) not in squash(asks), words
    committed = squash(pack.split("What the coalition committed to")[-1].split("Themes over")[0])
    assert squash("A delegation to the countries refugees travel through") in committed
    member = text(built / "recipients" / "cn-member.pdf").split("Briefing pack")[1]
    assert "non-refoulement" in member  # the ask of China
    assert "deep concern" not in member  # the expression concerning China


def test_the_verb_column_prints_the_documents_own_words(built: Path) -> None:
    summary = text(built / "en" / "kinds-2010-resolution-summary.pdf")
    assert "Calls upon" in summary
    programme = text(built / "en" / "kinds-2009-programme-summary.pdf")
    assert "call on" in programme and "CALL UPON" not in programme


@pytest.mark.parametrize("lang", LANGS)
def test_no_place_is_invented(built: Path, lang: str) -> None:
    summary = text(built / lang / "kinds-2009-joint-summary.pdf")
    stated = {
        "en": "place not stated",
        "ja": "場所の記載なし",
        "ko": "장소 기재 없음",
        "mn": "газар заагаагүй",
        "zh": "未注明地点",
    }
    assert squash(stated[lang]) in squash(summary)


def test_the_gap_is_marked_and_no_trend_is_drawn_from_the_fragment(built: Path) -> None:
    pack = squash(text(built / "en" / "briefing-pack.pdf"))
    assert squash("[Paragraphs 3 and 4: text not available]") in pack
    assert squash("[The rest of the text is not available]") in pack
    themes = pack.split(squash("Themes over time"))[-1]
    assert squash("No change is drawn from a document whose text is incomplete") in themes
    assert "notrepeated" not in themes
    assert squash("not compared: incomplete text") in themes


def test_documents_of_one_year_are_cited_by_document_in_the_record_order(built: Path) -> None:
    pack = text(built / "en" / "briefing-pack.pdf")
    assert "2 joint statements, 1 action programme and 1 resolution" in pack
    contents = squash(pack)  # the contents come first
    assert contents.index(squash("Joint Statement of the Conference")) < contents.index(
        squash("Action Programme of the Conference")
    )
    assert squash("2009 joint statement (1)") in contents
    assert squash("2009 action programme (3)") in squash(pack)
