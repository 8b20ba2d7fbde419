"""When a typesetting process collects its garbage: once per document, and between layouts."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


def collect_paused() -> None:
    """Free what the document's work so far left in cycles, if `one_collection` paused it.

    Collected once at the end, a pack's discarded layouts (fitting its
    summaries, say) and its layout's own garbage pile up: 250 MB more at the
    peak of a 120-page pack. A collection here walks only what was made since
    the document began (the rest is frozen), so it costs about what the end's would.
    """
    if not gc.isenabled():
        gc.collect()


@contextlib.contextmanager
def one_collection() -> Iterator[None]:
    """Collect cycles once per document, not hundreds of times while it is laid out.

    WeasyPrint makes millions of short-lived objects (a pack leaves about 100,000
    in cycles), and each automatic pass of the collector also walks the fonts,
    stylesheets and records kept for the next document: about a quarter of a
    pack's time. What survives the collection after a document is what the
    process keeps, so it is frozen out of every later pass.
    """
    if not gc.isenabled():  # paused already, by a caller
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()
        gc.freeze()
