"""What a reader copies out of every kind of PDF is the records' text, whole.

Every kind of document and paper (the packs on A4 and US Letter, the members'
packs, the summaries), in every language, read by poppler (Evince, Okular),
PDFium (Chrome, Edge), MuPDF and pdf.js (Firefox). The only repair is folding
runs of whitespace to one space, as pasting a paragraph does; in Chinese and
Japanese, which break lines between any two characters, a line break beside
one of theirs is no space. No hyphen is joined: a word broken after its hyphen ("Six-" at a line
end) copies as "SixParty" in some readers and "Six- Party" in others, so it
must never be broken there. The same files' bookmarks and page furniture are
checked here too, where they are already built.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import yaml
from readers import copied_texts
from support import REPO, STATEMENTS, build
from test_fidelity import SEED_CASES, sentences, statement_lines

pytestmark = pytest.mark.typeset  # every test here lays documents out

EXAMPLES = REPO / "examples" / "recipients.yaml"
STATEMENT_IDS = ("ipcnkr-2005-tokyo", "ipcnkr-2007-seoul")
# The body of an A4 or Letter page in points, below the running head and above
# the page number, so that a sentence across a page break joins up.
BODY_TOP, BODY_BOTTOM = 60, 60
# Han, kana, CJK punctuation and full-width forms: a line breaks beside them
# without a space ("2006" at a line end, "年に" on the next).
_UNSPACED = "\u2e80-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_LINE_JOIN = re.compile(rf"(?<=[{_UNSPACED}]) | (?=[{_UNSPACED}])")


@dataclass(frozen=True)
class Document:
    """One PDF, in one language, with the statements' texts it must carry."""

    path: Path
    lang: str
    full_text: bool  # a pack: the statements' full text besides their summaries

    def __str__(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"


@pytest.fixture(scope="module")
def documents(
    tmp_path_factory: pytest.TempPathFactory, cache_dir: Path, example_packs: Path
) -> list[Document]:
    """Every kind of PDF: each language's summaries and pack, on A4 and on US Letter
    in English, and the example members' packs (built once for the session)."""
    out = tmp_path_factory.mktemp("copy")
    build(STATEMENTS, out, cache_dir, langs="all", only="print", jobs=2)
    build(STATEMENTS, out, cache_dir, langs="en", only="print", paper="Letter", jobs=2)
    members = yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))["recipients"]
    found = [
        Document(path, path.parent.name, "summary" not in path.name)
        for path in sorted(out.glob("*/*.pdf"))
    ]
    found += [
        Document(example_packs / "recipients" / f"{member['id']}.pdf", member["language"], True)
        for member in members
    ]
    papers = {_height(d.path) for d in found}
    assert papers == {842, 792}, papers  # A4 and US Letter
    assert len(found) >= 22
    return found


def _height(pdf: Path) -> int:
    with pikepdf.open(pdf) as opened:
        return round(float(opened.pages[0].mediabox[3]))


def folded(text: str) -> str:
    """Whitespace as a pasted paragraph has it: one space, none where a line broke in CJK."""
    return _LINE_JOIN.sub("", " ".join(text.split()))


def _record(statement: str, lang: str) -> dict[str, Any]:
    """The statement's record in `lang`: its translation, or the English original."""
    translated = STATEMENTS / f"{statement}.{lang}.yaml"
    path = translated if translated.exists() else STATEMENTS / f"{statement}.yaml"
    record: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return record


def _texts(record: dict[str, Any], full_text: bool) -> Iterator[str]:
    """The overview and ask summaries; with `full_text`, every paragraph of the statement."""
    yield record["overview"]
    for resolution in record.get("resolutions") or []:
        for part in [resolution, *(resolution.get("items") or [])]:
            if (part.get("ask") or {}).get("summary"):
                yield part["ask"]["summary"]
            if full_text and part.get("text"):
                yield part["text"]
    if full_text:
        yield from (paragraph["text"] for paragraph in record.get("preamble") or [])


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?。])\s*", " ".join(text.split())) if len(s) > 3]


def expected_sentences(document: Document) -> list[str]:
    """Every sentence the document must give back whole, in its language."""
    statements = [s for s in STATEMENT_IDS if document.full_text or s in document.path.name]
    found = [
        sentence
        for statement in statements
        for text in _texts(_record(statement, document.lang), document.full_text)
        for sentence in _sentences(text)
    ]
    if document.full_text and document.lang == "en":  # the archived sources, word for word
        found += [
            sentence
            for _, seed, first, skip in SEED_CASES
            for line in statement_lines(seed, first, skip)
            for sentence in sentences(line)
        ]
    return found


def hyphenated_words(lang: str) -> set[str]:
    """The words with a hyphen or dash inside in the language's records: names and text."""
    files = STATEMENTS.glob("*.yaml" if lang == "en" else f"*.{lang}.yaml")
    text = "\n".join(_prose(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in files)
    return {
        word.strip(".,;:()“”\"'")
        for word in re.findall(r"\S*[^\W\d_][-\u2010\u2013\u2014][^\W\d_]\S*", text)
    }


# Keys whose values are ids and references, not text a page shows.
_REFERENCES = {
    "id",
    "kind",
    "addressees",
    "concerns",
    "themes",
    "sources",
    "source",
    "statement",
    "see",
}


def _prose(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_prose(v) for k, v in value.items() if k not in _REFERENCES)
    if isinstance(value, list):
        return "\n".join(_prose(v) for v in value)
    return ""


@functools.cache
def records_prose() -> str:
    """The text of every record, in every language, folded."""
    files = sorted(STATEMENTS.glob("*.yaml"))
    return folded("\n".join(_prose(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in files))


def broken(text: str, word: str, spelled: str = "") -> list[str]:
    """The ways `word` reads in `text` if a line broke after its hyphen or dash.

    A form the records themselves spell (`spelled`: "Six Party Talks" in the
    2007 statement) is no break.
    """
    found = []
    for match in re.finditer(r"[-\u2010\u2013\u2014]", word):
        head, tail = word[: match.end()], word[match.end() :]
        for form in (head + " " + tail, head[:-1] + tail, head[:-1] + " " + tail):
            pattern = rf"(?<!\w){re.escape(form)}(?!\w)"
            if re.search(pattern, text) and not re.search(pattern, spelled):
                found.append(form)
    return found


def test_every_sentence_copies_whole_in_four_readers(documents: list[Document]) -> None:
    problems = []
    copied_by = copied_texts([d.path for d in documents], BODY_TOP, BODY_BOTTOM)
    for document in documents:
        expected = expected_sentences(document)
        assert len(expected) >= (60 if document.full_text else 5), document
        words = hyphenated_words(document.lang) | hyphenated_words("en")  # and fallbacks
        spelled = records_prose()
        for reader, text in copied_by[document.path].items():
            copied = folded(text)
            missing = [s for s in expected if folded(s) not in copied]
            problems += [f"{document}, {reader}: missing {s!r}" for s in missing[:3]]
            problems += [
                f"{document}, {reader}: {form!r} for {word!r}"
                for word in sorted(words)
                for form in broken(copied, word, spelled)
            ]
            if "\u00ad" in text or "\u2060" in text:
                problems.append(f"{document}, {reader}: an invisible character is copied")
    assert problems == [], "\n".join(problems)


def test_the_english_packs_break_hyphenated_words_nowhere(documents: list[Document]) -> None:
    """The words the readers broke before ("yet-unresolved", "Six-Party") are in the packs."""
    words = hyphenated_words("en")
    assert {"yet-unresolved", "Six-Party", "Non-governmental"} <= words
    pack = next(d for d in documents if d.lang == "en" and d.path.name == "briefing-pack.pdf")
    copied = folded(copied_texts([pack.path], BODY_TOP, BODY_BOTTOM)[pack.path]["pdf.js"])
    assert "Six-Party" in copied and "Non-governmental" in copied


def test_the_comparison_sees_a_broken_word() -> None:
    assert broken("the SixParty talks", "Six-Party") == ["SixParty"]
    assert broken("the Six- Party talks", "Six-Party") == ["Six- Party"]
    assert broken("the Six-Party talks", "Six-Party") == []
    assert folded("を改善する\nための 2005 (1)") == "を改善するための2005 (1)"


# --- Bookmarks -----------------------------------------------------------------------

# Format characters a label may keep: they change how it is shaped or ordered.
_MEANINGFUL = set("\u200c\u200d\u200e\u200f\u061c") | {chr(c) for c in range(0x2066, 0x206A)}


def bookmarks(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as opened:
        found: list[str] = []

        def walk(item: Any) -> None:
            while item is not None:
                found.append(str(item.Title))
                walk(item.get("/First"))
                item = item.get("/Next")

        outlines = opened.Root.get("/Outlines")
        walk(outlines.get("/First") if outlines is not None else None)
    return found


def test_bookmarks_carry_no_invisible_characters(documents: list[Document]) -> None:
    problems = [
        f"{document}: {label!r}"
        for document in documents
        for label in bookmarks(document.path)
        if any(unicodedata.category(c) == "Cf" and c not in _MEANINGFUL for c in label)
    ]
    assert problems == [], "\n".join(problems)
    korean = next(d for d in documents if d.lang == "ko" and d.path.name == "briefing-pack.pdf")
    labels = bookmarks(korean.path)
    assert len(labels) > 20
    assert any("대한민국" in label for label in labels), labels


# --- Page furniture ------------------------------------------------------------------


def marked_content_outside_the_tree(pdf: Path) -> list[str]:
    """Each MCID on a page whose structure element the structure tree does not reach."""
    with pikepdf.open(pdf) as opened:
        root = opened.Root.StructTreeRoot
        reached: set[tuple[int, int]] = set()
        stack = [root]
        while stack:
            kids = stack.pop().get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and kid.objgen not in reached:
                    reached.add(kid.objgen)
                    stack.append(kid)
        parents: dict[int, Any] = {}
        nodes = [root.ParentTree]
        while nodes:
            node = nodes.pop()
            numbers: Any = node.get("/Nums", [])
            parents.update({int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)})
            nodes += list(node.get("/Kids", []))
        found = []
        for number, page in enumerate(opened.pages, start=1):
            elements = parents.get(int(page.obj.get("/StructParents", -1)))
            for instruction in pikepdf.parse_content_stream(page, "BDC"):
                operands: Any = instruction.operands
                properties = operands[1]
                if not isinstance(properties, pikepdf.Dictionary) or "/MCID" not in properties:
                    continue
                mcid = int(properties.MCID)
                element = elements[mcid] if elements is not None and mcid < len(elements) else None
                if not isinstance(element, pikepdf.Dictionary) or element.objgen not in reached:
                    found.append(f"page {number}: {operands[0]} MCID {mcid}")
    return found


def test_all_tagged_content_is_in_the_structure_tree(documents: list[Document]) -> None:
    """Running heads and page numbers are artifacts, not spans outside the tree."""
    problems = [
        f"{document}: {where}"
        for document in documents
        for where in marked_content_outside_the_tree(document.path)
    ]
    assert problems == [], "\n".join(problems)
    with pikepdf.open(documents[0].path) as opened:
        marks: list[Any] = [
            instruction.operands
            for instruction in pikepdf.parse_content_stream(opened.pages[1], "BDC")
        ]
        furniture = [m for m in marks if m[0] == "/Artifact" and m[1].get("/Type") == "/Pagination"]
    assert furniture, documents[0]
