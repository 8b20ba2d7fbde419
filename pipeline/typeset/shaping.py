"""The shaper's closure: every character HarfBuzz may look up for a text's characters.

A subset that keeps only the characters of the text is not enough. Before it
looks glyphs up, HarfBuzz rewrites some characters: Thai SARA AM (U+0E33)
becomes NIKHAHIT and SARA AA (U+0E4D U+0E32), and Lao AM the same pair of
Lao; Indic nukta letters are taken apart into letter and nukta; a mark
without a base gets a dotted circle (U+25CC); an invisible control is drawn
as the space glyph. Such a character missing from the subset's cmap is drawn
as .notdef, although the full face has it and the glyph check passed.

So each character is shaped alone with the full face, through a font whose
cmap look-ups are recorded: every code point the shaper asks for, and each
canonical decomposition (what a normalizer may ask for), is kept if the face
has it, and is itself shaped in turn until nothing new is asked. This is the
shaper's own behaviour, not a list of known cases; the glyphs that the
features then substitute are kept by the subsetter's closure over GSUB.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any


def shaper_closure(
    path: Path, index: int, wanted: Iterable[int], covered: frozenset[int]
) -> set[int]:
    """Return `wanted` with every code point of `covered` the shaper may look up for them.

    `path` and `index` name the full face (a collection's member by index);
    `covered` is its cmap's code points.
    """
    import uharfbuzz as hb

    parent: Any = hb.Font(hb.Face(hb.Blob.from_file_path(str(path)), index))
    asked: set[int] = set()

    def nominal(font: Any, codepoint: int, data: Any) -> int:
        asked.add(codepoint)
        return int(parent.get_nominal_glyph(codepoint) or 0)

    funcs: Any = hb.FontFuncs()
    funcs.set_nominal_glyph_func(nominal)
    recording: Any = hb.Font(parent)  # a sub-font: everything else comes from the parent
    recording.funcs = funcs
    buffer: Any = hb.Buffer()
    kept = {c for c in wanted if c in covered}
    queue = sorted(kept)
    while queue:
        codepoint = queue.pop()
        asked.clear()
        buffer.clear_contents()
        buffer.add_codepoints([codepoint])
        buffer.guess_segment_properties()
        hb.shape(recording, buffer)
        for found in sorted((asked & covered) - kept):
            kept.add(found)
            queue.append(found)
    return kept
