"""The only module that imports WeasyPrint: safe fetching, page fitting, checked writes."""

from __future__ import annotations

import datetime as dt
import io
import logging
import mimetypes
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML, Attachment, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from pipeline.errors import BuildError
from pipeline.files import write_atomically
from pipeline.typeset import actualtext
from pipeline.typeset.finish import finish_objects
from pipeline.typeset.html import for_weasyprint

LOGGER = logging.getLogger("weasyprint")
mimetypes.add_type("application/yaml", ".yaml")  # so attachments say what they are
PX_PER_MM = 96 / 25.4


class RefusedResource(FatalURLFetchingError):
    """A document asked for something outside the allowed folders."""


class SafeFetcher(URLFetcher):
    """Fetch only existing files inside the allowed folders; anything else stops the build."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(fail_on_errors=True)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedResource(
                f"refused to fetch {url}: only files in the templates folder may be used"
            )
        raw = Path(unquote(parts.path))
        if ".." in raw.parts:
            raise RefusedResource(f"refused to fetch {url}: the path goes up with '..'")
        path = raw.resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedResource(
                f"refused to fetch {url}: it is outside " + " and ".join(str(r) for r in self.roots)
            )
        if not path.is_file():
            raise RefusedResource(f"missing file: {path}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".css":
            content_type = "text/css"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _no_warnings(what: str) -> Iterator[None]:
    """Any WeasyPrint warning or error fails the document instead of scrolling past."""
    handler = _Collect()
    LOGGER.addHandler(handler)
    try:
        yield
    finally:
        LOGGER.removeHandler(handler)
    if handler.messages:
        raise BuildError(
            f"{what}: WeasyPrint reported problems:\n  "
            + "\n  ".join(dict.fromkeys(handler.messages))
        )


def _improve_tags() -> None:
    """Two fixes to WeasyPrint 70's structure tree, made as it is built.

    - The structure element of every HTML element with `lang` gets its /Lang:
      WeasyPrint writes the document's language only, so a screen reader would
      read the English fallback in a Japanese pack with a Japanese voice.
    - A `<span>` without a language is presentation only (a class for colour or
      size): its children go to its parent instead of a Span inside a Span,
      which accessibility checkers report as a redundant span.

    The tag builder recurses through its module's global name, so wrapping that
    name reaches every element.
    """
    import pydyf
    from weasyprint.pdf import tags

    build = tags._build_box_tree
    if getattr(build, "improved", False):
        return

    def improved(box: Any, parent: Any, pdf: Any, *rest: Any) -> Iterator[Any]:
        real = getattr(box, "_box", box)
        node = getattr(real, "element", None)
        tag = getattr(real, "element_tag", None)
        lang = node.get("lang") if node is not None else None
        for element in build(box, parent, pdf, *rest):
            if lang and tag not in ("html", "body") and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
            if (
                tag == "span"
                and not lang
                and element["S"] == "/Span"
                and all(isinstance(kid, bytes) for kid in element["K"])
            ):
                for kid in element["K"]:
                    child = pdf.objects[int(kid.split()[0])]
                    child["P"] = parent.reference
                    yield child
                element["K"] = pydyf.Array()  # left out of the tree
                continue
            yield element

    improved.improved = True  # type: ignore[attr-defined]
    tags._build_box_tree = improved


@dataclass(frozen=True)
class Layout:
    """A laid-out document as the build measures it: its pages and where anchors fall.

    The WeasyPrint document stays inside this module; the rest of the build
    asks only for what it decides on.
    """

    document: Document

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def anchor_pages(self) -> dict[str, int]:
        """The page (from 0) on which each anchor first appears."""
        pages: dict[str, int] = {}
        for number, page in enumerate(self.document.pages):
            for anchor in page.anchors:
                pages.setdefault(anchor, number)
        return pages


class Typesetter:
    """Lay out HTML into PDF pages, reusing fonts and parsed stylesheets across documents."""

    def __init__(self, templates: Path, extra_roots: Sequence[Path] = ()) -> None:
        _improve_tags()
        actualtext.install()  # copying gives the text where glyphs do not spell it
        self.templates = templates
        self.fetcher = SafeFetcher([templates, *extra_roots])
        self.font_config = FontConfiguration()
        self._sheets: dict[Path, CSS] = {}

    def stylesheets(self, files: Sequence[Path], what: str) -> list[CSS]:
        """Parse each stylesheet once per process; a missing one stops the build."""
        sheets = []
        for path in files:
            if path not in self._sheets:
                try:
                    text = path.read_text(encoding="utf-8")
                except OSError:
                    raise BuildError(f"{what}: missing stylesheet {path}") from None
                try:
                    with _no_warnings(f"{what}: {path.name}"):
                        self._sheets[path] = CSS(
                            string=text,
                            base_url=path.resolve().as_uri(),
                            url_fetcher=self.fetcher,
                            font_config=self.font_config,
                        )
                except FatalURLFetchingError as error:
                    raise BuildError(f"{what}: {path.name}: {error.__cause__ or error}") from None
            sheets.append(self._sheets[path])
        return sheets

    def layout(self, html: str, what: str, stylesheets: Sequence[Path] = ()) -> Layout:
        """Return the laid-out document; refused resources and warnings are errors."""
        base_url = self.templates.resolve().as_uri() + "/"
        sheets = self.stylesheets(stylesheets, what)
        try:
            with _no_warnings(what):
                return Layout(
                    HTML(
                        string=for_weasyprint(html), base_url=base_url, url_fetcher=self.fetcher
                    ).render(font_config=self.font_config, stylesheets=sheets, optimize_images=True)
                )
        except FatalURLFetchingError as error:
            cause = error.__cause__ or error
            raise BuildError(f"{what}: {cause}") from None

    def fit_one_page(
        self,
        render: Callable[[int], str],
        densities: int,
        what: str,
        stylesheets: Sequence[Path],
        lead: int = 0,
    ) -> tuple[Layout, int]:
        """Find the loosest layout that fits one page, or say how far over the tightest is.

        Tighter steps only ever take less room, so after the loosest and the tightest
        the step is found by halving: at most four layouts for six steps. The
        `lead` pages the HTML puts before the one page (see pack.html) are not counted.
        """
        pages = lead + 1
        loosest = self.layout(render(0), what, stylesheets)
        if loosest.pages == pages:
            return loosest, 0
        tightest = densities - 1
        fitting = self.layout(render(tightest), what, stylesheets)
        if fitting.pages == pages:
            low, high = 1, tightest  # `high` fits; find the loosest that does
            while low < high:
                middle = (low + high) // 2
                candidate = self.layout(render(middle), what, stylesheets)
                if candidate.pages == pages:
                    high, fitting = middle, candidate
                else:
                    low = middle + 1
            return fitting, high
        over = _overflow_mm(fitting.document, lead)
        raise BuildError(
            f"{what} does not fit on one page even at the smallest legible size: it runs "
            f"onto {fitting.pages - lead} pages, about {over:.0f} mm over. Shorten its "
            "overview or its asks."
        )

    def pdf_bytes(self, layout: Layout, what: str, sources: Sequence[Path], when: dt.date) -> bytes:
        """Write a PDF/A-3a and PDF/UA-1 file carrying the records it was made from.

        WeasyPrint 70 writes one variant per file: it writes PDF/A-3a (tags, the
        output intent, attachments), and `_finish` adds the PDF/UA identification.
        Dates come from `when`, never the clock, so the same inputs give the same bytes.
        """
        stamp = dt.datetime(when.year, when.month, when.day)
        attachments = [
            Attachment(
                string=path.read_bytes(),
                name=path.name,
                relationship="Source",
                description=f"Source record: {path.name}",
                created=stamp,
                modified=stamp,
            )
            for path in sources
        ]
        with _no_warnings(what):
            return bytes(
                layout.document.write_pdf(
                    pdf_variant="pdf/a-3a", pdf_tags=True, attachments=attachments, finisher=_finish
                )
            )


# PDF/UA-1 identification, and the PDF/A extension schema that PDF/A requires for
# a namespace outside its predefined ones (ISO 14289-1, 6.2; ISO 19005-3, 6.6.2.3).
PDFUA_XMP = b"""<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" \
pdfuaid:part="1"/>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates which part of ISO 14289 standard is followed\
</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


def _finish(document: Document, pdf: Any) -> None:
    """Declare PDF/UA-1 beside PDF/A-3a; list each attachment once in /AF; mend the rest.

    The rest (bookmarks' labels, page furniture) is pipeline/typeset/finish.py's.
    """
    import pydyf

    finish_objects(pdf)

    if "AF" in pdf.catalog:  # WeasyPrint 70 lists each attachment twice
        seen: list[Any] = []
        for reference in pdf.catalog["AF"]:
            if reference not in seen:
                seen.append(reference)
        pdf.catalog["AF"] = pydyf.Array(seen)
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    xmp = b"".join(metadata.stream)
    end = xmp.rindex(b"</rdf:RDF>")
    metadata.stream = [xmp[:end] + PDFUA_XMP + xmp[end:]]


def _overflow_mm(document: Document, lead: int = 0) -> float:
    """Return how much content lies beyond the first page after `lead` pages, in millimetres."""
    total = 0.0
    for page in document.pages[lead + 1 :]:
        box = page._page_box
        top = box.content_box_y()
        content = [c for c in box.children if type(c).__name__ != "MarginBox"]
        bottom = max((_bottom(d) for c in content for d in (c, *_descendants(c))), default=top)
        total += max(0.0, bottom - top)
    return total / PX_PER_MM


def _descendants(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", []):
        yield child
        yield from _descendants(child)


def _bottom(box: Any) -> float:
    y, height = getattr(box, "position_y", 0), getattr(box, "height", 0)
    if not isinstance(height, int | float):
        return float(y)
    return float(y + height)


def check_pdf(data: bytes, pages: int, what: str, subsets: bool = True) -> None:
    """Refuse a PDF that is not what every file here claims to be.

    qpdf (through pikepdf) reads it in milliseconds; veraPDF, the outside proof,
    runs in the tests. Checked: it parses, has the pages laid out, declares
    PDF/A-3a and PDF/UA-1, embeds only the project's own font subsets with CIDs
    a reader can follow, and its headings start at H1 and never skip a level.
    A joined file is checked by `join.check_joined`: its parts were checked here.
    """
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            count = len(pdf.pages)
            problems = [
                *identification_problems(pdf),
                *(_font_problems(pdf) if subsets else ()),
                *_heading_problems(pdf),
            ]
    except (pikepdf.PdfError, ValueError, OSError) as error:
        raise BuildError(f"{what}: the PDF written does not parse: {error}") from None
    if count != pages:
        problems.insert(0, f"it has {count} pages, expected {pages}")
    if problems:
        raise BuildError(
            f"{what}: the PDF written is not what it claims to be:\n  "
            + "\n  ".join(dict.fromkeys(problems))
        )


def identification_problems(pdf: Any) -> Iterator[str]:
    """What a file of this project must declare: PDF/A-3a, PDF/UA-1, a language, tags."""
    xmp = bytes(pdf.Root.Metadata.read_bytes()) if "/Metadata" in pdf.Root else b""
    for claim, name in (
        (b'pdfaid:part="3"', "PDF/A-3"),
        (b'pdfaid:conformance="A"', "level A"),
        (b'pdfuaid:part="1"', "PDF/UA-1"),
    ):
        if claim not in xmp:
            yield f"its XMP metadata does not declare {name}"
    if not str(pdf.Root.get("/Lang", "")):
        yield "it has no document language (/Lang)"
    if "/StructTreeRoot" not in pdf.Root:
        yield "it is not tagged (no structure tree)"


def _font_problems(pdf: Any) -> Iterator[str]:
    """Only the project's subsets, whose CIDs are their glyph ids (see fonts.py)."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            name = str(font.get("/BaseFont", "/?"))[1:]
            if "-subset" not in name.partition("+")[2]:
                yield (
                    f"it embeds {name}, which is not one of the project's font subsets "
                    "(a text reached the page in a font fontconfig chose)"
                )
            for descendant in font.get("/DescendantFonts", []):
                program = descendant.get("/FontDescriptor", {}).get("/FontFile3")
                if program is not None and not _cids_are_glyph_ids(program):
                    yield (
                        f"its font {name} numbers CIDs apart from glyph ids: readers "
                        "that follow the specification would draw the wrong glyphs"
                    )


def _cids_are_glyph_ids(program: Any) -> bool:
    """Whether a CFF font program's charset maps every glyph id to the same CID."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    data = io.BytesIO(program.read_bytes())
    if program.get("/Subtype") == "/OpenType":
        with TTFont(data, lazy=True) as face:
            if "CFF " not in face:
                return True
            top = face["CFF "].cff.topDictIndex[0]
            charset = top.charset if hasattr(top, "ROS") else []
    else:
        cff = CFFFontSet()
        cff.decompile(data, None)
        top = cff.topDictIndex[0]
        charset = top.charset if hasattr(top, "ROS") else []
    return all(glyph == f"cid{gid:05d}" for gid, glyph in enumerate(charset) if gid)


def _heading_problems(pdf: Any) -> Iterator[str]:
    """Headings start at H1 and go down one level at a time (PDF/UA-1, 7.4.2)."""
    import pikepdf

    previous = 0
    stack = [pdf.Root.StructTreeRoot] if "/StructTreeRoot" in pdf.Root else []
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        kids = [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        tag = str(node.get("/S", ""))
        if len(tag) == 3 and tag[:2] == "/H" and tag[2].isdigit():
            level = int(tag[2])
            if level > previous + 1:
                yield f"a heading goes from level {previous} to {level}"
            previous = level
        stack.extend(k for k in reversed(kids) if isinstance(k, pikepdf.Dictionary) and "/S" in k)


_INKED = ("TextBox", "LineBox", "ReplacedBox")
_EDGE_MM = 0.5  # how far a box may reach past the page before it counts as outside it


def check_overflow(layout: Layout, what: str) -> None:
    """Fail when any box of the laid-out document reaches outside its page.

    The one-page gate counts pages; this looks at every box on every page, so a
    word too long to wrap or a table too wide to fit is an error naming the
    document, the page, the element it is in and its text, never a cut-off line.
    """
    problems = []
    for number, page in enumerate(layout.document.pages, start=1):
        width, height = page.width, page.height
        edge = _EDGE_MM * PX_PER_MM
        for box, where in _boxes_with_context(page._page_box, ()):
            if not type(box).__name__.endswith(_INKED):
                continue  # a block's own area may run on empty; its lines and text may not
            left = float(getattr(box, "position_x", 0) or 0)
            top = float(getattr(box, "position_y", 0) or 0)
            try:
                right = left + float(box.margin_width()) - float(box.margin_right or 0)
                bottom = top + float(box.margin_height()) - float(box.margin_bottom or 0)
            except (AttributeError, TypeError, ValueError):
                continue
            side = (
                "right"
                if right > width + edge
                else "left"
                if left < -edge
                else "bottom"
                if bottom > height + edge
                else None
            )
            if side is None:
                continue
            over = max(right - width, -left, bottom - height) / PX_PER_MM
            text = " ".join(_box_text(box).replace("\u2060", "").split())
            shown = f" {text[:40]!r}{'…' if len(text) > 40 else ''}" if text else ""
            problems.append(
                f"page {number}: {type(box).__name__.removesuffix('Box').lower()}"
                f"{shown} runs {over:.0f} mm past the {side} edge of the page"
                f"{' (in ' + where + ')' if where else ''}"
            )
            break  # one finding a page is enough to act on
    problems += _lost_text(layout.document)
    if problems:
        raise BuildError(
            f"{what}: content outside the page:\n  "
            + "\n  ".join(problems)
            + "\nBreak the long word or shorten the text in the record named."
        )


_NOT_COUNTED = re.compile(r"[\s\u2060\u00ad]")  # spaces, WORD JOINERs, soft hyphens


def _lost_text(document: Document) -> list[str]:
    """Name each element whose text was laid out only in part.

    A box of fixed height split across pages (the cover is one page tall) keeps
    the lines that fit and drops the rest: they are on no page, so no box lies
    outside one. Each element's own text, as the HTML has it, must be laid out
    whole; pseudo-elements only add text and are not counted.
    """
    laid: dict[int, int] = {}
    first: dict[int, tuple[int, Any]] = {}
    for number, page in enumerate(document.pages, start=1):
        stack = list(getattr(page._page_box, "children", []))
        while stack:
            box = stack.pop()
            stack += getattr(box, "children", [])
            element = getattr(box, "element", None)
            tag = getattr(box, "element_tag", "") or ""
            if type(box).__name__ != "TextBox" or element is None or "::" in tag:
                continue
            laid[id(element)] = laid.get(id(element), 0) + len(_NOT_COUNTED.sub("", box.text))
            first.setdefault(id(element), (number, element))
    problems = []
    for key, (number, element) in sorted(first.items(), key=lambda kv: kv[1][0]):
        own = (element.text or "") + "".join(child.tail or "" for child in element)
        wanted = len(_NOT_COUNTED.sub("", own))
        if laid[key] < wanted:
            classes = (element.get("class") or "").split()
            name = element.tag + (f".{classes[0]}" if classes else "")
            text = " ".join(own.split())
            problems.append(
                f"page {number}: {name} {text[:40]!r}{'…' if len(text) > 40 else ''} "
                f"runs off its page: {wanted - laid[key]} of its {wanted} characters are on "
                "no page"
            )
    return problems


PX_PER_PT = 96 / 72


def small_text(layout: Layout, floor_pt: float, within: str, besides: frozenset[str]) -> list[str]:
    """Name the text set under `floor_pt` inside elements of class `within`.

    Text inside an element whose tag or class is in `besides` (labels, notes)
    is not counted. One finding a size is enough to act on.
    """
    found: dict[float, str] = {}

    def walk(box: Any, inside: bool) -> None:
        for child in getattr(box, "children", []):
            element = getattr(child, "element", None)
            tag = getattr(child, "element_tag", None) or ""
            classes = set((element.get("class") or "").split()) if element is not None else set()
            if tag.split(":")[0] in besides or classes & besides:
                continue
            here = inside or within in classes
            text = getattr(child, "text", None)
            if here and isinstance(text, str) and text.strip("\u2060 "):
                size = round(float(child.style["font_size"]) / PX_PER_PT, 2)
                if size < floor_pt:
                    found.setdefault(size, " ".join(text.replace("\u2060", "").split()))
            walk(child, here)

    for page in layout.document.pages:
        walk(page._page_box, False)
    return [f"{text[:40]!r} at {size:g}pt" for size, text in sorted(found.items())]


def _boxes_with_context(box: Any, where: tuple[str, ...]) -> Iterator[tuple[Any, str]]:
    """Yield every box below `box` with the ids and classes of the elements around it."""
    for child in getattr(box, "children", []):
        if type(child).__name__.endswith("MarginBox"):
            continue
        element = getattr(child, "element", None)
        label = where
        if element is not None and getattr(child, "element_tag", None) not in (None, "html"):
            ident, classes = element.get("id"), element.get("class")
            mark = f"#{ident}" if ident else f".{classes.split()[0]}" if classes else ""
            if mark and (not where or where[-1] != mark):
                label = (*where, mark)
        yield child, " ".join(label[-3:])
        yield from _boxes_with_context(child, label)


def _box_text(box: Any) -> str:
    text = getattr(box, "text", None)
    if isinstance(text, str):
        return text
    return "".join(_box_text(child) for child in getattr(box, "children", []))


__all__ = [
    "RefusedResource",
    "SafeFetcher",
    "Typesetter",
    "check_overflow",
    "check_pdf",
    "small_text",
    "write_atomically",
]
