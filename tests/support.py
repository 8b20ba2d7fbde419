"""What the tests share: where things are, builds, PDF readers, and helpers to change records.

Every path is absolute, from this file: the tests run the same from any folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from pipeline.build.run import build_all
from pipeline.config import BuildRequest, Paths, Written

REPO = Path(__file__).resolve().parent.parent
STATEMENTS = REPO / "statements"
SOURCES = REPO / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECORDS = FIXTURES / "records"
FIXTURE_SOURCES = FIXTURES / "sources"
BAD = FIXTURES / "bad"
STATEMENT = "test-2005-tokyo.yaml"
TRANSLATION = "test-2005-tokyo.fr.yaml"
CONTEXT = ("vocabulary.yaml", "coalition.yaml")

# Bad statement files in fixtures/bad/<case>/: (case, line, column, field, message). Each
# is the valid statement with one defect that the loader finds in the file alone.
BAD_FILES: list[tuple[str, int, int, str, str]] = [
    ("malformed-yaml", 4, 8, "", "malformed YAML: did not find expected ',' or ']'"),
    ("duplicate-key", 16, 1, "", "duplicate key 'title' (first at line 3)"),
    (
        "yes-as-text",
        3,
        1,
        "title",
        "expected text, but YAML read this as true/false (True); put the text in quotes",
    ),
    (
        "no-as-text",
        10,
        3,
        "meeting.city",
        "expected text, but YAML read this as true/false (False); put the text in quotes",
    ),
    (
        "on-as-text",
        36,
        7,
        "resolutions[0].ask.summary",
        "expected text, but YAML read this as true/false (True); put the text in quotes",
    ),
    (
        "number-as-text",
        6,
        5,
        "heading[1]",
        "expected text, but YAML read this as a number (2005); put the text in quotes",
    ),
    ("impossible-date", 14, 10, "adopted", "'2007-02-30' is not a real date"),
    ("unknown-field", 19, 1, "overveiw", "unknown field 'overveiw'; did you mean 'overview'?"),
    (
        "unknown-field-nested",
        47,
        9,
        "resolutions[1].items[1].adressees",
        "unknown field 'adressees'; did you mean 'addressees'?",
    ),
    ("missing-field", 35, 7, "resolutions[0].ask.summary", "missing required field 'summary'"),
    ("anchor", 32, 17, "", "YAML anchors (&name) are not allowed"),
    ("alias", 39, 17, "", "YAML aliases (*name) are not allowed"),
    (
        "python-tag",
        3,
        8,
        "",
        "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    ("empty", 1, 1, "", "file is empty"),
    ("binary", 3, 1, "", "file is binary (it contains NUL bytes), not YAML text"),
    ("not-utf8", 3, 9, "", "file is not UTF-8 text (byte 0xe9)"),
    (
        "resolutions-out-of-sequence",
        37,
        5,
        "resolutions[1].number",
        "resolutions are numbered [1, 3]; expected [1, 2, 3]; if paragraphs [2] are not "
        "available, say so in `incomplete.missing`",
    ),
]


# --- Records to change ---------------------------------------------------------------


def add_context(folder: Path) -> None:
    """Copy the valid vocabulary and coalition into `folder`, and the sources beside it."""
    for name in CONTEXT:
        if not (folder / name).exists():
            shutil.copy(RECORDS / name, folder / name)
    if not (folder.parent / "sources").exists():
        shutil.copytree(FIXTURE_SOURCES, folder.parent / "sources")


def copy_project(folder: Path) -> Path:
    """Copy the project's statements and sources into `folder`; return the statements' copy."""
    shutil.copytree(STATEMENTS, folder / "statements")
    shutil.copytree(SOURCES, folder / "sources")
    return folder / "statements"


def good_statement() -> str:
    return (RECORDS / STATEMENT).read_text(encoding="utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    """Replace `old`, which must occur exactly once, so a changed fixture fails loudly."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file, which must have it."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def project_config(monkeypatch: pytest.MonkeyPatch, **folders: Path) -> None:
    """Point `briefing` at other folders the way a user does: a briefing.toml naming them.

    `cache` goes to BRIEFING_CACHE (the cache is the machine's, not the project's);
    the other folders (records, locales, instruments, templates) into the file.
    """
    cache = folders.pop("cache", None)
    if cache is not None:
        monkeypatch.setenv("BRIEFING_CACHE", str(cache))
    if folders:
        home = Path(tempfile.mkdtemp(prefix="briefing-config-"))
        lines = [f"{key} = {json.dumps(str(path.resolve()))}" for key, path in folders.items()]
        (home / "briefing.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        monkeypatch.setenv("BRIEFING_CONFIG", str(home / "briefing.toml"))


def shown(path: Path, line: int, column: int, field: str, message: str) -> str:
    """The text a user sees for one problem: `file:line:column: field: message`."""
    return f"{path}:{line}:{column}: {field + ': ' if field else ''}{message}"


# --- Builds and the PDFs they write ----------------------------------------------------


def build(records: Path, out: Path, cache: Path, **request: object) -> list[Written]:
    """Run a build the way `briefing build` does."""
    return build_all(Paths(records=records, out=out, cache=cache), BuildRequest(**request))  # type: ignore[arg-type]


def page_texts(pdf: Path) -> list[str]:
    """Return the text of each page, as pdftotext reads it."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    return out.split("\f")[:-1]


def body_text(pdf: Path) -> str:
    """Return the text inside the page margins: no running heads, no page numbers."""
    out = subprocess.run(
        [
            "pdftotext",
            "-raw",
            "-enc",
            "UTF-8",
            "-x",
            "0",
            "-y",
            "60",
            "-W",
            "612",
            "-H",
            "722",
            str(pdf),
            "-",
        ],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode()


def squash(text: str) -> str:
    """Drop whitespace and hyphens, so line breaks and hyphenation do not matter."""
    return re.sub(r"[\s\-\u2010\u00ad]+", "", text)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
