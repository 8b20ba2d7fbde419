"""The UN's official UDHR texts: from the archived collection into instruments/udhr.yaml.

The collection (`sources/udhr/`, the "UDHR in Unicode" files) names each text's
language (`xml:lang`) and script (`iso15924`); a language of the project takes
the text in its own script, so adding a language the collection has needs no
code. Only the articles the statements rest on are copied, character for
character; the documents print them as the official text, never a translation.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import yaml

from pipeline.files import write_atomically
from pipeline.i18n.scripts import script_of

NS = {"u": "http://efele.net/udhr"}
ARTICLES = (1, 5, 9, 13, 14, 18, 19, 20)
SOURCE = (
    "The United Nations' texts, from the “UDHR in Unicode” collection "
    "(repository eric-muller/udhr, folder data/udhr, commit f93dd614)"
)
HEADER = (
    "# The official UN texts of the UDHR articles the statements rest on, copied\n"
    "# character for character from sources/udhr/ by `briefing i18n init` or\n"
    "# scripts/import_udhr.py. Do not edit by hand.\n"
)


def corpus_languages(corpus: Path) -> dict[str, Path]:
    """The project language code of each text in the collection, and its file."""
    found: dict[str, Path] = {}
    for path in sorted(corpus.glob("udhr_*.xml")):
        root = ET.parse(path).getroot()
        tag = root.get("{http://www.w3.org/XML/1998/namespace}lang", "")
        code = tag.replace("-", "_").split("_")[0].lower()
        if not code:
            continue
        script = root.get("iso15924", "")
        if code not in found or script_of(code).code == script:
            found[code] = path  # the text in the language's own script wins
    return found


def _article(root: ET.Element, number: int) -> dict[str, object]:
    node = root.find(f"u:article[@number='{number}']", NS)
    if node is None:
        raise ValueError(f"the text has no article {number}")
    title = node.findtext("u:title", namespaces=NS) or ""
    paragraphs = [p.text or "" for p in node.iter(f"{{{NS['u']}}}para")]
    return {"number": number, "title": title.strip(), "paragraphs": [p.strip() for p in paragraphs]}


def read_text(path: Path) -> dict[str, object]:
    root = ET.parse(path).getroot()
    return {
        "title": (root.findtext("u:title", namespaces=NS) or "").strip(),
        "file": path.name,
        "articles": [_article(root, n) for n in ARTICLES],
    }


def import_udhr(corpus: Path, out: Path, languages: Iterable[str]) -> list[str]:
    """Write `out` with the official text of English and of each language that has one."""
    available = corpus_languages(corpus)
    chosen = [code for code in dict.fromkeys(["en", *languages]) if code in available]
    record = {
        "kind": "instrument",
        "id": "udhr",
        "name": "Universal Declaration of Human Rights",
        "adopted": "General Assembly resolution 217 A (III), 10 December 1948",
        "source": SOURCE,
        "texts": {code: read_text(available[code]) for code in chosen},
    }
    text = HEADER + yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=100)
    write_atomically(out, text.encode("utf-8"))
    return chosen
