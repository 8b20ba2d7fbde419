"""What the tests share: where the fixtures are, and small helpers to change them."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
RECORDS = FIXTURES / "records"
BAD = FIXTURES / "bad"
STATEMENT = "test-2005-tokyo.yaml"
TRANSLATION = "test-2005-tokyo.fr.yaml"
CONTEXT = ("vocabulary.yaml", "coalition.yaml")

# Bad statement files in fixtures/bad/<case>/: (case, line, column, field, message). Each
# is the valid statement with one defect that the loader finds in the file alone.
BAD_FILES: list[tuple[str, int, int, str, str]] = [
    ("malformed-yaml", 4, 8, "", "malformed YAML: did not find expected ',' or ']'"),
    ("duplicate-key", 16, 1, "", "duplicate key 'title' (first at line 3)"),
    ("yes-as-text", 3, 1, "title",
     "expected text, but YAML read this as true/false (True); put the text in quotes"),
    ("no-as-text", 10, 3, "meeting.city",
     "expected text, but YAML read this as true/false (False); put the text in quotes"),
    ("on-as-text", 36, 7, "resolutions[0].ask.summary",
     "expected text, but YAML read this as true/false (True); put the text in quotes"),
    ("number-as-text", 6, 5, "heading[1]",
     "expected text, but YAML read this as a number (2005); put the text in quotes"),
    ("impossible-date", 14, 10, "adopted", "'2007-02-30' is not a real date"),
    ("unknown-field", 19, 1, "overveiw", "unknown field 'overveiw'; did you mean 'overview'?"),
    ("unknown-field-nested", 47, 9, "resolutions[1].items[1].adressees",
     "unknown field 'adressees'; did you mean 'addressees'?"),
    ("missing-field", 9, 3, "meeting.city", "missing required field 'city'"),
    ("anchor", 32, 17, "", "YAML anchors (&name) are not allowed"),
    ("alias", 39, 17, "", "YAML aliases (*name) are not allowed"),
    ("python-tag", 3, 8, "",
     "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("empty", 1, 1, "", "file is empty"),
    ("binary", 3, 1, "", "file is binary (it contains NUL bytes), not YAML text"),
    ("not-utf8", 3, 9, "", "file is not UTF-8 text (byte 0xe9)"),
    ("resolutions-out-of-sequence", 37, 5, "resolutions[1].number",
     "resolutions are numbered [1, 3]; expected [1, 2]"),
]


def add_context(folder: Path) -> None:
    """Copy the valid vocabulary and coalition into `folder`, unless it has its own."""
    for name in CONTEXT:
        if not (folder / name).exists():
            shutil.copy(RECORDS / name, folder / name)


def good_statement() -> str:
    return (RECORDS / STATEMENT).read_text(encoding="utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    """Replace `old`, which must occur exactly once, so a changed fixture fails loudly."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def shown(path: Path, line: int, column: int, field: str, message: str) -> str:
    """The text a user sees for one problem: `file:line:column: field: message`."""
    return f"{path}:{line}:{column}: {field + ': ' if field else ''}{message}"
