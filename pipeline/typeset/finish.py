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

    Artifacts have no MCID: the page's other marked content is numbered again
    from 0, in its structure elements and in the parent tree, which keeps one
    element per MCID. The detached elements are written but unreachable.
    """
    import pydyf

    root = pdf.catalog.get("StructTreeRoot")
    if root is None:
        return
    root = _object(pdf, root)
    in_tree = _reachable(pdf, root)
    numbers = _object(pdf, root["ParentTree"])["Nums"]
    mapping = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
    for reference in pdf.page_references:
        page = _object(pdf, reference)
        elements = mapping.get(int(page.get("StructParents", -1)))
        if not isinstance(elements, pydyf.Array):
            continue
        kept = [
            mcid
            for mcid, element in enumerate(elements)
            if _number(element) is None or _number(element) in in_tree
        ]
        if len(kept) == len(elements):
            continue
        renumbered = {old: new for new, old in enumerate(kept)}
        _renumber_stream(_object(pdf, page["Contents"]).stream, renumbered)
        for number in {_number(elements[old]) for old in kept} - {None}:
            element = pdf.objects[number]
            if element.get("Pg") == reference:
                element["K"] = _renumbered_kids(element.get("K"), renumbered)
        elements[:] = [elements[old] for old in kept]


def _renumber_stream(stream: list[Any], renumbered: dict[int, int]) -> None:
    """Give kept marked content its new MCID; make the rest pagination artifacts."""
    import pydyf

    for index, operation in enumerate(stream):
        if not (
            isinstance(operation, pydyf.Dictionary)
            and isinstance(operation.get("MCID"), int)
            and index > 0
            and index + 1 < len(stream)
            and stream[index + 1] == b"BDC"
        ):
            continue
        new = renumbered.get(operation["MCID"])
        if new is None:
            stream[index - 1] = "/Artifact"
            stream[index] = pydyf.Dictionary({"Type": "/Pagination"})
        else:
            operation["MCID"] = new


def _renumbered_kids(kids: Any, renumbered: dict[int, int]) -> Any:
    import pydyf

    if isinstance(kids, int):
        return renumbered.get(kids, kids)
    if isinstance(kids, pydyf.Array):
        return pydyf.Array(renumbered.get(k, k) if isinstance(k, int) else k for k in kids)
    return kids


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
