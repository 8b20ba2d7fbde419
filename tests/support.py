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
