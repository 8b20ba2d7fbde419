"""The UN's official UDHR texts: from the archived collection into instruments/udhr.yaml.

The collection (`sources/udhr/`, the "UDHR in Unicode" files) names each text's
language (`xml:lang`) and script (`iso15924`); a language of the project takes
the text in its own script, so adding a language the collection has needs no
code. Only the articles the statements rest on are copied, character for
character; the documents print them as the official text, never a translation.
"""

from __future__ import annotations

import datetime as dt
import re
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


# The provenance record written beside an archived text (sources/udhr/udhr-kor.yaml's shape).
PROVENANCE = """\
# yaml-language-server: $schema=../../schemas/source.schema.json
# Provenance of the archived copy beside this record, kept byte for byte;
# `briefing validate` checks it against `sha256`. Written by `briefing i18n udhr`.
"""
LICENCE = (
    "None stated: neither the UDHR in Unicode collection's README nor the README of the "
    "eric-muller/udhr repository names one. The text is the United Nations' own, of "
    "General Assembly resolution 217 A (III)."
)


def archive_udhr(
    xml: Path, corpus: Path, instruments: Path, languages: Iterable[str], source: str, site: str
) -> tuple[list[Path], str]:
    """Archive a UN text (`archive_text`) and, if its language is one of `languages` (it has
    a catalog already), write its articles into the instruments now, as `i18n init` would.

    Return the files written and the text's language.
    """
    copy, record, code = archive_text(xml, corpus, source, site)
    written = [copy, record]
    known = list(languages)
    if code in known:
        import_udhr(corpus, instruments / "udhr.yaml", known)
        written.append(instruments / "udhr.yaml")
    return written, code


def archive_text(xml: Path, corpus: Path, source: str, site: str) -> tuple[Path, Path, str]:
    """Copy a "UDHR in Unicode" text into the collection, with its provenance beside it.

    Return the copy, its record and its language. The file keeps its name and
    its bytes; its record says where it came from and its SHA-256, which
    `validate` checks from then on. A text archived already is kept as it is.
    """
    import hashlib

    from babel import Locale, UnknownLocaleError

    from pipeline.errors import UsageError
    from pipeline.files import create_exclusive, read_nofollow

    try:
        data = read_nofollow(xml)
    except OSError as error:
        raise UsageError(f"cannot read {xml}: {error.strerror}") from None
    try:
        root = ET.fromstring(data)
        if root.tag != f"{{{NS['u']}}}udhr":
            raise ValueError(f"its root is <{root.tag}>, not <udhr> of {NS['u']}")
        tag = root.get("{http://www.w3.org/XML/1998/namespace}lang", "")
        code = tag.replace("-", "_").split("_")[0].lower()
        if not code:
            raise ValueError("its <udhr> has no xml:lang")
        for number in ARTICLES:
            _article(root, number)
        name = Locale.parse(code).get_display_name("en") or code
    except (ET.ParseError, ValueError, UnknownLocaleError) as error:
        raise UsageError(
            f"{xml} is not a text of the UDHR in Unicode collection: {error}"
        ) from None
    if not re.fullmatch(r"udhr_[a-z0-9_]+\.xml", xml.name):
        raise UsageError(f"{xml.name}: keep the collection's own file name, such as udhr_heb.xml")
    target = corpus / xml.name
    record = corpus / f"{xml.stem.replace('_', '-')}.yaml"
    if record.exists() or record.is_symlink():
        raise UsageError(f"{record} exists: the text is archived already (kept as it is)")
    if (target.exists() or target.is_symlink()) and read_nofollow(target) != data:
        raise UsageError(f"{target} is archived already, with other bytes: it is kept")
    sha = hashlib.sha256(data).hexdigest()
    fields = {
        "kind": "source",
        "id": record.stem,
        "file": target.name,
        "sha256": sha,
        "label": f"UDHR, {name}",
        "title": f"Universal Declaration of Human Rights ({name})",
        "publisher": "United Nations",
        "site": site,
        "document": (
            f"The United Nations' {name} text of the Universal Declaration of Human Rights "
            "(General Assembly resolution 217 A (III), 10 December 1948), as XML: a title, "
            f"the preamble and thirty articles (namespace {NS['u']})"
        ),
        "date": dt.date(1948, 12, 10),
        "also_used": [
            f"Articles {', '.join(map(str, ARTICLES[:-1]))} and {ARTICLES[-1]}, copied into "
            f"instruments/udhr.yaml (language {code}) by `briefing i18n init` or "
            f"scripts/import_udhr.py; the {name} packs quote them"
        ],
        "obtained": source,
        "licence": LICENCE,
    }
    text = PROVENANCE + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=88)
    corpus.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        create_exclusive(target, data)
    create_exclusive(record, text.encode("utf-8"))
    return target, record, code
