"""ActualText for the clusters whose glyphs do not spell their text, so a copy is the text.

WeasyPrint 70 maps each glyph id to one text for the whole font (its
ToUnicode), taken from the first cluster the glyph is drawn in. That holds for
Latin, Cyrillic and CJK, where a glyph is a character (or a ligature of a few,
always the same ones). It fails where shaping is contextual:

- Devanagari draws the vowel sign ि before the consonant it follows and makes
  conjuncts of several letters: a glyph gets an empty text, or the text of a
  whole cluster, and every later use of it copies that;
- Thai SARA AM (ำ) is drawn as NIKHAHIT + SARA AA, so the SARA AA glyph copies
  as ำ, or ำ copies as า ("จำกัด" became "จากัด");
- Arabic marks and ligatures (lam-alef) share glyphs between clusters.

PDF's answer is ActualText (ISO 32000-1, 14.9.4): the glyphs of such a
cluster are wrapped in `/Span <</ActualText (text)>> BDC … EMC`, inside the
marked content WeasyPrint tags each text box with, and readers copy that text
instead of the glyphs' ToUnicode. Upstream: Kozea/WeasyPrint#2841 (open) is
this defect; a pull request that gave glyphs substitute ids (#2869) was closed
unmerged.

How: `install` wraps WeasyPrint's `draw_first_line` (draw_text calls it
through its module's global name; SVG text imports it when used). Before the
original draws a line, the glyphs of its clusters of several glyphs are
mapped to their own characters (`_prefill`); after, the line's glyphs are
read again with their clusters, and a cluster (with the marks that follow it)
gets an ActualText when the ToUnicode its glyphs carry (final by then: the
first text a glyph is drawn with stays) does not spell its text, or when a
mark is drawn away from where readers expect it (`_spells`). Only then are
the `TJ` operators just written split at those Spans' edges (`_rewrite`):
each `TJ` goes on from where the one before it ended, so the page is drawn
the same. How large a Span is was found by reading the results in poppler,
PDFium and MuPDF, each of which trips on a different shape (`_spans`).

A line whose runs have one glyph a cluster, no marks and a ToUnicode that
spells them is checked in bulk and left byte for byte as WeasyPrint wrote it:
the English, Japanese, Korean and Mongolian documents do not change, and cost
about 3 % more time to draw. (A Chinese bullet that shared its glyph with the
middle dot, and copied as one, now copies as a bullet.)

Right to left, readers lay out an ActualText's characters left to right and
then reverse them with the line, so only clusters of one character get one;
a harakah WeasyPrint raises with a text rise still copies out of place in
poppler and PDFium (tests/test_copy_scripts.py).
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from typing import Any

LOGGER = logging.getLogger("weasyprint")  # a warning here fails the document (pdf._no_warnings)

_TJ = re.compile(rb"\[(.*)\] TJ", re.DOTALL)
_TOKEN = re.compile(rb"<([0-9a-fA-F]*)>|([^<>]+)")


@dataclass(frozen=True)
class _Cluster:
    """One of Pango's clusters: its text and the glyph ids it drew, left to right."""

    text: str
    glyphs: tuple[int, ...]
    moved: tuple[bool, ...]  # each glyph drawn away from its pen position (a mark)
    raised: tuple[bool, ...]  # each glyph drawn off the baseline (WeasyPrint sets a rise)


@dataclass(frozen=True)
class _Run:
    """The clusters of one run of a line, left to right, in one font and one direction."""

    font: Any
    rtl: bool
    clusters: tuple[_Cluster, ...]


@dataclass
class _Unit:
    """Text a copy takes whole: a cluster, with the marks that follow it left to right."""

    text: str
    glyphs: list[int] = field(default_factory=list)
    moved: bool = False  # a glyph after its first is drawn away from its pen position
    raised: bool = False  # a glyph is drawn off the baseline
    wrong: bool = False  # its glyphs' own texts do not spell it
    spelt: bool = True
    spans: list[int] = field(default_factory=list)  # each glyph's Span of ActualText, or 0


@dataclass(frozen=True)
class _Glyph:
    """One glyph as drawn: its code's width in hex digits, its unit and its place in it."""

    digits: int
    unit: int
    place: int


def install() -> None:
    """Make WeasyPrint give each line's unspelt text an ActualText; once per process."""
    from weasyprint.draw import text

    original = text.draw_first_line
    if getattr(original, "actual_text", False):
        return
    _check_layout()
    _tables()

    def draw_first_line(stream: Any, textbox: Any, *rest: Any) -> Any:
        lines = _read(stream, textbox)
        if lines and not all(line.plain for line in lines):
            runs = _runs(lines)
            if runs is not None:
                _prefill(runs)
        start, text = len(stream.stream), textbox.pango_layout.text
        emojis = original(stream, textbox, *rest)
        if len(stream.stream) > start:
            if textbox.pango_layout.text != text:  # an ellipsis changed the line
                lines = _read(stream, textbox)
            if lines and not all(line.spelt() for line in lines):
                runs = _runs(lines)
                if runs is not None:
                    _mark(stream, textbox, start, runs)
        return emojis

    draw_first_line.actual_text = True  # type: ignore[attr-defined]
    draw_first_line.__wrapped__ = original  # type: ignore[attr-defined]
    text.draw_first_line = draw_first_line


class _Raw:
    """One run of a line as Pango holds it, read in bulk: most lines stop at `spelt`.

    A plain class with slots: one is made for every run of every line drawn,
    and the check must cost little beside WeasyPrint's own drawing.
    """

    __slots__ = ("fields", "font", "glyphs", "plain", "rtl", "starts", "string", "text")

    def __init__(self, font: Any, rtl: bool, text: bytes, fields: list[int], starts: list[int]):
        self.font = font  # WeasyPrint's; its `to_unicode` becomes the PDF's ToUnicode
        self.rtl = rtl
        self.text = text  # the run's text, UTF-8
        self.string = text.decode()
        self.fields = fields  # PangoGlyphInfo: glyph, width, x_offset, y_offset, attributes
        self.glyphs: list[int] = fields[0::5]  # left to right
        self.starts = starts  # each glyph's cluster: where its text starts in `text`
        # One glyph a cluster and no marks: WeasyPrint maps it right, unless a
        # glyph is shared by two texts. Where a glyph is drawn does not matter
        # then: a glyph moved off its pen position (letter spacing) is its
        # cluster's only one.
        self.plain = (
            len(set(starts)) == len(self.glyphs)
            and max(self.glyphs, default=0) < _UNKNOWN
            and not _tables().has_mark(self.string)
        )

    def spelt(self) -> bool:
        """Whether the glyphs' ToUnicode spells the run's text (after WeasyPrint drew it)."""
        if not self.plain:
            return False
        pieces = list(map(self.font.to_unicode.get, self.glyphs, repeat("")))
        if _EMPTY in self.glyphs:  # drawn as nothing, mapped to nothing
            pieces = [p for g, p in zip(self.glyphs, pieces, strict=True) if g != _EMPTY]
        if self.rtl:
            pieces.reverse()
        tables = _tables()
        text = tables.visible(self.string)
        drawn = "".join(pieces)
        if drawn == text:
            return all(pieces)
        return all(pieces) and drawn.translate(tables.spaces) == text.translate(tables.spaces)


_EMPTY, _UNKNOWN = 0x0FFFFFFF, 0x10000000  # Pango's glyph for nothing, its flag for .notdef


@dataclass(frozen=True)
class _Tables:
    """Classes of characters, made once a process when the hook is installed (about 0.2 s).

    Each is two patterns, for the BMP and beyond it: a class reaching beyond
    the BMP is matched range by range, 200 times slower than a BMP one.
    """

    marks: tuple[re.Pattern[str], re.Pattern[str]]  # combining marks; Thai and Lao AM
    invisible: tuple[re.Pattern[str], re.Pattern[str]]  # format characters: drawn as nothing
    spaces: dict[int, str]  # every space separator, as a space

    def has_mark(self, text: str) -> bool:
        bmp, beyond = self.marks
        return bmp.search(text) is not None or (
            max(text, default="") > "\uffff" and beyond.search(text) is not None
        )

    def visible(self, text: str) -> str:
        bmp, beyond = self.invisible
        text = bmp.sub("", text)
        return beyond.sub("", text) if max(text, default="") > "\uffff" else text


@cache
def _tables() -> _Tables:
    def where(test: Callable[[str], bool], first: int, last: int) -> re.Pattern[str]:
        found = "".join(chr(c) for c in range(first, last) if test(unicodedata.category(chr(c))))
        return re.compile(f"[{found}]" if found else "(?!)")

    def split(test: Callable[[str], bool], first: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
        beyond = where(test, 0x10000, 0x20000).pattern, where(test, 0xE0000, 0xE1000).pattern
        return where(test, first, 0x10000), re.compile("|".join(beyond))  # planes 1 and 14

    bmp, beyond = split(lambda c: c[0] == "M", 0x300)
    return _Tables(
        (re.compile(bmp.pattern[:-1] + "\u0e33\u0eb3]"), beyond),
        split(lambda c: c == "Cf", 0xA0),
        {ord(c): " " for c in where(lambda c: c == "Zs", 0, 0x10000).pattern[1:-1]},
    )


def _read(stream: Any, textbox: Any) -> list[_Raw] | None:
    """The line's runs as WeasyPrint will draw them; None if it draws nothing."""
    from weasyprint.text.ffi import ffi, pango

    if not textbox.text.strip():
        return None  # WeasyPrint draws nothing
    layout = textbox.pango_layout
    # What draw_first_line does first: the line is laid out in this mode when drawn.
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    line, _ = layout.get_first_line()
    utf8 = layout.text.encode()
    lines = []
    fonts: dict[int, Any] = {}  # by Pango font: WeasyPrint's key for one costs more than the rest
    run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        item, run = run.data, run.next
        string, analysis, count = item.glyphs, item.item.analysis, item.glyphs.num_glyphs
        address = int(ffi.cast("uintptr_t", analysis.font))
        if address not in fonts:
            fonts[address] = stream.add_font(analysis.font)[0]
        offset = item.item.offset
        lines.append(
            _Raw(
                fonts[address],
                bool(analysis.level % 2),
                utf8[offset : offset + item.item.length],
                memoryview(ffi.buffer(string.glyphs, count * _INFO)).cast("i").tolist(),
                ffi.unpack(string.log_clusters, count),
            )
        )
    return lines


_INFO = 20  # sizeof(PangoGlyphInfo), checked by `_check_layout`


def _check_layout() -> None:
    """Refuse a Pango whose glyph records are not laid out as `_read` reads them."""
    from weasyprint.text.ffi import ffi

    if (ffi.sizeof("PangoGlyphInfo"), ffi.offsetof("PangoGlyphInfo", "geometry")) != (_INFO, 4):
        raise RuntimeError(
            "PangoGlyphInfo is not laid out as pipeline/typeset/actualtext.py reads it"
        )


def _runs(lines: list[_Raw]) -> list[_Run] | None:
    """The runs' clusters with their glyphs; None if a glyph is .notdef (the build fails anyway)."""
    runs = []
    for raw in lines:
        if any(glyph & _UNKNOWN for glyph in raw.glyphs):
            return None
        edges = sorted(set(raw.starts))
        ends = dict(zip(edges, [*edges[1:], len(raw.text)], strict=True))
        clusters: dict[int, list[tuple[int, bool, bool]]] = {}  # start -> (glyph, moved, raised)
        xs, ys = raw.fields[2::5], raw.fields[3::5]
        for glyph, first, x, y in zip(raw.glyphs, raw.starts, xs, ys, strict=True):
            members = clusters.setdefault(first, [])
            if glyph != _EMPTY:  # drawn as a move, with no code
                members.append((glyph, bool(x or y), bool(y)))
        runs.append(
            _Run(
                raw.font,
                raw.rtl,
                tuple(
                    _Cluster(
                        raw.text[first : ends[first]].decode(),
                        tuple(g for g, _, _ in members),
                        tuple(m for _, m, _ in members),
                        tuple(r for _, _, r in members),
                    )
                    for first, members in clusters.items()
                ),
            )
        )
    return runs


def _prefill(runs: list[_Run]) -> None:
    """Map each new glyph of a cluster of several to its own character, before WeasyPrint.

    WeasyPrint would give the cluster's whole text to one of its glyphs and an
    empty text to the others, for the rest of the document: Devanagari क drawn
    first in कि would copy as कि everywhere. A glyph the font's cmap maps from a
    character gets that character (the one in the cluster, if several); any
    other (a conjunct's half form, a vowel sign fused with a nasal, also when
    it is a mark's cluster alone) gets an empty text, so it is always copied
    through an ActualText (`_spells`), and MuPDF, which matches the glyphs' own
    texts with an ActualText's start and end, finds nothing to match in it. A
    raised mark alone in its cluster (a Thai tone over a vowel) keeps its
    text: the Span it needs for PDFium goes on to the end of its word
    (`_spans`), which MuPDF copies right only where every glyph spells its
    text.
    """
    for run in runs:
        for cluster in run.clusters:
            if all(g in run.font.to_unicode for g in cluster.glyphs):
                continue
            if len(cluster.glyphs) < 2 and (not _is_mark(cluster.text) or cluster.raised[0]):
                continue  # WeasyPrint maps a glyph alone in its cluster to the cluster's text
            nominal = _characters(run.font)
            for glyph in cluster.glyphs:
                own = nominal.get(glyph, ())
                inside = [c for c in own if c in cluster.text]
                run.font.to_unicode.setdefault(glyph, (inside or [*own, ""])[0])


_NOMINAL: weakref.WeakKeyDictionary[Any, dict[int, tuple[str, ...]]] = weakref.WeakKeyDictionary()


def _characters(font: Any) -> dict[int, tuple[str, ...]]:
    """The characters the font's cmap maps to each glyph id, lowest first (read once a font)."""
    if font not in _NOMINAL:
        from fontTools.ttLib import TTFont

        found: dict[int, list[str]] = {}
        with TTFont(io.BytesIO(bytes(font.file_content)), fontNumber=font.index, lazy=True) as face:
            for code, name in sorted(face.getBestCmap().items()):
                found.setdefault(face.getGlyphID(name), []).append(chr(code))
        _NOMINAL[font] = {glyph: tuple(chars) for glyph, chars in found.items()}
    return _NOMINAL[font]


def _mark(stream: Any, textbox: Any, start: int, runs: list[_Run]) -> None:
    """Put the glyphs of the line's unspelt text, from `start` on, in Spans of ActualText."""
    units: list[_Unit] = []
    drawn: list[_Glyph] = []
    ranges: list[tuple[_Run, list[_Unit]]] = []
    for run in runs:
        first = len(units)
        numbers = _units(run, units)
        ranges.append((run, units[first:]))
        for cluster, number in zip(run.clusters, numbers, strict=True):  # left to right
            unit = units[number]
            drawn += [
                _Glyph(2 if run.font.bitmap else 4, number, len(unit.glyphs) + place)
                for place in range(len(cluster.glyphs))
            ]
            unit.moved |= any(cluster.moved[1:] if not unit.glyphs else cluster.moved)
            unit.raised |= any(cluster.raised)
            unit.glyphs.extend(cluster.glyphs)
        for unit in units[first:]:
            unit.spelt = _spells(run.font.to_unicode, unit, run.rtl)
            unit.spans = [0] * len(unit.glyphs)
    if all(unit.spelt for unit in units):
        return  # the line as WeasyPrint wrote it, byte for byte
    spans = _spans(ranges)
    rewritten = _rewrite(
        stream.stream[start:], [units[g.unit].spans[g.place] for g in drawn], drawn, spans
    )
    if rewritten is None:
        LOGGER.warning(
            "could not mark the text %r for copying: WeasyPrint drew other glyphs than "
            "its line holds (pipeline/typeset/actualtext.py)",
            textbox.pango_layout.text,
        )
        return
    stream.stream[start:] = rewritten


def _units(run: _Run, units: list[_Unit]) -> list[int]:
    """Add the run's units to `units`; return the unit of each of its clusters, left to right.

    Pango shapes a Thai or Arabic mark as a cluster of its own; it is copied
    with its base, left to right. Right to left it is not: readers lay out
    the characters of an ActualText left to right and then reverse them with
    the line, so text of more than one character comes out backwards.
    """
    first = len(units)
    of: dict[int, int] = {}
    for index in range(len(run.clusters))[::-1] if run.rtl else range(len(run.clusters)):
        text = run.clusters[index].text
        if not run.rtl and len(units) > first and _is_mark(text):
            units[-1].text += text
        else:
            units.append(_Unit(text))
        of[index] = len(units) - 1
    return [of[index] for index in range(len(run.clusters))]


def _is_mark(text: str) -> bool:
    """Whether a cluster starts with a combining mark (a Thai vowel or tone, a harakah)."""
    return bool(text) and unicodedata.category(text[0]) in ("Mn", "Mc", "Me")


def _spells(to_unicode: dict[int, str], unit: _Unit, rtl: bool) -> bool:
    """Whether every reader following the glyphs' ToUnicode copies the unit's text.

    Each glyph must map to something, and the glyphs' texts in the order they
    are drawn must be the text: a vowel drawn before its consonant copies
    before it. Left to right, a mark drawn away from its pen position (Thai
    vowels and tones, Devanagari े over a consonant) is a word of its own to
    poppler, and PDFium moves a mark drawn off the baseline, so such a unit
    needs the ActualText too; right to left it gets none (see `_units`).
    Invisible characters (WORD JOINER, soft hyphen) are drawn as nothing and
    not counted.
    """
    visible = "".join(c for c in unit.text if unicodedata.category(c) != "Cf")
    if not unit.glyphs or not visible:
        return True  # nothing drawn, nothing to copy
    pieces = [to_unicode.get(glyph, "") for glyph in unit.glyphs]
    if visible.isspace() and all(piece.isspace() for piece in pieces):
        return True  # one glyph for a space and a no-break space: either copies as a space
    unit.wrong = not all(pieces) or "".join(pieces) not in (unit.text, visible)
    return not unit.wrong and not (unit.moved and not rtl)


def _spans(ranges: list[tuple[_Run, list[_Unit]]]) -> dict[int, str]:
    """Number the Spans of ActualText of each unit's glyphs (0: none); return their texts.

    A Span holds as few glyphs as can be: MuPDF matches the start and the end
    of an ActualText with the glyphs' own texts, and copies part of the text
    twice when a matching end follows a mismatch (see `_trimmed`). Two
    exceptions. A Span of a unit whose glyphs spell it (marked for where a
    mark is drawn) goes on to the end of the word: PDFium reads a raised
    glyph after the text objects that follow it, and copied the ActualText
    twice, or put a space in the word, when one was outside the Span; poppler
    ends an ActualText where its last glyph ends, so a mark drawn back over
    its base ended the word ("ढंग" copied as "ढं ग"). And a space after a Span
    goes into it: PDFium leaves out a space drawn alone between two Spans
    ("मामले में" copied as "मामलेमें").
    """
    texts: dict[int, str] = {}
    open_span, going = 0, False  # the Span the last glyph drawn is in; whether it goes on
    for run, mine in ranges:
        if run.rtl:
            open_span, going = 0, False
        for unit in mine:
            space = unit.spelt and unit.text.isspace()
            if open_span and unit.glyphs and (space or (going and not unit.wrong)):
                unit.spans = [open_span] * len(unit.glyphs)
                texts[open_span] += unit.text
                if space:
                    open_span, going = 0, False
                continue
            if unit.spelt or not unit.glyphs:
                open_span, going = 0, False
                continue
            first, last, text = _trimmed(run.font.to_unicode, unit, run.rtl)
            open_span = len(texts) + 1
            texts[open_span] = text
            unit.spans[first:last] = [open_span] * (last - first)
            going = unit.moved and not unit.wrong and not run.rtl
            if last < len(unit.glyphs):
                open_span, going = 0, False  # its last glyph copies itself, outside the Span
    return texts


def _trimmed(to_unicode: dict[int, str], unit: _Unit, rtl: bool) -> tuple[int, int, str]:
    """The glyphs (from, to) of a unit that need its ActualText, and the text they stand for.

    Trailing glyphs that spell the end of the text stay outside: MuPDF would
    match them and, matching the end after a mismatch, copy part of the text
    twice ("में" copied as "में ं"). Leading ones stay in: MuPDF matches them
    and then copies what is left of the ActualText where the Span ends, and
    poppler and PDFium copy a mark's ActualText in its own place, away from
    its base ("ครั้ง" copied as "ครัง้" in Noto Serif Thai). A unit whose
    glyphs spell it (it is marked for where a mark is drawn) is taken whole,
    as is any right to left.
    """
    if rtl or not unit.wrong:
        return 0, len(unit.glyphs), unit.text
    pieces = [to_unicode.get(glyph, "") for glyph in unit.glyphs]
    first, head, last, tail = 0, 0, len(pieces), len(unit.text)
    while (
        last - 1 > first
        and pieces[last - 1]
        and tail - len(pieces[last - 1]) >= head
        and unit.text.endswith(pieces[last - 1], head, tail)
    ):
        tail -= len(pieces[last - 1])
        last -= 1
    return first, last, unit.text[head:tail]


def _rewrite(
    written: list[Any], spans_drawn: list[int], drawn: list[_Glyph], texts: dict[int, str]
) -> list[Any] | None:
    """The line's operators with the glyphs of each Span between BDC and EMC.

    `spans_drawn` is the Span (0: none) of each glyph drawn, in order. A `TJ`
    is split where a Span starts or ends; moves stay where they were, since
    each `TJ` goes on from where the one before it ended. None if the glyphs
    written are not the glyphs counted.
    """
    out: list[Any] = []
    pending: list[bytes] = []  # the elements of the TJ being written
    index = 0  # the next glyph drawn
    open_span = 0

    def flush() -> None:
        if pending:
            out.append(b"[" + b"".join(pending) + b"] TJ")
            pending.clear()

    for operator in written:
        match = _TJ.fullmatch(operator) if isinstance(operator, bytes) else None
        if match is None:
            flush()
            out.append(operator)  # Tf, Tm, Ts: they stay where they were
            continue
        for token in _TOKEN.finditer(match.group(1)):
            codes = token.group(1)
            if codes is None:  # a move: it belongs to no glyph
                if pending and not pending[-1].endswith(b">"):
                    pending.append(b" ")  # two numbers in a row, once parted by an empty `<>`
                pending.append(token.group(2))
                continue
            position = 0
            while position < len(codes):
                if index >= len(drawn):
                    return None
                digits, span = drawn[index].digits, spans_drawn[index]
                code = codes[position : position + digits]
                position, index = position + digits, index + 1
                if span != open_span:
                    flush()
                    if open_span:
                        out.append(b"EMC")
                    if span:
                        out.append(_begin(texts[span]))
                    open_span = span
                pending.append(b"<" + code + b">")
        flush()
    if index != len(drawn):
        return None
    if open_span:
        out.append(b"EMC")
    return _merged(out)


def _begin(text: str) -> bytes:
    """The operator that opens a Span whose copy is `text` (a UTF-16BE text string)."""
    return (
        b"/Span <</ActualText <FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">>> BDC"
    )


def _merged(operators: list[Any]) -> list[Any]:
    """Join adjacent glyph strings inside each TJ again: `<0a><0b>` is `<0a0b>`."""
    return [
        operator.replace(b"><", b"")
        if isinstance(operator, bytes) and operator.endswith(b"] TJ")
        else operator
        for operator in operators
    ]
