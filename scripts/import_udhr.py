"""Copy the UDHR articles the statements rest on from sources/udhr/ into instruments/.

Run once when the article list changes: python scripts/import_udhr.py
The texts are the United Nations' official ones, copied character for character
from the archived copies in sources/udhr/ (their provenance is beside them).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "sources" / "udhr"
NS = {"u": "http://efele.net/udhr"}
FILES = {"en": "udhr_eng.xml", "ja": "udhr_jpn.xml", "ko": "udhr_kor.xml", "mn": "udhr_khk.xml"}
ARTICLES = [1, 5, 9, 13, 14, 18, 19, 20]


def _article(root: ET.Element, number: int) -> dict[str, object]:
    node = root.find(f"u:article[@number='{number}']", NS)
    assert node is not None, number
    title = node.findtext("u:title", namespaces=NS) or ""
    paragraphs = [p.text or "" for p in node.iter(f"{{{NS['u']}}}para")]
    return {"number": number, "title": title.strip(), "paragraphs": [p.strip() for p in paragraphs]}


def main(corpus: Path = CORPUS) -> None:
    texts = {}
    for lang, name in FILES.items():
        root = ET.parse(corpus / name).getroot()
        texts[lang] = {
            "title": (root.findtext("u:title", namespaces=NS) or "").strip(),
            "file": name,
            "articles": [_article(root, n) for n in ARTICLES],
        }
    record = {
        "kind": "instrument",
        "id": "udhr",
        "name": "Universal Declaration of Human Rights",
        "adopted": "General Assembly resolution 217 A (III), 10 December 1948",
        "source": (
            "The United Nations' texts, from the “UDHR in Unicode” collection "
            "(repository eric-muller/udhr, folder data/udhr, commit f93dd614)"
        ),
        "texts": texts,
    }
    out = REPO / "instruments" / "udhr.yaml"
    header = (
        "# The official UN texts of the UDHR articles the statements rest on, copied\n"
        "# character for character by scripts/import_udhr.py. Do not edit by hand.\n"
    )
    out.write_text(header + yaml.safe_dump(record, allow_unicode=True, sort_keys=False,
                                           width=100), encoding="utf-8")
    print(f"Wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
