"""The web edition's fonts: the PDFs' subsets as WOFF2, and the rules that name them.

The font stage cuts each face to the characters of the whole project once; the
web serves the same subsets, converted to WOFF2 (about half the bytes) and
remembered in the cache under the subset's hash, so a build converts a face
once. Only a language's own faces and the default group's are served: a
passage in another script (a language's own name in the switcher) is drawn by
the reader's fonts, never fetched from elsewhere.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

from pipeline.cache import Cache, Converted, digest, file_hash
from pipeline.errors import BuildError
from pipeline.files import read_nofollow
from pipeline.plan.documents import FontFace

FONTS = "fonts"  # the folder of a language's faces, beside its pages
_PRINT_ONLY = re.compile(r"^@(font-face|page)\b")


def font_css(stage_css: str, faces: Sequence[FontFace]) -> str:
    """The font stage's stylesheet of a language, its faces served from the site.

    Its rules by language and heading stay as they are; its @font-face rules
    (files in the cache) and its page-margin rule (paper only) are replaced by
    one @font-face per face the site serves.
    """
    kept = [line for line in stage_css.splitlines() if not _PRINT_ONLY.match(line)]
    served = [
        f'@font-face {{ font-family: "{face.css_family}"; '
        f'src: url("{FONTS}/{face.name}.woff2") format("woff2"); '
        f"font-weight: {face.weight}; font-style: normal; font-display: swap; }}"
        for face in faces
    ]
    return "\n".join([*served, *kept]) + "\n"


def woff2(cache: Cache, subset: Path) -> bytes:
    """Return a subset as WOFF2, converting it once per subset."""
    sha = file_hash(subset)
    if sha is None:
        raise BuildError(f"the font subset {subset} cannot be read; build again to remake it")
    key = digest("woff2", "1", sha)
    remembered = cache.recall("fonts", key, Converted)
    if remembered is not None:
        path = cache.blob(cache.folder / "fonts" / remembered.blob)
        if path is not None:
            return read_nofollow(path)
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(read_nofollow(subset)), recalcTimestamp=False) as face:
        face.flavor = "woff2"
        buffer = io.BytesIO()
        face.save(buffer)
    data = buffer.getvalue()
    path = cache.store("fonts", data, ".woff2", subset.name.split("-", 1)[0] + "-web")
    cache.remember("fonts", Converted(key=key, blob=path.name))
    return data
