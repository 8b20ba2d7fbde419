"""XLIFF 1.2 and PO: writing the units, and reading back what a translator's tool made of them.

Both are written with the standard library, so the tool needs no translation
toolkit at run time. Reading keeps each unit's line and column, so a problem
found in a translation is reported where the translator can find it.
XLIFF 1.2 is what Poedit, OmegaT, Weblate and translate-toolkit's converters
all read; PO gives the id twice (`msgctxt` and a `#:` reference) because
`po2xliff` keeps only the reference.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from pipeline.errors import Problem
from pipeline.translate.units import NEEDS_REVIEW, NEW, TRANSLATED, Unit

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
_STATE = {NEW: "new", TRANSLATED: "translated", NEEDS_REVIEW: "needs-review-translation"}


@dataclass(frozen=True)
class Exchange:
    """A translator's file: its target language and its units."""

    lang: str
    units: list[Incoming]
    translator: str | None = None  # PO's Last-Translator, when it names someone


@dataclass(frozen=True)
class Incoming:
    """One unit as a translator's file gives it back."""

    id: str
    source: str
    target: str | None  # None or "" when untranslated
    fuzzy: bool  # marked for review (PO's fuzzy, XLIFF's needs-review-… states)
    line: int
    column: int


class ExchangeError(Exception):
    """The file cannot be read as XLIFF or PO; `problems` say where."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


# --- XLIFF -------------------------------------------------------------------


def write_xliff(units: Sequence[Unit], files: dict[str, str], source: str, lang: str) -> bytes:
    """Return XLIFF 1.2 with one <file> per record (`files`: record -> its file's name)."""
    ET.register_namespace("", XLIFF_NS)
    root = ET.Element(f"{{{XLIFF_NS}}}xliff", {"version": "1.2"})
    bodies: dict[str, ET.Element] = {}
    for unit in units:
        if unit.record not in bodies:
            element = ET.SubElement(
                root,
                f"{{{XLIFF_NS}}}file",
                {
                    "original": files[unit.record],
                    "source-language": source,
                    "target-language": lang,
                    "datatype": "plaintext",
                },
            )
            bodies[unit.record] = ET.SubElement(element, f"{{{XLIFF_NS}}}body")
        _trans_unit(bodies[unit.record], unit)
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _trans_unit(body: ET.Element, unit: Unit) -> None:
    ns = f"{{{XLIFF_NS}}}"
    element = ET.SubElement(
        body,
        f"{ns}trans-unit",
        {
            "id": unit.id,
            "resname": unit.id,
            "{http://www.w3.org/XML/1998/namespace}space": "preserve",
        },
    )
    if unit.state != NEW:  # translate-toolkit, Weblate: approved="yes" is done, "no" is fuzzy
        element.set("approved", "yes" if unit.state == TRANSLATED else "no")
    ET.SubElement(element, f"{ns}source").text = unit.source
    target = ET.SubElement(element, f"{ns}target", {"state": _STATE[unit.state]})
    target.text = unit.target or ""
    # The id again as a location, which `xliff2po` turns into the PO reference.
    group = ET.SubElement(
        element, f"{ns}context-group", {"name": "po-reference", "purpose": "location"}
    )
    ET.SubElement(group, f"{ns}context", {"context-type": "sourcefile"}).text = unit.id
    for note in unit.notes:
        ET.SubElement(element, f"{ns}note", {"from": "developer"}).text = note
    if unit.previous is not None:
        ET.SubElement(element, f"{ns}note", {"from": "developer"}).text = (
            "The original changed since this was translated. It was: " + unit.previous
        )
        alt = ET.SubElement(element, f"{ns}alt-trans", {"alttranstype": "previous-version"})
        ET.SubElement(alt, f"{ns}source").text = unit.previous
        ET.SubElement(alt, f"{ns}target").text = unit.target or ""
    for suggestion in unit.suggestions:
        alt = ET.SubElement(
            element, f"{ns}alt-trans", {"origin": suggestion.origin, "match-quality": "100"}
        )
        ET.SubElement(alt, f"{ns}source").text = unit.source
        ET.SubElement(alt, f"{ns}target").text = suggestion.text
        ET.SubElement(alt, f"{ns}note").text = suggestion.note


def read_xliff(path: Path, data: bytes) -> Exchange:
    """Return the trans-units of an XLIFF 1.2 file (a DOCTYPE or entity is refused)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    found: list[Incoming] = []
    stack: list[str] = []
    unit: dict[str, object] = {}
    langs: list[str] = []
    text: list[str] = []
    collecting: list[str | None] = [None]

    def refuse(*_: object) -> None:
        raise ExchangeError(
            [
                _problem(
                    path,
                    parser.CurrentLineNumber,
                    parser.CurrentColumnNumber + 1,
                    "",
                    "a DOCTYPE or entity declaration is not accepted in XLIFF",
                )
            ]
        )

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        parent = stack[-1] if stack else ""
        stack.append(local)
        if local == "file" and attrs.get("target-language"):
            langs.append(attrs["target-language"])
        if local == "trans-unit":
            unit.clear()
            unit.update(
                id=attrs.get("resname") or attrs.get("id", ""),
                alt_id=attrs.get("id", ""),
                line=parser.CurrentLineNumber,
                column=parser.CurrentColumnNumber + 1,
                state=(attrs.get("approved") == "no" and "needs-review-translation") or "",
                header=attrs.get("restype") == "x-gettext-domain-header",
                locations=[],
            )
        elif parent == "trans-unit" and local in ("source", "target"):
            collecting[0] = local
            text.clear()
            if local == "target" and not unit.get("state"):
                unit["state"] = attrs.get("state", "")
        elif (
            local == "context"
            and "trans-unit" in stack
            and attrs.get("context-type")
            in (
                "sourcefile",
                "x-po-reference",
            )
        ):
            collecting[0] = "context"
            text.clear()

    def end(name: str) -> None:
        local = stack.pop()
        if collecting[0] is not None and (local == collecting[0]):
            if local == "context":
                unit.setdefault("locations", [])
                assert isinstance(unit["locations"], list)
                unit["locations"].append("".join(text))
            else:
                unit[local] = "".join(text)
            collecting[0] = None
        if local == "trans-unit" and not unit.get("header"):
            state = str(unit.get("state") or "")
            target = unit.get("target")
            found.append(
                Incoming(
                    _unit_id(unit),
                    str(unit.get("source", "")),
                    str(target) if target is not None else None,
                    (state.startswith("needs-") and state != "needs-translation") or state == "new",
                    int(str(unit["line"])),
                    int(str(unit["column"])),
                )
            )

    def chars(data: str) -> None:
        if collecting[0] is not None and stack[-1] in ("source", "target", "context", "mrk", "g"):
            text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ExchangeError(
            [
                _problem(
                    path,
                    error.lineno,
                    error.offset + 1,
                    "",
                    f"not well-formed XML: {expat.ErrorString(error.code)}",
                )
            ]
        ) from None
    return Exchange(langs[0] if langs else "", found)


def _unit_id(unit: dict[str, object]) -> str:
    """The unit's id: ours (resname or id), else the reference a converter kept."""
    own = str(unit.get("id") or "")
    if ":" in own and not own.isdigit():
        return own
    locations = unit.get("locations") or []
    assert isinstance(locations, list)
    for location in locations:
        if ":" in str(location):
            return str(location)
    return own


# --- PO ----------------------------------------------------------------------


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def write_po(units: Sequence[Unit], lang: str) -> bytes:
    """Return a PO file: msgctxt and `#:` the unit's id, notes as extracted comments."""
    out = [
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: briefing statements\\n"',
        f'"Language: {lang}\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"X-Generator: briefing i18n export\\n"',
        "",
    ]
    for unit in units:
        out += [f"#. {line}" for note in unit.notes for line in note.splitlines()]
        target = unit.target or ""
        fuzzy = unit.state == NEEDS_REVIEW
        if unit.target is None and unit.suggestions:
            best = unit.suggestions[0]
            out.append(f"#. Suggested: {best.note} ({best.origin}); review it, then clear fuzzy")
            target, fuzzy = best.text, True
        for suggestion in unit.suggestions[1 if unit.target is None else 0 :]:
            out.append(f"#. Suggestion ({suggestion.origin}): {suggestion.text}")
        out.append(f"#: {unit.id}")
        if fuzzy:
            out.append("#, fuzzy")
        if unit.previous is not None:
            out.append(f"#| msgctxt {_quote(unit.id)}")
            out.append(f"#| msgid {_quote(unit.previous)}")
        out += [
            f"msgctxt {_quote(unit.id)}",
            f"msgid {_quote(unit.source)}",
            f"msgstr {_quote(target)}",
            "",
        ]
    return "\n".join(out).encode("utf-8")


_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def _unquote(path: Path, line: int, column: int, raw: str) -> str:
    raw = raw.strip()
    if len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
        raise ExchangeError([_problem(path, line, column, "", f"expected a quoted string: {raw}")])
    out, index, body = [], 0, raw[1:-1]
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            out.append(_ESCAPES.get(body[index + 1], body[index + 1]))
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def read_po(path: Path, data: bytes) -> Exchange:
    """Return the entries of a PO file as Poedit, Weblate or msgcat write them."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ExchangeError([_problem(path, line, 1, "", "not UTF-8 text")]) from None
    found: list[Incoming] = []
    entry: dict[str, object] = {}
    current: str | None = None

    def finish() -> None:
        nonlocal current
        if "msgid" in entry and entry.get("msgid") != "":
            references = [str(r) for r in entry.get("references", [])]  # type: ignore[attr-defined]
            ids = [r for r in references if ":" in r]  # a converter may merge equal texts
            context = entry.get("msgctxt")
            if context and ":" in str(context) and str(context) not in ids:
                ids = [str(context)]
            target = str(entry.get("msgstr", ""))
            for unit_id in ids or [str(context or "")]:
                found.append(
                    Incoming(
                        unit_id,
                        str(entry["msgid"]),
                        target or None,
                        bool(entry.get("fuzzy")),
                        int(str(entry["line"])),
                        1,
                    )
                )
        entry.clear()
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            if "msgstr" in entry:
                finish()
            continue
        if stripped.startswith("#~"):
            continue  # obsolete
        if stripped.startswith("#"):
            if "msgstr" in entry:
                finish()
            if stripped.startswith("#,"):
                flags = {f.strip() for f in stripped[2:].split(",")}
                entry["fuzzy"] = "fuzzy" in flags
            elif stripped.startswith("#:"):
                entry.setdefault("references", [])
                entry["references"] += stripped[2:].split()  # type: ignore[operator]
            continue
        if stripped.startswith('"'):
            if current is None:
                raise ExchangeError([_problem(path, number, 1, "", "a string outside an entry")])
            entry[current] = str(entry[current]) + _unquote(path, number, 1, stripped)
            continue
        keyword, _, rest = stripped.partition(" ")
        if keyword.startswith("msgstr["):
            keyword = "msgstr"
        if keyword not in ("msgctxt", "msgid", "msgstr", "msgid_plural"):
            raise ExchangeError([_problem(path, number, 1, "", f"unexpected {keyword!r}")])
        if keyword in ("msgctxt", "msgid") and "msgstr" in entry:
            finish()
        entry.setdefault("line", number)
        current = keyword
        entry[keyword] = _unquote(path, number, len(keyword) + 2, rest)
    if "msgstr" in entry:
        finish()
    found_lang = re.search(r"^\s*\"?Language:\s*([A-Za-z_-]+)", text, re.MULTILINE)
    named = re.search(r"^\"Last-Translator:\s*([^<\\\n]*?)\s*(<[^>]*>)?\\n", text, re.MULTILINE)
    translator = named.group(1) if named and named.group(1) not in ("", "FULL NAME") else None
    return Exchange(found_lang.group(1) if found_lang else "", found, translator)


def read_units(path: Path) -> Exchange:
    """Return the units of an XLIFF or PO file, by its content."""
    data = path.read_bytes()
    if data.lstrip().startswith(b"<"):
        return read_xliff(path, data)
    return read_po(path, data)


def _problem(path: Path, line: int, column: int, field: str, message: str) -> Problem:
    return Problem(path, line, column, field, message)
