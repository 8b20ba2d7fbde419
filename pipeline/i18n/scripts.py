"""Writing systems: what a language's script asks of layout and of fonts.

A language brings a script (CLDR's likely script for it, unless its locale
names one), a direction, whether its letters join, and the OpenType features
its shaper applies. The font subsets keep those features; the styles drop
letter-spacing where it would break joins, and justification where the
spaces separate phrases, not words; the documents carry `dir`.
Adding a language of a known script needs nothing here; a new script gets a
line in SHAPING.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# Features every script uses in this project's documents: composition, ligatures,
# kerning and mark positioning (fontTools' "common" and "horizontal" groups).
COMMON = (
    "rvrn",
    "ccmp",
    "locl",
    "mark",
    "mkmk",
    "liga",
    "rlig",
    "calt",
    "clig",
    "curs",
    "kern",
    "rclt",
)
DIRECTIONAL = {"ltr": ("ltra", "ltrm"), "rtl": ("rtla", "rtlm")}
_JOINING = ("isol", "init", "medi", "fina", "med2", "fin2", "fin3", "cswh", "mset", "stch")
_INDIC = (
    "nukt",
    "akhn",
    "rphf",
    "rkrf",
    "pref",
    "blwf",
    "half",
    "abvf",
    "pstf",
    "cfar",
    "vatu",
    "cjct",
    "init",
    "pres",
    "abvs",
    "blws",
    "psts",
    "haln",
    "dist",
    "abvm",
    "blwm",
)
_EAST_ASIAN = ("palt", "halt", "vkrn")
# The features HarfBuzz's shaper for each script applies (ISO 15924 codes).
SHAPING: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("Arab", "Syrc", "Mong", "Nkoo", "Phag", "Mand", "Mani", "Adlm", "Rohg", "Sogd", "Chrs"),
        _JOINING,
    ),
    **dict.fromkeys(
        (
            "Deva",
            "Beng",
            "Guru",
            "Gujr",
            "Orya",
            "Taml",
            "Telu",
            "Knda",
            "Mlym",
            "Sinh",
            "Khmr",
            "Mymr",
            "Tibt",
            "Java",
            "Bali",
        ),
        _INDIC,
    ),
    **dict.fromkeys(("Hang", "Kore"), ("ljmo", "vjmo", "tjmo", *_EAST_ASIAN)),
    **dict.fromkeys(("Jpan", "Hans", "Hant", "Hani"), _EAST_ASIAN),
}
JOINED = frozenset(script for script, features in SHAPING.items() if features == _JOINING)
# Scripts written without spaces between words, whose spaces end phrases (Thai,
# Lao, Khmer, Myanmar). Justifying their lines stretches those few spaces into
# gaps several words wide, since the typesetter stretches only spaces: they are
# set ragged. Their line breaks between words come from Pango (libthai for
# Thai: system-packages.txt).
PHRASE_SPACED = frozenset({"Thai", "Laoo", "Khmr", "Mymr"})
# Scripts whose letters are never spaced out (tracked): joined letters would come
# apart, and in Indic, Thai and Lao clusters a mark would stand off its base; the
# readers copy such gaps as spaces inside a word ("ส รุปห นึ่ง").
UNTRACKED = JOINED | PHRASE_SPACED | frozenset(s for s, f in SHAPING.items() if f == _INDIC)


@dataclass(frozen=True)
class Script:
    """A language's writing system, as layout and fonts need to know it."""

    code: str  # ISO 15924: Latn, Cyrl, Jpan, Arab...
    direction: str  # "ltr" or "rtl"

    @property
    def joined(self) -> bool:
        """Letters join (Arabic, Mongolian): letter-spacing would break the words apart."""
        return self.code in JOINED

    @property
    def tracked(self) -> bool:
        """Letters may be spaced out (small capitals, labels): not where they form clusters."""
        return self.code not in UNTRACKED

    @property
    def justified(self) -> bool:
        """Lines may be justified: stretching the spaces spreads words, not phrases."""
        return self.code not in PHRASE_SPACED

    @property
    def features(self) -> tuple[str, ...]:
        """The OpenType features a font subset for this script must keep."""
        return tuple(
            dict.fromkeys((*COMMON, *DIRECTIONAL[self.direction], *SHAPING.get(self.code, ())))
        )


@functools.cache
def script_of(locale: str) -> Script:
    """The script of a language or locale (`ar`, `zh_Hans_CN`, `mn_Mong_CN`)."""
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Script("Latn", "ltr")
    likely = get_global("likely_subtags")
    script = parsed.script
    if script is None:
        full = likely.get(str(parsed)) or likely.get(parsed.language) or ""
        parts = full.split("_")
        script = parts[1] if len(parts) > 2 else "Latn"
    direction = "rtl" if parsed.character_order == "right-to-left" else "ltr"
    return Script(script, direction)


def direction_of(locale: str) -> str:
    return script_of(locale).direction
