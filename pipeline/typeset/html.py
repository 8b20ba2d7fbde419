"""What the PDF exporter does to the HTML before WeasyPrint lays it out.

Workarounds for WeasyPrint, and for WeasyPrint only: the web edition gets the
templates' HTML as rendered (a browser supports `word-break: keep-all`).
"""

from __future__ import annotations

import re
from collections.abc import Callable


def for_weasyprint(html: str) -> str:
    """Return the HTML WeasyPrint is given: the golden files show this."""
    return keep_hyphenated_words(keep_hangul_words(drop_layout_whitespace(html)))


_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
# Text between tags; a tag, and the text of `<title>`, `<style>` and `<script>`, kept as is.
_TEXT_NODE = re.compile(r"(<(title|style|script)\b.*?</\2>)|(<[^>]*>)|([^<]+)", re.S)
_HANGUL_WORD = re.compile(rf"[^\s<>]*[{_HANGUL}][^\s<>]*")
_UNIT = re.compile(r"&#?\w+;|.", re.S)  # a character, or an escaped one kept whole
WORD_JOINER = "\u2060"


def keep_hangul_words(html: str) -> str:
    """Let Korean lines break between words, never inside one.

    This is CSS `word-break: keep-all`, which WeasyPrint 70 does not support.
    A WORD JOINER (U+2060: invisible, no glyph, not in the extracted text)
    between the characters of each Korean word forbids a break there; it lays
    out as fast as plain text, where a nowrap span per word was twelve times
    slower.
    """

    def word(match: re.Match[str]) -> str:
        return WORD_JOINER.join(_UNIT.findall(match.group(0)))

    return _in_text(html, lambda text: _HANGUL_WORD.sub(word, text))


def _in_text(html: str, change: Callable[[str], str]) -> str:
    """Apply `change` to each run of the document's text, and to nothing else."""

    def node(match: re.Match[str]) -> str:
        text = match.group(4)
        return match.group(0) if text is None else change(text)

    return _TEXT_NODE.sub(node, html)


# A hyphen or dash between two letters or digits, in text.
# A run of dashes is joined after its last: a font may set "——" as one glyph,
# and a joiner inside it made its copied text a stray letter.
_DASHES = "\\-\u2010-\u2015"
_JOINED_DASH = re.compile(rf"(?<=[^\s<>&;\u2060{_DASHES}])([{_DASHES}]+)(?=[^\s<>\u2060{_DASHES}])")


def keep_hyphenated_words(html: str) -> str:
    """Never break a line after a hyphen or dash inside a word ("Six-Party", "North–South").

    Pango breaks after them as UAX #14 allows, and at such a break poppler and
    PDFium copy "SixParty", MuPDF and pdf.js "Six- Party": a sentence copied
    out of the PDF was not the sentence. A WORD JOINER after the dash forbids
    the break and is not copied; the hyphen stays the hyphen (U+2011, a
    non-breaking hyphen, would copy as another character). A compound longer
    than its line still wraps, as any long word does (`overflow-wrap`).
    """

    return _in_text(html, lambda text: _JOINED_DASH.sub(lambda d: d.group(1) + WORD_JOINER, text))


# Elements whose neighbouring whitespace CSS always drops (no template uses `pre`).
_BLOCKS = frozenset(
    re.findall(
        r"\w+",
        """
    html head body meta title link section nav header footer div p h1 h2 h3 h4 h5 h6
    ul ol li dl dt dd table thead tbody tfoot tr th td""",
    )
)
_GAP = re.compile(r"(</?([a-z][a-z0-9]*)\b[^>]*>)\s+(?=</?([a-z][a-z0-9]*)\b)")


def drop_layout_whitespace(html: str) -> str:
    """Remove the templates' indentation between tags where a block starts or ends.

    It shows nothing on the page, but WeasyPrint parses each such run and builds,
    then discards, a box for it: about 900 in a pack, 7 % of its layout time.
    Whitespace between two inline elements (a space between words) is kept.
    """

    def gap(match: re.Match[str]) -> str:
        if match.group(2) in _BLOCKS or match.group(3) in _BLOCKS:
            return match.group(1)
        return match.group(0)

    return _GAP.sub(gap, html)
