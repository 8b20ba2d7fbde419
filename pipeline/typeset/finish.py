"""What the PDF exporter mends in WeasyPrint 70's PDF objects before they are written.

Both run in WeasyPrint's finisher, on its objects in memory (pydyf), so they
cost no second parse of the file:

- Bookmarks carry no invisible characters. Their labels are the headings'
  text as laid out, with the WORD JOINERs that keep Korean words and
  hyphenated words whole on a line (pipeline/typeset/html.py): searching the
  outline of a Korean pack for "대한민국" found nothing.
- Running heads, page numbers and other page-margin text are artifacts, page
  furniture (/Artifact with /Type /Pagination). WeasyPrint tags them as spans
  whose structure elements hang outside the structure tree (it may not put an
  artifact in the tree before PDF 2.0): veraPDF lets that pass, other
  accessibility checkers flag every one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Invisible characters that only steer line breaking: a label is text to read
# and search. ZERO WIDTH (NON-)JOINER and the bidirectional marks change how a
# label is shaped or ordered, so they stay.
LINE_BREAK_ONLY = str.maketrans(dict.fromkeys("\u2060\u200b\u00ad\ufeff"))


def finish_objects(pdf: Any) -> None:
    """Mend a PDF WeasyPrint is about to write: its bookmarks, its page furniture."""
    plain_bookmarks(pdf)
    furniture_as_artifacts(pdf)


def plain_bookmarks(pdf: Any) -> None:
    """Drop the line-breaking characters from every bookmark's label."""
    import pydyf

    outlines = pdf.catalog.get("Outlines")
    if outlines is None:
        return
    for item in _outline_items(pdf, _object(pdf, outlines).get("First")):
        title = item.get("Title")
        if isinstance(title, pydyf.String) and isinstance(title.string, str):
            item["Title"] = pydyf.String(title.string.translate(LINE_BREAK_ONLY))


def _outline_items(pdf: Any, reference: Any) -> Iterator[Any]:
    while reference is not None:
        item = _object(pdf, reference)
        yield item
        yield from _outline_items(pdf, item.get("First"))
        reference = item.get("Next")


def furniture_as_artifacts(pdf: Any) -> None:
    """Mark the content outside the structure tree as pagination artifacts.

    Its MCIDs leave the parent tree (null), so every MCID left on a page is a
    structure element's; the detached elements are written but unreachable.
    """
    import pydyf

    root = pdf.catalog.get("StructTreeRoot")
    if root is None:
        return
    root = _object(pdf, root)
    in_tree = _reachable(pdf, root)
    numbers = _object(pdf, root["ParentTree"])["Nums"]
    mapping = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
    for page in (_object(pdf, reference) for reference in pdf.page_references):
        elements = mapping.get(int(page.get("StructParents", -1)))
        if not isinstance(elements, pydyf.Array):
            continue
        outside = {
            mcid
            for mcid, reference in enumerate(elements)
            if _number(reference) is not None and _number(reference) not in in_tree
        }
        if not outside:
            continue
        stream = _object(pdf, page["Contents"]).stream
        for index, operation in enumerate(stream):
            if (
                isinstance(operation, pydyf.Dictionary)
                and operation.get("MCID") in outside
                and index > 0
                and stream[index + 1] == b"BDC"
            ):
                stream[index - 1] = "/Artifact"
                stream[index] = pydyf.Dictionary({"Type": "/Pagination"})
        for mcid in outside:
            elements[mcid] = b"null"


def _reachable(pdf: Any, root: Any) -> set[int]:
    """The object numbers of the structure elements reached from the root."""
    import pydyf

    seen: set[int] = set()
    stack = [root]
    while stack:
        kids = stack.pop().get("K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pydyf.Array) else [kids]:
            number = _number(kid)
            if number is not None and number not in seen:
                seen.add(number)
                stack.append(pdf.objects[number])
    return seen


def _number(reference: Any) -> int | None:
    """The object number of an indirect reference (`b"12 0 R"`), or None."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def _object(pdf: Any, value: Any) -> Any:
    number = _number(value)
    return value if number is None else pdf.objects[number]
