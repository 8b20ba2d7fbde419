"""Names in sentences: the particle, case or article a name takes, worked out from the name.

A catalog string that puts a name in a sentence writes what follows the name in
the neutral form a writer of the language uses when the name is not known yet,
and the renderer picks the form the name takes (`inflect`):

- Korean: the particle in its paired form right after the placeholder,
  `%(country)s와(과)`, `을(를)`, `은(는)`, `이(가)`, `아(야)` (either order),
  `(으)로`, and `(이)` before any ending (`(이)나`, `(이)라는`); one form alone
  (`와`, `을`, `로`, …) before a space or punctuation is read as the pair too.
  The form follows the final consonant (batchim) of the name's last syllable,
  worked out from the Hangul syllable itself (U+AC00 + (initial × 21 + vowel)
  × 28 + final). A name ending in a parenthesis,
  `유엔난민기구(UNHCR)`, takes the particle of the word before it. Digits are
  read in Sino-Korean (1 일, 3 삼, 10 십, 100 백, …), an acronym of capitals by
  its last letter's name (L 엘, M 엠, N 엔, R 알 end in a consonant, the others
  in a vowel); any other ending (a word in Latin letters, Han characters) keeps
  the paired form, `Facebook을(를)`, the way Korean writes a particle after a
  noun whose sound it cannot know.
- Mongolian (Cyrillic): the case suffix after a hyphen, `%(country)s-д`
  (dative-locative) or `%(country)s-ын` (genitive), the two cases the
  catalogs use; any written form of either case is read the same (`-т`,
  `-ад`, `-ийн`, `-ы`, …). The suffix is chosen by the last word's final letters
  and its vowel harmony (back а о у, front э ө ү; и and the е of loanwords
  are neutral), and joined without the hyphen: Монголд, Өмнөд Солонгост,
  Америкийн Нэгдсэн Улсад, Японы, Хятадын. An acronym or a figure keeps the
  hyphen and the form as written (АНУ-д, НҮБ-ын), as Mongolian writes them.
  These rules are the standard written Khalkha ones as far as they could be
  checked here; they need a native speaker's review (see `test_grammar.py`).
- English: a name that takes the definite article (`the United States`, `the
  Philippines`, `the United Nations`) gets it from `THE_TERRITORIES`, lower case
  inside a sentence and capitalised at its start; a name from the vocabulary
  written with its article (`The United Nations`) has it lower-cased inside a
  sentence (`mid_sentence`).

Only values that are `Name`s are inflected: dates, numbers and other
placeholders keep whatever the catalog writes after them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

# CLDR territory codes whose English name (as CLDR writes it) takes "the".
THE_TERRITORIES = frozenset(
    {
        "AE",  # United Arab Emirates
        "AX",  # Åland Islands
        "BQ",  # Caribbean Netherlands
        "BS",  # Bahamas
        "CC",  # Cocos (Keeling) Islands
        "CF",  # Central African Republic
        "CK",  # Cook Islands
        "DO",  # Dominican Republic
        "EU",  # European Union
        "FK",  # Falkland Islands
        "FO",  # Faroe Islands
        "GB",  # United Kingdom
        "GM",  # Gambia
        "GS",  # South Georgia & South Sandwich Islands
        "HM",  # Heard & McDonald Islands
        "IC",  # Canary Islands
        "IM",  # Isle of Man
        "IO",  # British Indian Ocean Territory
        "KM",  # Comoros
        "KY",  # Cayman Islands
        "MH",  # Marshall Islands
        "MP",  # Northern Mariana Islands
        "MV",  # Maldives
        "NL",  # Netherlands
        "PH",  # Philippines
        "PN",  # Pitcairn Islands
        "PS",  # Palestinian Territories
        "SB",  # Solomon Islands
        "TC",  # Turks & Caicos Islands
        "TF",  # French Southern Territories
        "UM",  # U.S. Outlying Islands
        "UN",  # United Nations
        "US",  # United States
        "VG",  # British Virgin Islands
        "VI",  # U.S. Virgin Islands
    }
)


class Name(str):
    """A name as a label shows it, knowing what a sentence puts before it (English "the")."""

    article: str

    def __new__(cls, text: str, article: str = "") -> Name:
        name = super().__new__(cls, text)
        name.article = article
        return name


def country(lang: str, code: str, text: str) -> Name:
    """Return a country's name (`text`, as CLDR gives it in `lang`) as a `Name`."""
    english = lang.split("_")[0].split("-")[0] == "en"
    return Name(text, "the" if english and code.upper() in THE_TERRITORIES else "")


def mid_sentence(text: str, lang: str) -> str:
    """Return an English name written to begin a line ("The United Nations") as it reads
    inside a sentence ("the United Nations"); any other text unchanged."""
    if lang.split("_")[0].split("-")[0] == "en" and text.startswith("The "):
        return "the " + text[4:]
    return text


# --- filling a catalog string ------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_SENTENCE_END = re.compile(r"(?:^|[.!?])[\s\"'“‘«(\[]*(?:&#34;|&#39;)?$")


def inflect(lang: str, message: str, values: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Resolve the forms the `Name`s of `values` take in `message` (a translated string).

    Return the message and values to format it with (`message % values`): each
    name with its article, particle or case in place of its placeholder and the
    neutral form after it. Other placeholders and text are left as they are.
    """
    language = lang.split("_")[0].split("-")[0]
    filled = dict(values)
    parts: list[str] = []
    at = 0
    for number, match in enumerate(_PLACEHOLDER.finditer(message)):
        key = match.group(1)
        value = values.get(key)
        if not isinstance(value, Name):
            continue
        starts = _SENTENCE_END.search(message[: match.start()]) is not None
        phrase, used = _phrase(language, value, message[match.end() :], starts)
        if phrase is None:
            continue
        slot = f"{key}~{number}"
        parts += [message[at : match.start()], f"%({slot})s"]
        filled[slot] = phrase
        at = match.end() + used
    parts.append(message[at:])
    return "".join(parts), filled


def _phrase(language: str, name: Name, rest: str, sentence_start: bool) -> tuple[str | None, int]:
    """Return a name as the text after it needs it, and how much of that text it took."""
    if language == "en" and name.article:
        article = name.article.capitalize() if sentence_start else name.article
        return f"{article} {name}", 0
    if language == "ko":
        marker = _KO_MARKER.match(rest)
        if marker:
            return str(name) + korean_particle(str(name), marker.group(0)), marker.end()
    if language == "mn":
        marker = _MN_MARKER.match(rest)
        if marker:
            return mongolian_case(str(name), _MN_CASES[marker.group(1)], marker.group(0)), (
                marker.end()
            )
    return None, 0


def format_message(lang: str, message: str, values: Mapping[str, Any], html: bool = False) -> str:
    """Fill a translated string's placeholders, each name in the form its sentence needs.

    With `html`, the message is already escaped and the values are escaped as
    they go in (Jinja's autoescaped gettext), so the result is Markup.
    """
    text, filled = inflect(lang, message, values)
    if html:
        return Markup(text) % filled
    return text % filled if filled else text


# The placeholders the renderer fills with a `Name`: what the catalog check reads.
NAME_PLACEHOLDERS = frozenset({"country"})


def catalog_problems(lang: str, string: str) -> list[str]:
    """Say where a translation writes after a name what the build cannot inflect.

    Korean: a particle in one form glued to more Hangul (`와의`), where the
    paired form (`와(과)의`) lets the build choose. Mongolian: a case after a
    name other than the two the build knows, or one without its hyphen.
    """
    language = lang.split("_")[0].split("-")[0]
    problems = []
    for match in _PLACEHOLDER.finditer(string):
        if match.group(1) not in NAME_PLACEHOLDERS:
            continue
        placeholder, rest = match.group(0), string[match.end() :]
        if language == "ko" and not _KO_MARKER.match(rest):
            glued = _KO_GLUED.match(rest)
            if glued:
                problems.append(
                    f"after {placeholder}, write the particle {glued.group(0)!r} in its paired "
                    "form (와(과), 을(를), 은(는), 이(가), (으)로, (이)…): the build picks the "
                    "form the name takes"
                )
        if language == "mn" and not _MN_MARKER.match(rest):
            suffix = re.match(f"-?[{_CYRILLIC}]+", rest)
            if suffix:
                problems.append(
                    f"after {placeholder}, {suffix.group(0)!r} is not a case the build "
                    "inflects a name in: write -д (dative-locative) or -ын (genitive) after "
                    "the name, or word the sentence without a case ending"
                )
    return problems


# --- Korean ----------------------------------------------------------------------

# Each particle: after a final consonant, after a vowel, and its paired form. (이)
# stands for the copula's 이 before any ending: (이)나, (이)랑, (이)라는, (이)다.
_KO_PARTICLES = (
    ("은", "는", "은(는)"),
    ("이", "가", "이(가)"),
    ("을", "를", "을(를)"),
    ("과", "와", "과(와)"),
    ("아", "야", "아(야)"),
    ("으로", "로", "(으)로"),
    ("이", "", "(이)"),
)
# What a catalog may write: the paired form in either order, or, before a space or
# punctuation, either form alone of the common particles.
_KO_PAIRED = {
    **{paired: (a, b, paired) for a, b, paired in _KO_PARTICLES},
    **{f"{b}({a})": (a, b, paired) for a, b, paired in _KO_PARTICLES[:5]},
}
_KO_BARE = {
    form: particle for particle in (*_KO_PARTICLES[:4], _KO_PARTICLES[5]) for form in particle[:2]
}
_HANGUL = "\uac00-\ud7a3"
_KO_MARKER = re.compile(
    "|".join(re.escape(m) for m in sorted(_KO_PAIRED, key=len, reverse=True))
    + "|(?:"
    + "|".join(re.escape(m) for m in sorted(_KO_BARE, key=len, reverse=True))
    + f")(?![{_HANGUL}])"
)
# A particle written in one form and glued to more Hangul (와의, 로부터): the build
# cannot tell it from a word, so the catalog check asks for the paired form.
_KO_GLUED = re.compile(
    "(?:" + "|".join(sorted(_KO_BARE, key=len, reverse=True)) + f")(?=[{_HANGUL}])"
)
_SYLLABLES = range(0xAC00, 0xD7A4)
RIEUL = 8  # ㄹ, the final after which (으)로 is 로
# Sino-Korean readings of a figure's last digit: the final consonant each ends in.
_DIGIT_FINALS = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
# 십 (ㅂ), 백 (ㄱ), 천 (ㄴ) after one, two, three zeros; 만 (ㄴ), 억 (ㄱ), 조 (none) by fours.
_TENS_FINALS = {1: 17, 2: 1, 3: 4}
_MYRIAD_FINALS = {1: 4, 2: 1, 3: 0}
# Latin letters whose Korean name ends in a consonant: 엘, 엠, 엔, 알.
_LETTER_FINALS = {"L": 8, "M": 16, "N": 4, "R": 8}


def korean_final(name: str) -> int | None:
    """Return the final consonant the name ends in (0 for none, 8 for ㄹ), None if unknown.

    Jongseong index as Unicode orders them (1 ㄱ … 27 ㅎ), from the last Hangul
    syllable; a trailing parenthesis is skipped, so the particle follows the word
    before it.
    """
    text = _spoken_end(name)
    if not text:
        return None
    last = text[-1]
    if ord(last) in _SYLLABLES:
        return (ord(last) - 0xAC00) % 28
    digits = re.search(r"\d+$", text, flags=re.ASCII)
    if digits:
        return _figure_final(digits.group(0))
    word = re.search(r"[A-Za-z]+$", text)
    if word and word.group(0).isupper():
        return _LETTER_FINALS.get(word.group(0)[-1], 0)
    return None


def korean_particle(name: str, marker: str) -> str:
    """Return the particle `marker` (either of its forms, or its paired form) after `name`."""
    particle = _KO_PAIRED.get(marker) or _KO_BARE.get(marker)
    if particle is None:
        raise ValueError(f"not a Korean particle: {marker!r}")
    after_consonant, after_vowel, paired = particle
    final = korean_final(name)
    if final is None:
        return paired
    if after_consonant == "으로":
        return after_vowel if final in (0, RIEUL) else after_consonant
    return after_consonant if final else after_vowel


def _spoken_end(name: str) -> str:
    """Return the name without what is not read before a particle (brackets, marks, joiners)."""
    text = "".join(c for c in name if unicodedata.category(c) != "Cf").rstrip()
    while True:
        stripped = re.sub(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])$", "", text)
        stripped = stripped.rstrip(" .,;:!?’”»\"'")
        if stripped == text:
            return text
        text = stripped


def _figure_final(digits: str) -> int:
    significant = digits.rstrip("0")
    if not significant:
        return _DIGIT_FINALS["0"]
    zeros = len(digits) - len(significant)
    if zeros == 0:
        return _DIGIT_FINALS[significant[-1]]
    if zeros < 4:
        return _TENS_FINALS[zeros]
    return _MYRIAD_FINALS.get(zeros // 4, 0)


# --- Mongolian (Cyrillic, Khalkha) ---------------------------------------------------

DATIVE, GENITIVE = "dative-locative", "genitive"
# Every written form of the two cases, as a catalog may write it after a hyphen.
_MN_CASES = {
    **dict.fromkeys(("д", "т", "ад", "эд", "од", "өд", "ид", "нд"), DATIVE),
    **dict.fromkeys(("ын", "ийн", "ы", "ий", "н", "ны", "ний", "гийн", "йн"), GENITIVE),
}
_CYRILLIC = "а-яёөүА-ЯЁӨҮ"
_MN_MARKER = re.compile(
    "-(" + "|".join(sorted(_MN_CASES, key=len, reverse=True)) + f")(?![{_CYRILLIC}])"
)
_VOWELS = set("аэиоөуүыяеёюй")
_BACK, _FRONT = set("аоуяёюы"), set("эөү")
# Nouns of country names whose stem changes before a suffix: a vowel that drops
# (нутаг, нутгийн) or a hidden n (холбоо, холбооны, холбоонд). Words, not names.
_FLEETING = {"нутаг": "нутг", "арал": "арл"}
_HIDDEN_N = {"холбоо"}


def mongolian_case(name: str, case: str, written: str = "") -> str:
    """Return `name` in `case` (DATIVE or GENITIVE), its last word inflected.

    An acronym, a figure or a word not in Cyrillic keeps the hyphen and the form
    as `written` in the catalog (`-д`, `-ын`), as Mongolian writes them.
    """
    match = re.search(f"[{_CYRILLIC}]+$", name)
    word = match.group(0) if match else ""
    if not word or (len(word) > 1 and word.isupper()):
        return name + (written or ("-д" if case == DATIVE else "-ын"))
    head = name[: len(name) - len(word)]
    return head + (_dative(word) if case == DATIVE else _genitive(word))


def _harmony(word: str) -> str:
    """Return the short vowel a suffix takes after `word`: а, о, э or ө."""
    for letter in reversed(word.lower()):
        if letter in _BACK:
            return "о" if letter in "оё" else "а"
        if letter in _FRONT:
            return "ө" if letter == "ө" else "э"
    return "э"  # и and е alone: front


def _dative(word: str) -> str:
    low = word.lower()
    last = low[-1]
    if low in _HIDDEN_N:
        return word + "нд"
    if last in _VOWELS:
        return word + "д"
    if last in "врсгк":
        if len(low) > 1 and low[-2] not in _VOWELS:
            return word + _harmony(word) + "д"  # улс, улсад
        return word + "т"
    if last in "нлм":
        return word + "д"
    if last in "жчшщ":
        return word + "ид"
    if last == "ь":
        return word + "д"
    stem = _stem(word)
    return stem + _harmony(word) + "д"


def _genitive(word: str) -> str:
    low = word.lower()
    last = low[-1]
    back = _harmony(word) in "ао"
    if low in _HIDDEN_N:
        return word + "ны"
    if last == "н":
        return word + ("ы" if back else "ий")
    if len(low) > 1 and last == low[-2] and last in "аэоөуү":
        return word + "гийн"  # a long vowel
    if last == "й":
        return word + "н"
    if last == "и":
        return word + "йн"
    if last in "оөуүюё":
        return word + "гийн"
    if last in "аяэе":
        return word[:-1] + ("ын" if back else "ийн")
    if last in "гкжчшщ":
        return _stem(word) + "ийн"
    if last == "ь":
        return word[:-1] + "ийн"
    return _stem(word) + ("ын" if back else "ийн")


def _stem(word: str) -> str:
    """Return the stem a vowel-initial suffix joins: нутаг → нутг, in the word's own case."""
    short = _FLEETING.get(word.lower())
    if short is None:
        return word
    return short.capitalize() if word[0].isupper() else short
