"""Names in sentences: Korean particles, Mongolian cases and English articles (i18n/grammar.py).

The Korean rules are the standard ones (the final consonant of a Hangul
syllable decides). The Mongolian forms below are the standard written Khalkha
ones as far as they could be checked without a native speaker: they need a
native speaker's review before anyone relies on them beyond the names the
catalogs use (Монгол, Өмнөд Солонгос, Америкийн Нэгдсэн Улс, Япон, …).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from babel import Locale
from hypothesis import given
from hypothesis import strategies as st
from support import REPO, STATEMENTS, build

from pipeline.i18n import grammar
from pipeline.i18n.grammar import DATIVE, GENITIVE, Name, format_message
from pipeline.i18n.languages import CatalogError, read_catalog

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "grammar"
WORD_JOINER = "\u2060"  # the typesetter's, between Korean syllables

# --- Korean ---------------------------------------------------------------------


@given(st.integers(0xAC00, 0xD7A3))
def test_the_final_consonant_is_the_syllable_s_own(code: int) -> None:
    """U+AC00 arithmetic agrees with Unicode's decomposition of every Hangul syllable."""
    syllable = chr(code)
    jamo = unicodedata.normalize("NFD", syllable)
    final = grammar.korean_final("한" + syllable)
    assert (final != 0) == (len(jamo) == 3)
    assert (final == grammar.RIEUL) == jamo.endswith("\u11af")  # ᆯ, final ㄹ


@pytest.mark.parametrize(
    ("name", "wa", "eul", "eun", "i", "ro"),
    [
        ("대한민국", "과", "을", "은", "이", "으로"),
        ("일본", "과", "을", "은", "이", "으로"),
        ("몽골", "과", "을", "은", "이", "로"),  # ㄹ: 로, not 으로
        ("중국", "과", "을", "은", "이", "으로"),
        ("유엔", "과", "을", "은", "이", "으로"),
        ("러시아", "와", "를", "는", "가", "로"),
        ("오스트레일리아", "와", "를", "는", "가", "로"),
        ("유엔난민기구(UNHCR)", "와", "를", "는", "가", "로"),  # the word before the brackets
        ("UNHCR", "과", "을", "은", "이", "로"),  # 알: ㄹ
        ("UN", "과", "을", "은", "이", "으로"),  # 엔
        ("NGO", "와", "를", "는", "가", "로"),  # 오
        ("2005", "와", "를", "는", "가", "로"),  # 이천오
        ("2007", "과", "을", "은", "이", "로"),  # 이천칠: ㄹ
        ("10", "과", "을", "은", "이", "으로"),  # 십
        ("2000", "과", "을", "은", "이", "으로"),  # 이천
        ("Facebook", "과(와)", "을(를)", "은(는)", "이(가)", "(으)로"),  # unknown: the paired form
    ],
)
def test_korean_particles_follow_the_last_syllable(
    name: str, wa: str, eul: str, eun: str, i: str, ro: str
) -> None:
    forms = [grammar.korean_particle(name, m) for m in ("와(과)", "을(를)", "은(는)", "이(가)")]
    assert forms == [wa, eul, eun, i]
    assert grammar.korean_particle(name, "(으)로") == ro


def test_a_korean_catalog_string_gets_the_particle_the_name_takes() -> None:
    message = "%(country)s와(과) 관련된 요청, %(country)s(으)로부터, %(country)s(이)라는 나라"
    assert format_message("ko", message, {"country": Name("대한민국")}) == (
        "대한민국과 관련된 요청, 대한민국으로부터, 대한민국이라는 나라"
    )
    assert format_message("ko", message, {"country": Name("러시아")}) == (
        "러시아와 관련된 요청, 러시아로부터, 러시아라는 나라"
    )
    # A particle written in one form, before a space, is read as its pair.
    bare = format_message("ko", "%(country)s와 관련된", {"country": Name("미국")})
    assert bare == "미국과 관련된"


# --- Mongolian (needs a native speaker's review) ------------------------------------


@pytest.mark.parametrize(
    ("name", "dative", "genitive"),
    [
        ("Монгол", "Монголд", "Монголын"),
        ("Өмнөд Солонгос", "Өмнөд Солонгост", "Өмнөд Солонгосын"),
        ("Хойд Солонгос", "Хойд Солонгост", "Хойд Солонгосын"),
        ("Америкийн Нэгдсэн Улс", "Америкийн Нэгдсэн Улсад", "Америкийн Нэгдсэн Улсын"),
        ("Япон", "Японд", "Японы"),
        ("Хятад", "Хятадад", "Хятадын"),
        ("Их Британи", "Их Британид", "Их Британийн"),
        ("Австрали", "Австралид", "Австралийн"),
        ("Орос", "Орост", "Оросын"),
        ("Тайланд", "Тайландад", "Тайландын"),
        ("Вьетнам", "Вьетнамд", "Вьетнамын"),
        ("Мьянмар", "Мьянмарт", "Мьянмарын"),
        ("Энэтхэг", "Энэтхэгт", "Энэтхэгийн"),
        ("Герман", "Германд", "Германы"),
        ("Уругвай", "Уругвайд", "Уругвайн"),
        ("Европын Холбоо", "Европын Холбоонд", "Европын Холбооны"),  # hidden n
        ("Мэн Арал", "Мэн Аралд", "Мэн Арлын"),  # the vowel that drops
    ],
)
def test_mongolian_cases_follow_the_last_word(name: str, dative: str, genitive: str) -> None:
    assert grammar.mongolian_case(name, DATIVE) == dative
    assert grammar.mongolian_case(name, GENITIVE) == genitive


def test_a_mongolian_acronym_keeps_the_hyphen_and_the_catalog_s_form() -> None:
    assert grammar.mongolian_case("АНУ", DATIVE, "-д") == "АНУ-д"
    assert grammar.mongolian_case("НҮБ", GENITIVE, "-ын") == "НҮБ-ын"


def test_a_mongolian_catalog_string_gets_the_case_the_name_takes() -> None:
    message = "Бусдад хандсан, %(country)s-д хамаарах; %(country)s-ын засгийн газар"
    assert format_message("mn", message, {"country": Name("Монгол")}) == (
        "Бусдад хандсан, Монголд хамаарах; Монголын засгийн газар"
    )
    # Any written form of a case reads as that case.
    assert format_message("mn", "%(country)s-т", {"country": Name("Япон")}) == "Японд"


def test_only_names_are_inflected() -> None:
    """A date or a number keeps what the catalog writes after it."""
    message = "%(date)s-ны %(document)s"
    values = {"date": "2005 оны 8-р сарын 1", "document": "мэдэгдэл"}
    assert format_message("mn", message, values) == "2005 оны 8-р сарын 1-ны мэдэгдэл"


# --- English --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("US", "the United States"),
        ("GB", "the United Kingdom"),
        ("PH", "the Philippines"),
        ("NL", "the Netherlands"),
        ("UN", "the United Nations"),
        ("KR", "South Korea"),
        ("JP", "Japan"),
        ("MN", "Mongolia"),
    ],
)
def test_english_names_take_the_article_from_the_territory_table(code: str, named: str) -> None:
    name = grammar.country("en", code, Locale.parse("en").territories[code])
    assert format_message("en", "Asks concerning %(country)s", {"country": name}) == (
        f"Asks concerning {named}"
    )


def test_the_article_is_capitalised_at_a_sentence_s_start_only() -> None:
    name = grammar.country("en", "US", "United States")
    message = "%(country)s asks. “%(country)s answers,” says %(country)s."
    assert format_message("en", message, {"country": name}) == (
        "The United States asks. “The United States answers,” says the United States."
    )


def test_the_article_is_english_only() -> None:
    assert grammar.country("ko", "US", "미국").article == ""
    assert grammar.country("en_GB", "US", "United States").article == "the"


def test_every_territory_in_the_table_is_one_cldr_names() -> None:
    english = Locale.parse("en").territories
    assert all(code in english for code in grammar.THE_TERRITORIES)


def test_a_vocabulary_name_s_article_is_lower_case_inside_a_sentence() -> None:
    assert grammar.mid_sentence("The United Nations", "en") == "the United Nations"
    assert grammar.mid_sentence("Non-governmental organisations", "en") == (
        "Non-governmental organisations"
    )
    assert grammar.mid_sentence("The 유엔", "ko") == "The 유엔"


# --- the catalogs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "name", "wrong"),
    [("ko", Name("대한민국"), "대한민국와"), ("mn", Name("Монгол"), "Монгол-")],
)
def test_every_shipped_string_with_a_name_reads_right(lang: str, name: Name, wrong: str) -> None:
    """Each ko and mn translation that puts a name in a sentence gets its form resolved."""
    catalog = read_catalog(REPO / "locales" / lang / "LC_MESSAGES" / "messages.po")
    filled = [
        format_message(lang, str(m.string), {"country": name, "city": "-"})
        for m in catalog
        if m.string and "%(country)s" in str(m.string)
    ]
    assert len(filled) >= 5  # Asks concerning …, … of others, What …, None …, the place
    assert not [text for text in filled if wrong in text]


@pytest.mark.parametrize(
    ("lang", "string", "problem"),
    [
        ("ko", "%(country)s와의 관계", "write the particle '와' in its paired form"),
        ("mn", "%(country)s-аас ирсэн", "'-аас' is not a case the build inflects a name in"),
    ],
)
def test_the_catalog_check_names_a_form_the_build_cannot_choose(
    tmp_path: Path, lang: str, string: str, problem: str
) -> None:
    path = tmp_path / "messages.po"
    path.write_text(
        f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; '
        'charset=UTF-8\\n"\n\n'
        f'#, python-format\nmsgid "Asks concerning %(country)s"\nmsgstr "{string}"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as error:
        read_catalog(path)
    assert f"{path}:8:1: " in str(error.value)
    assert problem in str(error.value)


# --- what a member reads -------------------------------------------------------------


def test_members_pages_put_names_in_their_grammar(
    tmp_path: Path, cache_dir: Path, fake_pdf: object
) -> None:
    """The "Asks concerning" pages of a Korean, a Mongolian and two English members."""
    out = tmp_path / "out"
    recipients = FIXTURES / "recipients.yaml"
    build(STATEMENTS, out, cache_dir, recipients=recipients, only="recipients", jobs=1)

    def page(member: str) -> str:
        data = (out / "recipients" / f"{member}.pdf").read_bytes()
        return data.decode("utf-8", errors="replace").replace(WORD_JOINER, "")

    korean = page("grammar-kr")
    assert "대한민국과 관련된 다른 주체에 대한 요청" in korean
    assert "대한민국와" not in korean
    mongolian = page("grammar-mn")
    assert "Монголд хамаарах хүсэлтүүд" in mongolian
    assert "Монголын засгийн газар" in mongolian
    assert "Монгол-" not in mongolian
    american = page("grammar-us")
    assert "Asks concerning the United States" in american
    assert "the legislature of the United States, alone or with others." in american
    assert "concerning United States" not in american
    philippine = page("grammar-ph")
    assert "Asks concerning the Philippines" in philippine
    assert "anything of the government or the legislature of the Philippines." in philippine
    assert "Prepared for" in philippine and "Senate (example) · Philippines" in philippine


_AFTER = st.text(alphabet="와과을를은는이가으로나라()-дтынийаэ .,", max_size=12)


@given(_AFTER, st.sampled_from(["대한민국", "러시아", "Монгол", "Улс", "UN", "2005", "x"]))
def test_any_text_after_a_name_is_filled_or_left_as_written(after: str, text: str) -> None:
    """A translator's string never breaks the build: the name comes first, the rest stays."""
    message = "%(country)s" + after
    for lang in ("ko", "mn", "en"):
        grammar.catalog_problems(lang, message)
        filled = format_message(lang, message, {"country": Name(text)})
        assert filled.startswith(text if lang != "mn" else text[:-1] or text)
