"""The check of a joined file: its update read back as a reader reads it (`check_joined`).

`pipeline/join.py` writes the update by hand; this module reads it again
through pikepdf's qpdf and, where qpdf would have to read the pack's objects by
the thousand, from the text as written. Both sides rely on how qpdf writes
objects (`Object.unparse`: references as "n g R", every parenthesis of a literal
string escaped) and words its warnings; pyproject.toml pins pikepdf, and with
it the libqpdf it bundles, to the release these regexes were checked against.
"""

from __future__ import annotations

import io
import re
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

from pipeline.errors import BuildError
from pipeline.typeset.join import STARTXREF, kids_of, page_annotations, pdf_text, read_pack

if TYPE_CHECKING:
    from pikepdf import Object, Pdf

    from pipeline.typeset.join import Pack

_OBJ = re.compile(rb"(\d+) (\d+) obj\n")
# A reference as the join writes it (qpdf's form); strings and names are matched
# so that nothing inside them is taken for one. Group 1 is the reference.
_REF = re.compile(
    rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f]*>|/[^\s/\[\]()<>{}%]*|(?<![\d.])(\d+ \d+ R)\b"
)
# What the check reads from the text the join writes, not through qpdf: the arrays
# that list the pack's objects by the thousand. The page tree's kids; the parent
# tree, and one entry of it: a key, then an array of references (a page's marked
# content) or one reference (a link's).
_KIDS = re.compile(rb"/Kids \[([^\[\]()<>]*)\]")
_NUMS = re.compile(rb"<< /Nums \[ (.*) \] >>", re.S)
_ENTRY = re.compile(rb"(\d+) (\[[^\[\]()<>]*\]|\d+ \d+ R)\s*")


def check_joined(data: bytes, body: bytes, pages: int, what: str) -> None:
    """Refuse a joined file whose update a reader would not read as the join meant.

    Opening the whole file again costs what reading the pack did (0.1 s, most of
    it qpdf parsing the pack's object stream of 18,000 objects). The check reads
    the update alone: the pack's bytes must be the file's first part (they were
    checked when the pack was typeset, and read whole by `read_pack`), and qpdf
    reads every object the update's cross-reference stream lists, at its offset,
    in a copy of the file whose pack objects are blanked (`_masked`), so that
    reading one of the pack's is an error, never a silent 0.1 s. Caught so: an
    offset or a /Length that is wrong, a /Prev that is not the pack's
    cross-reference, a reference to an object neither the update nor the pack
    holds (read from the text as written: qpdf would read it as null), a page
    tree that does not list the front's pages (objects of the update) then
    exactly the pack's and count them all, a front page or link whose
    parent-tree entry is missing or holds an element that is not in the update
    or whose parents do not lead to the Document, and a file that no longer
    declares PDF/A-3a, PDF/UA-1 and a language.
    """
    import pikepdf

    pack = read_pack(body)
    try:
        problems = list(_update_problems(data, pack, pages))
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        problems = [f"its update does not read: {error}"]
    if problems:
        raise BuildError(f"{what}: the joined PDF is broken: " + "; ".join(problems))


def _masked(data: bytes, pack: Pack) -> bytes:
    """The joined file with the pack's objects blanked: only its cross-reference stream is kept.

    The update's offsets still hold and its /Prev must lead to that stream, but
    an object of the pack can no longer be read by mistake (qpdf parses the
    object stream of 18,000 objects it is in: the 0.1 s this check saves).
    """
    head = data[: data.index(b"\n", data.index(b"\n") + 1) + 1]  # %PDF-1.n and the binary line
    masked = bytearray(b" " * pack.startxref)
    masked[: len(head)] = head
    return bytes(masked) + data[pack.startxref :]


def _update_problems(data: bytes, pack: Pack, pages: int) -> Iterator[str]:
    import pikepdf

    from pipeline.typeset.pdf import (
        identification_problems,  # a worker has WeasyPrint loaded already
    )

    if not data.startswith(pack.data):
        yield "the pack's bytes are not its first part"
        return
    tail = STARTXREF.search(data, max(len(pack.data), len(data) - 64))
    if tail is None or data.count(b"%%EOF", len(pack.data)) != 1:
        yield "it does not end in one update, then %%EOF"
        return
    with pikepdf.open(
        io.BytesIO(_masked(data, pack)), attempt_recovery=False, inherit_page_attributes=False
    ) as pdf:
        if (
            pdf.trailer.get("/Prev") != pack.startxref
            or pdf_text(pdf.trailer.ID[0]) != pack.first_id
        ):
            yield "its cross-reference stream does not continue the pack's"
        texts = _update_texts(data, pdf, int(tail.group(1)))
        referred = {ref for text in texts.values() for ref in _REF.findall(text)}
        referred -= {b"", *(b"%d %d R" % objgen for objgen in texts)}
        dangling = sorted(referred - pack.live)
        if dangling:
            yield "it refers to objects it does not hold: " + ", ".join(
                str(ref, "ascii") for ref in dangling[:5]
            )
            return
        # Read through qpdf: the update's objects, and never the pack's (they are blanked;
        # qpdf would read one as null, and warn). The arrays that list the pack's
        # objects by the thousand are read from the text instead.
        front = yield from _page_problems(pdf, texts, pack, pages)
        yield from _structure_problems(pdf, texts, pack, front)
        yield from identification_problems(pdf)  # the catalog and XMP are the update's
        for warning in pdf.get_warnings()[:2]:  # "stream <file> (object n g, offset o): …"
            yield "qpdf: " + str(warning).partition("> ")[2]


def _update_texts(data: bytes, pdf: Pdf, offset: int) -> dict[tuple[int, int], bytes]:
    """Each object of the update as written (a stream's dictionary only), by its objgen.

    qpdf reads every object the update's cross-reference stream lists: one not
    at its offset, or a stream whose /Length does not end at `endstream`, is an
    error or a warning. The text is then taken from where qpdf found it.
    """
    import pikepdf

    head = _OBJ.match(data, offset)
    if head is None:
        raise ValueError("startxref does not point at an object")
    xref = (int(head.group(1)), int(head.group(2)))
    stream = pdf.get_object(xref)
    widths = [int(width) for width in stream.W]
    index = [int(number) for number in stream.get("/Index", [0, int(stream.Size)])]
    rows, size = bytes(stream.read_bytes()), sum(widths)
    if len(rows) != size * sum(index[1::2]):
        raise ValueError("the cross-reference stream's rows are not the ones it indexes")
    entries: dict[tuple[int, int], int] = {}  # written as is: its offset
    packed: dict[tuple[int, int], tuple[int, int]] = {}  # in an object stream: which, where
    at = 0
    for start, count in zip(index[::2], index[1::2], strict=True):
        for number in range(start, start + count):
            fields = []
            for width in widths:
                fields.append(int.from_bytes(rows[at : at + width], "big"))
                at += width
            kind = fields[0] if widths[0] else 1
            if kind == 1:
                entries[(number, fields[2])] = fields[1]
            elif kind == 2:
                packed[(number, 0)] = (fields[1], fields[2])
    texts: dict[tuple[int, int], bytes] = {}
    for objgen, where in sorted(entries.items()):
        header = b"%d %d obj\n" % objgen
        if not data.startswith(header, where):
            raise ValueError(f"the cross-reference puts {objgen[0]} {objgen[1]} R where it is not")
        start = where + len(header)
        end, head_end = data.find(b"\nendobj", start), data.find(b"\nstream\n", start)
        obj = pdf.get_object(objgen)
        if not 0 <= head_end < end:
            texts[objgen] = data[start:end]
            continue
        if not isinstance(obj, pikepdf.Stream):
            raise ValueError(f"qpdf cannot read the stream {objgen[0]} {objgen[1]} R")
        texts[objgen] = data[start:head_end]
        length = len(obj.read_raw_bytes())
        if not data.startswith(b"\nendstream\nendobj\n", head_end + len(b"\nstream\n") + length):
            raise ValueError(f"the /Length of {objgen[0]} {objgen[1]} R does not end at endstream")
        if obj.stream_dict.get("/Type") == "/ObjStm":
            content, first = bytes(obj.read_bytes()), int(obj.stream_dict.First)
            numbers = [int(number) for number in content[:first].split()]
            ends = [*numbers[3::2], len(content) - first]
            places = zip(numbers[::2], numbers[1::2], ends, strict=True)
            for place, (number, begin, end) in enumerate(places):
                if packed.get((number, 0)) == (objgen[0], place):
                    pdf.get_object((number, 0))  # qpdf reads it from the stream too
                    texts[(number, 0)] = content[first + begin : first + end].strip()
    missing = sorted(set(packed) - set(texts))
    if missing:
        raise ValueError(f"the cross-reference puts {missing[0][0]} 0 R where it is not")
    return texts


def _page_problems(
    pdf: Pdf, texts: dict[tuple[int, int], bytes], pack: Pack, pages: int
) -> Generator[str, None, list[Object]]:
    """The front's pages, objects of the update, then exactly the pack's; all counted.

    Returns the front's pages.
    """
    tree = pdf.Root.Pages
    written = _KIDS.search(texts[tree.objgen])
    kids = [ref for ref in _REF.findall(written.group(1)) if ref] if written else []
    count, front = int(tree.Count), pages - pack.page_count
    if count != pages or len(kids) != pages or front < 1:
        yield f"its page tree counts {count} pages and lists {len(kids)}, not {pages}"
        return []
    if kids[front:] != list(pack.page_refs):
        yield "its page tree does not list the pack's pages after the front's"
    found = []
    for kid in kids[:front]:
        number, generation, _ = kid.split()
        objgen = (int(number), int(generation))
        if objgen not in texts:
            yield f"its page {kid.decode()} is not one of the update's"
            continue
        page = pdf.get_object(objgen)
        if page.get("/Type") != "/Page" or page.Parent.objgen != tree.objgen:
            yield f"its page {kid.decode()} is not a page of its page tree"
        found.append(page)
    return found


def _structure_problems(
    pdf: Pdf, texts: dict[tuple[int, int], bytes], pack: Pack, pages: list[Object]
) -> Iterator[str]:
    """Each front page and link keys a parent-tree entry whose elements reach the Document."""
    root = pdf.Root.StructTreeRoot
    if [kid.objgen for kid in kids_of(root)] != [pack.document.objgen]:
        yield "its structure tree does not hold the pack's Document alone"
        return
    written = _NUMS.fullmatch(texts.get(root.ParentTree.objgen, b""))
    if written is None or _ENTRY.sub(b"", written.group(1)):
        yield "its parent tree is not one array of numbers"
        return
    found = _ENTRY.findall(written.group(1))
    keys = [int(key) for key, _ in found]
    if keys != sorted(set(keys)) or root.get("/ParentTreeNextKey") != max(keys, default=-1) + 1:
        yield "its parent tree's keys are not in order, or its next key is not past them"
    entries = dict(zip(keys, (value for _, value in found), strict=True))
    reached: set[tuple[int, int]] = set()
    for page in pages:
        keyed = [(page, page.get("/StructParents"))]
        keyed += [(link, link.get("/StructParent")) for link in page_annotations(page)]
        for owner, value in keyed:
            if value is None:
                continue
            key = int(value)
            if key not in entries:
                yield f"the parent tree has no entry {key} for {owner.objgen[0]} 0 R"
                continue
            for ref in _REF.findall(entries[key]):
                if ref:
                    number, generation, _ = ref.split()
                    element = (int(number), int(generation))
                    yield from _parent_problems(pdf, texts, element, pack, reached)


def _parent_problems(
    pdf: Pdf,
    texts: dict[tuple[int, int], bytes],
    objgen: tuple[int, int],
    pack: Pack,
    reached: set[tuple[int, int]],
) -> Iterator[str]:
    """An element of the front's is in the update, and its parents lead to the Document."""
    while objgen != pack.document.objgen and objgen not in reached:
        if objgen not in texts:
            yield f"its structure element {objgen[0]} {objgen[1]} R is not one of the update's"
            return
        reached.add(objgen)
        parent = pdf.get_object(objgen).get("/P")
        if parent is None:  # or one of the pack's, blanked
            yield f"its structure element {objgen[0]} {objgen[1]} R has no parent in the update"
            return
        objgen = parent.objgen
