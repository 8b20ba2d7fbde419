"""Editions follow what a pack says; recipients' addresses are checked at their line."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipeline.config import Paths
from pipeline.editions import edition, member_digest
from pipeline.errors import RecordError
from pipeline.records.validate import load_recipients

PARTS = {
    "statements/ipcnkr-2007-seoul.yaml": "a" * 64,
    "statements/ipcnkr-2007-seoul.ja.yaml": "b" * 64,
    "catalog ja": "c" * 64,
    "templates/recipient.html": "d" * 64,
    "templates/print.css": "e" * 64,
    "code": "f" * 64,
    "fonts ja": "1" * 64,
    "options": "2" * 64,
    "base ja/briefing-pack.pdf": "3" * 64,
    "member": member_digest({"id": "m", "name": "N"}),
}


def test_an_edition_changes_with_the_content_only() -> None:
    label = edition("m", PARTS)
    assert len(label) == 9 and label[4] == "-"
    for name in ("code", "fonts ja", "options", "templates/print.css", "base ja/briefing-pack.pdf"):
        assert edition("m", {**PARTS, name: "9" * 64}) == label, name
    for name in ("statements/ipcnkr-2007-seoul.yaml", "catalog ja", "templates/recipient.html"):
        assert edition("m", {**PARTS, name: "9" * 64}) != label, name
    assert edition("m", {**PARTS, "member": member_digest({"id": "m", "name": "M"})}) != label
    assert edition("other", PARTS) != label


@given(st.dictionaries(st.text(max_size=30), st.text(max_size=64), max_size=8), st.text())
def test_an_edition_is_a_quotable_label(parts: dict[str, str], member: str) -> None:
    label = edition(member, parts)
    assert len(label) == 9 and label[4] == "-"
    assert not set(label.replace("-", "")) & set("ILOU")  # read out without confusion


def test_a_bad_address_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "recipients.yaml"
    path.write_text(
        "kind: recipients\nrecipients:\n  - id: a-b\n    name: X\n    honorific: Y\n"
        "    chamber: Z\n    country: JP\n    language: ja\n    paper: A4\n"
        "    email: not-an-address\n    cc: [ok@example.org, 'x@']\n",
        encoding="utf-8",
    )
    try:
        load_recipients(path, Paths().locales)
    except RecordError as error:
        shown = str(error)
    else:
        raise AssertionError("accepted")
    assert f"{path}:10:5: recipients[0].email: 'not-an-address' is not an email address" in shown
    assert f"{path}:11:" in shown and "recipients[0].cc[1]" in shown


def test_the_examples_have_fictional_addresses() -> None:
    examples = Path(__file__).resolve().parent.parent / "examples" / "recipients.yaml"
    members = load_recipients(examples, Paths().locales).recipients
    assert all(m.email and m.email.endswith("@example.org") for m in members)
