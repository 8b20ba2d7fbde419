"""The join as it was before it wrote an incremental update (pipeline/join.py at ae1c137).

It opens the pack with pikepdf, merges the recipient's pages into it and saves
the whole file again. Kept here, unchanged but for its name, so the tests can
prove the incremental update means the same file (tests/test_join.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote
from xml.sax.saxutils import escape

from pipeline.errors import BuildError
from pipeline.render.links import PACK_SCHEME

if TYPE_CHECKING:
    from pikepdf import Object, Pdf


def full_rewrite_join(front: bytes, body: bytes, *, title: str | None = None) -> bytes:
    """Return one PDF/A-3a, PDF/UA-1 file: the `front` pages, then `body` as it was typeset.

    Both are the typesetter's own files (pipeline/pdf.py), made in one language
    on one date. The body keeps its page numbers, attachments, metadata and
    output intent; the front's pages are numbered i, ii, … in the page labels,
    its structure elements and bookmarks come before the body's, and its links
    into the body (`mark_links_into_pack`) go to the body's destinations. The
    title is `title`, or the front's. The same two files give the same bytes.
    """
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(body)) as pdf, pikepdf.open(io.BytesIO(front)) as extra:
            _join(pdf, extra, title)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
            return out.getvalue()
    except pikepdf.PdfError as error:
        raise BuildError(
            f"the recipient's pages and the pack could not be joined: {error}"
        ) from None


def _join(pdf: Pdf, extra: Pdf, title: str | None) -> None:
    """Put `extra`'s pages, structure, bookmarks and names in front of `pdf`'s."""
    count = len(extra.pages)
    targets = _destinations(pdf)
    _resolve_named_links(extra, _destinations(extra))  # its names may be the body's too
    for index, page in enumerate(extra.pages):
        pdf.pages.insert(index, page)
    pages: list[Object] = [pdf.pages[i].obj for i in range(count)]
    _link_into_body(pages, targets)
    _merge_structure(pdf, extra, pages)
    _merge_outlines(pdf, extra)
    _merge_names(pdf, extra)
    _page_labels(pdf, count)
    _metadata(pdf, extra, title)


def _indirect(pdf: Pdf, extra: Pdf, obj: Object) -> Object:
    """Copy one of `extra`'s objects into `pdf`; what it shares with the pages copied is kept."""
    return pdf.copy_foreign(obj if obj.is_indirect else extra.make_indirect(obj))


def _destinations(pdf: Pdf) -> dict[str, Object]:
    """Return the named destinations of a file, each as its explicit destination."""
    import pikepdf

    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    found: dict[str, Object] = {}
    for name, value in pikepdf.NameTree(names.Dests).items():
        target = value.get("/D") if isinstance(value, pikepdf.Dictionary) else value
        if isinstance(target, pikepdf.Array):
            found[str(name)] = target
    return found


def _annotations(page: Object) -> Iterator[Object]:
    yield from page.get("/Annots", ())


def _resolve_named_links(extra: Pdf, names: dict[str, Object]) -> None:
    """Make the front's links to its own anchors explicit: no name of the body's can catch them."""
    import pikepdf

    for page in extra.pages:
        for annotation in _annotations(page.obj):
            name = annotation.get("/Dest")
            if isinstance(name, pikepdf.String) and str(name) in names:
                annotation.Dest = pikepdf.Array(list(names[str(name)]))


def _link_into_body(pages: list[Object], targets: dict[str, Object]) -> None:
    """Turn each marked link into a link to the body's destination of that name."""
    import pikepdf

    missing = []
    for page in pages:
        for annotation in _annotations(page):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith(PACK_SCHEME):
                continue
            anchor = unquote(uri.removeprefix(PACK_SCHEME))
            if anchor not in targets:
                missing.append(anchor)
                continue
            del annotation["/A"]
            annotation.Dest = pikepdf.Array(list(targets[anchor]))
            annotation.Contents = pikepdf.String(anchor)
    if missing:
        raise BuildError(
            "the recipient's pages link to anchors the pack does not hold: "
            + ", ".join(f"#{anchor}" for anchor in dict.fromkeys(missing))
        )


def _merge_structure(pdf: Pdf, extra: Pdf, pages: list[Object]) -> None:
    """One structure tree: the front's elements, then the body's, under one Document.

    The front's parent-tree keys move past the body's, and its pages' and
    annotations' references to them with them.
    """
    import pikepdf

    root = pdf.Root.StructTreeRoot
    front = _indirect(pdf, extra, extra.Root.StructTreeRoot)
    tree = pikepdf.NumberTree(root.ParentTree)
    shift = max((key for key, _ in tree.items()), default=-1) + 1
    for key, value in pikepdf.NumberTree(front.ParentTree).items():
        tree[key + shift] = value
    for obj in _with_struct_parents(pages):
        for name in ("/StructParents", "/StructParent"):
            if name in obj:
                obj[name] = int(obj[name]) + shift
    root.ParentTreeNextKey = max((key for key, _ in tree.items()), default=-1) + 1
    for mapping in ("/RoleMap", "/ClassMap"):  # the body's meaning wins
        if mapping in front:
            merged = pikepdf.Dictionary({**front[mapping], **root.get(mapping, {})})
            root[mapping] = merged

    document = _document(root)
    theirs = _document(front)
    lang = extra.Root.get("/Lang")
    kids = []
    for kid in _kids(theirs):
        if isinstance(kid, pikepdf.Dictionary):
            kid.P = document
            if lang is not None and lang != pdf.Root.get("/Lang") and "/Lang" not in kid:
                kid.Lang = lang
        kids.append(kid)
    document.K = pikepdf.Array([*kids, *_kids(document)])
    _adopt(front, theirs, document)


def _adopt(front: Object, old: Object, document: Object) -> None:
    """Give the Document every element the front's parent tree reaches that was the old one's.

    WeasyPrint leaves some elements out of their parent's /K (its running heads,
    say) yet lists them in the parent tree: they too must not keep the front's
    own Document, and with it its structure tree, in the file.
    """
    import pikepdf

    seen: set[tuple[int, int]] = set()
    pending = [value for _, value in pikepdf.NumberTree(front.ParentTree).items()]
    while pending:
        value = pending.pop()
        if isinstance(value, pikepdf.Array):
            pending.extend(value)
        elif isinstance(value, pikepdf.Dictionary) and value.objgen not in seen:
            if value.is_indirect:
                seen.add(value.objgen)
            parent = value.get("/P")
            if parent is not None and parent.objgen == old.objgen:
                value.P = document
            elif parent is not None:
                pending.append(parent)


def _document(root: Object) -> Object:
    """Return the one element at the top of a structure tree (WeasyPrint's Document)."""
    import pikepdf

    top = [kid for kid in _kids(root) if isinstance(kid, pikepdf.Dictionary)]
    if len(top) != 1:
        raise BuildError(f"a structure tree has {len(top)} top elements, expected one Document")
    return top[0]


def _kids(node: Object) -> list[Object]:
    import pikepdf

    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _with_struct_parents(pages: list[Object]) -> Iterator[Object]:
    """The pages, their annotations and their form XObjects: what keys the parent tree."""
    for page in pages:
        yield page
        yield from _annotations(page)
        resources = page.get("/Resources")
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is not None:
            yield from (xobjects[name] for name in xobjects.keys())  # noqa: SIM118


def _merge_outlines(pdf: Pdf, extra: Pdf) -> None:
    """The front's bookmarks, then the body's, at one top level."""
    if "/Outlines" not in extra.Root or "/First" not in extra.Root.Outlines:
        return
    front = _indirect(pdf, extra, extra.Root.Outlines)
    if "/Outlines" not in pdf.Root or "/First" not in pdf.Root.Outlines:
        pdf.Root.Outlines = front
        return
    outlines = pdf.Root.Outlines
    item = front.First
    while True:
        item.Parent = outlines
        if "/Next" not in item:
            break
        item = item.Next
    item.Next = outlines.First
    outlines.First.Prev = item
    outlines.First = front.First
    outlines.Count = int(outlines.get("/Count", 0)) + int(front.get("/Count", 0))


def _merge_names(pdf: Pdf, extra: Pdf) -> None:
    """Add the front's named destinations and attachments that the body does not have."""
    import pikepdf

    theirs = extra.Root.get("/Names")
    if theirs is None:
        return
    names = pdf.Root.get("/Names")
    if names is None:
        names = pdf.Root.Names = pdf.make_indirect(pikepdf.Dictionary())
    for kind in ("/Dests", "/EmbeddedFiles"):
        if kind not in theirs:
            continue
        copied = pikepdf.NameTree(_indirect(pdf, extra, theirs[kind]))
        if kind not in names:
            names[kind] = pikepdf.NameTree.new(pdf).obj
        tree = pikepdf.NameTree(names[kind])
        for name, value in copied.items():
            if name not in tree:
                tree[name] = value
                if kind == "/EmbeddedFiles":
                    pdf.Root.AF = pikepdf.Array([*pdf.Root.get("/AF", ()), value])


def _page_labels(pdf: Pdf, count: int) -> None:
    """Number the front's pages i, ii, … and the body's 1, 2, … as its own pages say."""
    import pikepdf

    pdf.Root.PageLabels = pikepdf.Dictionary(
        Nums=pikepdf.Array(
            [
                0,
                pikepdf.Dictionary(S=pikepdf.Name.r),
                count,
                pikepdf.Dictionary(S=pikepdf.Name.D, St=1),
            ]
        )
    )


_XMP_TITLE = re.compile(rb"(<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>)(.*?)(</rdf:li>)", re.S)


def _metadata(pdf: Pdf, extra: Pdf, title: str | None) -> None:
    """Keep the body's metadata, titled for the recipient alike in Info and XMP."""
    import pikepdf

    if title is None:
        title = str(extra.docinfo.get("/Title", pdf.docinfo.get("/Title", "")))
    pdf.docinfo.Title = pikepdf.String(title)
    xmp = pdf.Root.Metadata.read_bytes()
    text = escape(title).encode()
    xmp, found = _XMP_TITLE.subn(lambda m: m.group(1) + text + m.group(3), xmp, count=1)
    if not found:
        raise BuildError("the pack's XMP metadata has no title to name the recipient in")
    pdf.Root.Metadata.write(xmp)
