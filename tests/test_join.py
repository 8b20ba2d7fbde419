"""A recipient's own pages joined in front of a language pack typeset once.

The pack is built as `briefing build` builds it; the recipient's pages are
typeset alone from `recipient.html`; `join_documents` makes one file of them.
What a reader sees is checked with readers other than the one that joined it
(pypdf, PyMuPDF, poppler, veraPDF).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pymupdf
import pypdf
import pytest
from full_rewrite import full_rewrite_join
from readers import disagreements
from support import FIXTURES, STATEMENTS, page_texts, squash

import pipeline.typeset.join as join_module
from pipeline import BuildRequest, Paths, Worker, build_all, plan_build
from pipeline.errors import BuildError
from pipeline.render.links import PACK_SCHEME, mark_links_into_pack
from pipeline.typeset.join import join_documents
from pipeline.typeset.join_check import check_joined
from pipeline.typeset.pdf import check_pdf

MUPDF: Any = pymupdf  # untyped: reached through Any
RECIPIENTS = FIXTURES / "join" / "recipients.yaml"
TODAY = dt.date(2025, 6, 1)


@dataclass(frozen=True)
class Joined:
    """One recipient's pages, the pack they go in front of, and the joined file."""

    front: bytes
    body: bytes
    data: bytes
    path: Path
    title: str

    @property
    def front_pages(self) -> int:
        return len(pypdf.PdfReader(io.BytesIO(self.front)).pages)


class Maker:
    """Build recipients' packs with `briefing build`'s own code, keeping the parts."""

    def __init__(self, out: Path, cache: Path) -> None:
        self.out = out
        self.cache = cache

    def paths(self, statements: tuple[str, ...]) -> Paths:
        return Paths(records=STATEMENTS, out=self.out / f"out-{len(statements)}", cache=self.cache)

    def request(self, statements: tuple[str, ...]) -> BuildRequest:
        return BuildRequest(
            only="recipients", langs="en", statements=statements, today=TODAY, recipients=RECIPIENTS
        )

    def pack(self, lang: str, statements: tuple[str, ...] = ()) -> bytes:
        """Build the recipients' packs; return the language pack they were joined to."""
        paths = self.paths(statements)
        build_all(paths, self.request(statements))
        # A pack of some statements only has a name of its own (never the full pack's).
        name = "briefing-pack" + "".join(f".only-{'+'.join(statements)}" for _ in statements[:1])
        return (paths.out / lang / f"{name}.pdf").read_bytes()

    def front(self, recipient_id: str, statements: tuple[str, ...] = ()) -> bytes:
        """Made a recipient's own pages alone, as a build's worker does before joining."""
        plan = plan_build(self.paths(statements), self.request(statements))
        job = next(j for j in plan.jobs if j.recipient and j.recipient.id == recipient_id)
        return Worker(plan.context).make(job).data

    def joined(self, recipient_id: str, lang: str) -> Joined:
        body = self.pack(lang)
        path = self.paths(()).out / "recipients" / f"{recipient_id}.pdf"
        data = path.read_bytes()
        with pikepdf.open(io.BytesIO(data)) as pdf:
            title = str(pdf.docinfo.Title)
        return Joined(self.front(recipient_id), body, data, path, title)


@pytest.fixture(scope="module")
def maker(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Maker:
    return Maker(tmp_path_factory.mktemp("join"), cache_dir)


@pytest.fixture(scope="module")
def english(maker: Maker) -> Joined:
    return maker.joined("test-kr-park", "en")


@pytest.fixture(scope="module")
def japanese(maker: Maker) -> Joined:
    return maker.joined("test-jp-sato", "ja")


def _pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


# --- What the reader sees ------------------------------------------------------------


@pytest.mark.typeset
def test_the_recipients_pages_come_first_then_the_pack_as_typeset_alone(english: Joined) -> None:
    assert english.front_pages == 2
    assert _pages(english.data) == english.front_pages + _pages(english.body)
    texts = page_texts(english.path)
    assert "PREPAREDFOR" in squash(texts[0]).upper()  # set in capitals, letter-spaced
    assert "Hon. Robin Park (fictional)" in texts[0]
    assert "Asks concerning South Korea\nWhat the joint statements ask" in texts[1]
    with (
        pikepdf.open(io.BytesIO(english.data)) as joined,
        pikepdf.open(io.BytesIO(english.body)) as pack,
    ):
        for number, page in enumerate(pack.pages):
            mine = joined.pages[english.front_pages + number]
            assert mine.obj.Contents.read_bytes() == page.obj.Contents.read_bytes(), number


@pytest.mark.typeset
def test_page_labels_are_roman_for_the_recipient_and_the_packs_own_after(
    english: Joined,
) -> None:
    labels = pypdf.PdfReader(english.path).page_labels
    pack = _pages(english.body)
    assert labels == ["i", "ii", *(str(n) for n in range(1, pack + 1))]
    # The pack's own footer still says page 1 of N on its first page with one.
    texts = page_texts(english.path)
    assert f"Page 2 of {pack}" in texts[english.front_pages + 1]
    assert texts[1].rstrip().endswith("ii")


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """Every bookmark as (level, title, page index)."""

    def walk(items: Sequence[object], level: int) -> Iterator[tuple[int, str, int]]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item, level + 1)
            else:
                assert isinstance(item, pypdf.generic.Destination)
                page = reader.get_destination_page_number(item)
                assert page is not None and page >= 0, item.title
                yield level, str(item.title), page

    return list(walk(reader.outline, 0))


def test_the_outline_is_the_recipients_bookmarks_then_the_packs(english: Joined) -> None:
    joined = _outline(pypdf.PdfReader(english.path))
    pack = _outline(pypdf.PdfReader(io.BytesIO(english.body)))
    front = [entry for entry in joined[: len(joined) - len(pack)]]
    assert front[0] == (0, "Asks concerning South Korea", 1)
    assert all(page == 1 for _, _, page in front)
    assert len(front) > 1  # one bookmark per statement that asks something of Korea
    shifted = [(level, title, page + english.front_pages) for level, title, page in pack]
    assert joined[len(front) :] == shifted


def _destination_pages(pdf: pikepdf.Pdf) -> Iterator[tuple[int, str, int | None]]:
    """Every link: the page it is on, what it says it goes to, the page it goes to."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
    for number, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", ()):
            if annotation.get("/Subtype") != "/Link":
                continue
            target = annotation.get("/Dest")
            if isinstance(target, pikepdf.String):
                target = names.get(str(target))
            landing = pages.get(target[0].objgen) if isinstance(target, pikepdf.Array) else None
            yield number, str(annotation.get("/Contents", "")), landing


def test_every_link_goes_to_a_page_of_the_file(english: Joined) -> None:
    with pikepdf.open(english.path) as pdf:
        links = list(_destination_pages(pdf))
    assert len(links) > 50
    assert [link for link in links if link[2] is None] == []
    assert not any(PACK_SCHEME in text for _, text, _ in links)


def test_the_asks_link_to_the_line_of_their_resolution_or_item(english: Joined) -> None:
    """As MuPDF follows them: a resolution's line starts with its number, an item's with •."""
    document = MUPDF.open(english.path)
    links = [link for link in document[1].get_links() if link["kind"] == MUPDF.LINK_GOTO]
    shown = document[1].get_text("words")
    assert len(links) >= 4
    for link in links:
        _, anchor = document.xref_get_key(link["xref"], "Contents")
        words = (w[4] for w in shown if MUPDF.Rect(w[:4]).intersects(link["from"]))
        number = " ".join(words).strip("(),")  # "2005 (4)": the link is the number
        resolution = re.fullmatch(r"ipcnkr-\d{4}-\w+-r-(\d+)(-i-\d+)?", anchor)
        assert resolution is not None and number == resolution.group(1), (anchor, number)
        assert link["page"] >= english.front_pages
        line = sorted(
            (w for w in document[link["page"]].get_text("words") if abs(w[1] - link["to"].y) < 3),
            key=lambda w: w[0],
        )
        expected = "•" if resolution.group(2) else f"{number}."
        assert line and line[0][4] == expected, (anchor, link["page"], line[:3])


def test_one_structure_tree_holds_both_parts_in_page_order(english: Joined) -> None:
    with pikepdf.open(english.path) as pdf, pikepdf.open(io.BytesIO(english.front)) as front:
        root = pdf.Root.StructTreeRoot
        everything = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)]
        assert [o.objgen for o in everything if o.get("/Type") == "/StructTreeRoot"] == [
            root.objgen
        ]  # the front's own is not left in the file
        assert len([o for o in everything if o.get("/S") == "/Document"]) == 1
        documents = _kids(root)
        assert [str(d.S) for d in documents] == ["/Document"]
        kids = _kids(documents[0])
        with pikepdf.open(io.BytesIO(english.body)) as pack:
            parts = [_kids(_kids(part.Root.StructTreeRoot)[0]) for part in (front, pack)]
        assert len(kids) == sum(map(len, parts)) > 2
        first_pages = [_first_page(pdf, kid) for kid in kids]
        assert first_pages == sorted(first_pages)
        assert all(kid.P.objgen == documents[0].objgen for kid in kids)
        tree = dict(pikepdf.NumberTree(root.ParentTree).items())
        assert int(root.ParentTreeNextKey) == max(tree) + 1 == len(tree)
        for number, page in enumerate(pdf.pages):
            marked = tree[int(page.obj.StructParents)]
            assert all(element.Pg.objgen == page.obj.objgen for element in marked), number
            for annotation in page.obj.get("/Annots", ()):
                element = tree[int(annotation.StructParent)]
                assert str(element.S) == "/Link"
                objects = [
                    k.Obj.objgen
                    for k in _kids(element)
                    if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                ]
                assert annotation.objgen in objects


def _kids(node: pikepdf.Object) -> list[pikepdf.Object]:
    return list(node.K) if isinstance(node.K, pikepdf.Array) else [node.K]


def _first_page(pdf: pikepdf.Pdf, element: pikepdf.Object) -> int:
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    return pages[element.Pg.objgen]


@pytest.mark.typeset
def test_the_attachments_and_metadata_are_the_packs_titled_for_the_recipient(
    english: Joined,
) -> None:
    check_pdf(english.data, _pages(english.data), "the joined file")
    with pikepdf.open(english.path) as pdf, pikepdf.open(io.BytesIO(english.body)) as pack:
        assert sorted(pdf.attachments) == sorted(pack.attachments) != []
        assert len(pdf.Root.AF) == len(pack.Root.AF)
        assert str(pdf.docinfo.Title) == english.title
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            assert xmp["dc:title"] == english.title
            assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "A"
            assert xmp["pdfuaid:part"] == "1"
        for key in ("/Author", "/Subject", "/CreationDate", "/ModDate", "/Producer"):
            assert pdf.docinfo[key] == pack.docinfo[key], key
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.MarkInfo.Marked) and bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert len(pdf.Root.OutputIntents) == 1


def test_joining_twice_gives_the_same_bytes(english: Joined) -> None:
    again = join_documents(english.front, english.body, title=english.title)
    assert again == english.data


@pytest.mark.typeset
def test_japanese_pages_join_and_read_in_every_engine(japanese: Joined) -> None:
    texts = page_texts(japanese.path)
    assert "送付先" in squash(texts[0]) and "佐藤 花子" in texts[0]
    assert "日本に関する要請" in texts[1]
    labels = pypdf.PdfReader(japanese.path).page_labels
    assert labels[: japanese.front_pages + 1] == ["i", "ii", "1"]
    assert disagreements(japanese.path) == []


@pytest.mark.typeset
def test_a_link_to_an_anchor_the_pack_does_not_hold_names_it(maker: Maker) -> None:
    """Recipient's pages made for both statements, a pack of the 2007 one only."""
    body = maker.pack("en", ("ipcnkr-2007-seoul",))
    front = maker.front("test-kr-park")
    with pytest.raises(BuildError, match=r"does not hold: #ipcnkr-2005-tokyo-r-\d+"):
        join_documents(front, body, title="t")


def test_only_links_to_anchors_elsewhere_are_marked() -> None:
    html = '<p id="here"><a href="#here">a</a> <a href="#there">b</a> <a href="https://x/#y">c'
    assert mark_links_into_pack(html) == (
        f'<p id="here"><a href="#here">a</a> <a href="{PACK_SCHEME}there">b</a> '
        '<a href="https://x/#y">c'
    )


# --- The join is an update of the pack, the same file the full rewrite made ---------------


def _normalised(data: bytes) -> bytes:
    """The file as qpdf writes it again: trees flat, no object streams, streams decoded.

    Two files that give the same bytes here have the same objects, related alike;
    only how they were numbered, compressed and split into tree nodes differs.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        nums: list[Any] = []
        for key, value in pikepdf.NumberTree(root.ParentTree).items():
            nums += [key, value]
        root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
        names = pdf.Root.get("/Names")
        for kind in ("/Dests", "/EmbeddedFiles"):
            if names is not None and kind in names:
                pairs: list[Any] = []
                for name, value in pikepdf.NameTree(names[kind]).items():
                    pairs += [pikepdf.String(name), value]
                names[kind] = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(pairs)))
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
        )
        return out.getvalue()


def _assert_same_file(new: bytes, old: bytes) -> None:
    ours, theirs = _normalised(new), _normalised(old)
    if ours != theirs:  # say where, not a diff of megabytes
        lines = zip(ours.split(b"\n"), theirs.split(b"\n"), strict=False)
        first = next((n, a, b) for n, (a, b) in enumerate(lines) if a != b)
        pytest.fail(f"the files differ first at line {first[0]}: {first[1]!r} != {first[2]!r}")


@pytest.mark.typeset
@pytest.mark.parametrize("language", ["english", "japanese"])
def test_the_update_makes_the_file_the_full_rewrite_made(
    language: str, request: pytest.FixtureRequest
) -> None:
    joined: Joined = request.getfixturevalue(language)
    old = full_rewrite_join(joined.front, joined.body, title=joined.title)
    assert joined.data.startswith(joined.body) and not old.startswith(joined.body)
    _assert_same_file(joined.data, old)


def _without_bookmarks(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        del pdf.Root.Outlines
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _with_attachment(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.attachments["note.txt"] = pikepdf.AttachedFileSpec(
            pdf,
            b"a note of the recipient's",
            description="Note",
            filename="note.txt",
            mime_type="text/plain",
            creation_date="D:20250601000000Z",
            mod_date="D:20250601000000Z",
        )
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def test_the_update_follows_the_rewrite_where_the_packs_do_not_go(english: Joined) -> None:
    """A pack without bookmarks (the front's outline root is the file's); a front with
    an attachment (added to the pack's, and to /AF)."""
    body = _without_bookmarks(english.body)
    front = _with_attachment(english.front)
    new = join_documents(front, body, title="t")
    check_joined(new, body, _pages(new), "the joined file")
    _assert_same_file(new, full_rewrite_join(front, body, title="t"))
    with pikepdf.open(io.BytesIO(new)) as pdf:
        assert "note.txt" in pdf.attachments and len(pdf.Root.AF) == len(pdf.attachments)
        with pdf.open_outline() as outline:
            assert outline.root[0].title == "Asks concerning South Korea"


def test_the_update_continues_the_packs_cross_reference_and_identifier(english: Joined) -> None:
    update = english.data[len(english.body) :]
    pack_end = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", english.body)
    assert pack_end is not None and english.data.startswith(english.body)
    assert update.count(b"%%EOF") == 1 and update.endswith(b"%%EOF\n")
    assert b"/XRefStm" not in update  # no hybrid file (PDF/A-3, 6.1.4)
    with (
        pikepdf.open(io.BytesIO(english.data)) as joined,
        pikepdf.open(io.BytesIO(english.body)) as pack,
    ):
        assert joined.trailer.Type == "/XRef"
        assert int(joined.trailer.Prev) == int(pack_end.group(1))
        assert joined.trailer.ID[0] == pack.trailer.ID[0] != joined.trailer.ID[1]
        assert "/Filter" not in joined.Root.Metadata.stream_dict
        with joined.open_metadata(set_pikepdf_as_editor=False) as xmp:
            assert xmp["dc:title"] == str(joined.docinfo.Title) == english.title


def test_a_pack_is_read_once_per_process(english: Joined, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second join of a pack and its check open neither the pack nor the whole file."""
    read = join_module._read_pack
    reads: list[bytes] = []

    def reading(data: bytes, digest: bytes) -> Any:
        reads.append(digest)
        return read(data, digest)

    opened: list[int] = []
    open_pdf = pikepdf.open

    def opening(source: Any, **options: Any) -> pikepdf.Pdf:
        opened.append(len(source.getvalue()) if isinstance(source, io.BytesIO) else -1)
        return open_pdf(source, **options)

    monkeypatch.setattr(join_module, "_read_pack", reading)
    join_module._PACKS.clear()
    assert join_documents(english.front, english.body, title=english.title) == english.data
    assert len(reads) == 1
    monkeypatch.setattr(pikepdf, "open", opening)
    again = join_documents(english.front, english.body, title=english.title)
    check_joined(again, english.body, _pages(again), "the joined file")
    assert again == english.data and len(reads) == 1
    assert len(english.body) not in opened and len(english.front) in opened


def test_a_process_keeps_the_last_six_packs(english: Joined) -> None:
    join_module._PACKS.clear()
    packs = [english.body + b"\n" * n for n in range(7)]  # seven packs, as far as a hash goes
    for pack in packs:
        join_documents(english.front, pack, title=english.title)
    kept = [pack.data for pack in join_module._PACKS.values()]
    assert kept == packs[1:]


def _edit_update(
    monkeypatch: pytest.MonkeyPatch, edit: Callable[[Any, dict[tuple[int, int], bytes]], None]
) -> None:
    """Make the join write its update with one mistake: `edit` changes the objects' text."""
    write = join_module._write_update

    def broken(pack: Any, plain: dict[tuple[int, int], bytes], *rest: Any) -> bytes:
        plain = dict(plain)
        edit(pack, plain)
        return write(pack, plain, *rest)

    monkeypatch.setattr(join_module, "_write_update", broken)


def _front_objects(pack: Any, plain: dict[tuple[int, int], bytes], kind: bytes) -> list[Any]:
    return [objgen for objgen, text in plain.items() if objgen[0] >= pack.size and kind in text]


def _drop_element(pack: Any, plain: dict[tuple[int, int], bytes]) -> None:
    del plain[_front_objects(pack, plain, b"/StructElem")[0]]


def _miscount(pack: Any, plain: dict[tuple[int, int], bytes]) -> None:
    objgen = pack.pages.objgen
    plain[objgen] = re.sub(rb"/Count (\d+)", rb"/Count 1\1", plain[objgen])


def _lose_entry(pack: Any, plain: dict[tuple[int, int], bytes]) -> None:
    objgen = pack.parent_tree.objgen
    plain[objgen] = re.sub(rb" \d+ (\[[^\[\]]*\]|\d+ \d+ R) \] >>$", rb" ] >>", plain[objgen])


def _reparent(pack: Any, plain: dict[tuple[int, int], bytes]) -> None:
    document = b"/P %d 0 R" % pack.document.objgen[0]
    element = next(o for o in _front_objects(pack, plain, b"/StructElem") if document in plain[o])
    plain[element] = plain[element].replace(document, b"/P %d 0 R" % (pack.document.objgen[0] + 1))


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        (_drop_element, "refers to objects it does not hold"),
        (_miscount, "its page tree counts"),
        (_lose_entry, "the parent tree has no entry"),
        (_reparent, "has no parent in the update"),
    ],
    ids=["dangling reference", "page count", "parent-tree entry", "structure element"],
)
def test_a_join_written_wrong_is_refused(
    english: Joined, monkeypatch: pytest.MonkeyPatch, mistake: Callable[..., None], said: str
) -> None:
    check_joined(english.data, english.body, _pages(english.data), "the joined file")
    _edit_update(monkeypatch, mistake)
    broken = join_documents(english.front, english.body, title=english.title)
    with pytest.raises(BuildError, match=f"the joined PDF is broken: .*{said}"):
        check_joined(broken, english.body, _pages(english.data), "the joined file")


def _shift_object(data: bytes, body: bytes) -> bytes:
    """The first object of the update renumbered in its header: its offset is wrong now."""
    match = re.compile(rb"\n(\d+) 0 obj\n").search(data, len(body) - 1)
    assert match is not None
    return data[: match.start(1)] + b"%d" % (int(match.group(1)) + 1) + data[match.end(1) :]


def _lengthen_metadata(data: bytes, body: bytes) -> bytes:
    """The XMP stream's /Length one byte long: it takes in the end of line before endstream."""
    update = re.sub(
        rb"/Length (\d+) /Subtype /XML",
        lambda m: b"/Length %d /Subtype /XML" % (int(m.group(1)) + 1),
        data[len(body) :],
    )
    return data[: len(body)] + update


def _move_prev(data: bytes, body: bytes) -> bytes:
    return data[: len(body)] + re.sub(
        rb"/Prev (\d+)", lambda m: b"/Prev %d" % (int(m.group(1)) - 7), data[len(body) :]
    )


def _change_pack(data: bytes, body: bytes) -> bytes:
    middle = len(body) // 2
    return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (_shift_object, "puts .* where it is not"),
        (_lengthen_metadata, "does not end at endstream"),
        (_move_prev, "does not continue the pack's"),
        (_change_pack, "the pack's bytes are not its first part"),
    ],
    ids=["offset", "length", "prev", "pack"],
)
def test_a_damaged_update_is_refused(
    english: Joined, damage: Callable[[bytes, bytes], bytes], said: str
) -> None:
    broken = damage(english.data, english.body)
    assert broken != english.data
    with pytest.raises(BuildError, match=f"the joined PDF is broken: .*{said}"):
        check_joined(broken, english.body, _pages(english.data), "the joined file")


def test_a_join_counting_other_pages_is_refused(english: Joined) -> None:
    with pytest.raises(BuildError, match="not 200"):
        check_joined(english.data, english.body, 200, "the joined file")


# --- veraPDF ---------------------------------------------------------------------------


def _verapdf() -> str:
    command = os.environ.get("VERAPDF", "")
    if not command:
        pytest.skip("veraPDF is not configured: set VERAPDF to its command")
    if not shutil.which(command):
        pytest.skip(f"VERAPDF={command} is not an executable file")
    return command


@pytest.mark.typeset
@pytest.mark.parametrize("flavour", ["3a", "ua1"])
def test_verapdf_passes_the_joined_files(english: Joined, japanese: Joined, flavour: str) -> None:
    command = _verapdf()
    files = [str(english.path), str(japanese.path)]
    result = subprocess.run([command, flavour, *files], capture_output=True, text=True)
    verdicts = re.findall(r"^(PASS|FAIL)", result.stdout, re.M)
    assert verdicts == ["PASS", "PASS"], result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
