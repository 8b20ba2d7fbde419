"""One document, one set of bytes: members' names are set in fonts of their own pages only.

The members' font stage has family names of its own (" members"), so one
WeasyPrint font configuration can hold both stages' faces: before, both used
the same names and a member's page could be drawn with the other subset.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support import STATEMENTS, build, page_texts

TODAY = dt.date(2025, 8, 1)
MEMBER = """\
  - id: example-jp-{id}
    name: {name}
    honorific: 議員
    chamber: 参議院（例）
    country: JP
    language: ja
    paper: A4
"""


def members(path: Path, *people: tuple[str, str]) -> Path:
    text = "kind: recipients\nexamples: true\nrecipients:\n"
    path.write_text(text + "".join(MEMBER.format(id=i, name=n) for i, n in people), "utf-8")
    return path


@pytest.mark.typeset
def test_summaries_and_packs_are_the_same_bytes_whatever_the_request(
    tmp_path: Path, cache_dir: Path
) -> None:
    alone, without, with_members = (tmp_path / name for name in ("alone", "without", "with"))
    build(STATEMENTS, alone, cache_dir, langs="ja", only="summary", today=TODAY, jobs=2)
    build(STATEMENTS, without, cache_dir, langs="ja", today=TODAY, jobs=2)
    listed = members(tmp_path / "members.yaml", ("sato", "佐藤 花子（架空の人物）"))
    build(STATEMENTS, with_members, cache_dir, langs="ja", today=TODAY, recipients=listed, jobs=2)
    summaries = sorted(p.name for p in (alone / "ja").glob("*-summary.pdf"))
    assert len(summaries) == 2
    for name in summaries:
        data = (alone / "ja" / name).read_bytes()
        assert (without / "ja" / name).read_bytes() == data, name
        assert (with_members / "ja" / name).read_bytes() == data, name
    pack = (without / "ja" / "briefing-pack.pdf").read_bytes()
    assert (with_members / "ja" / "briefing-pack.pdf").read_bytes() == pack
    sato = with_members / "recipients" / "example-jp-sato.pdf"
    assert "佐藤 花子" in page_texts(sato)[0]

    # A new member: only their pack is built; the others' files stay as they were.
    said: list[str] = []
    more = members(listed, ("sato", "佐藤 花子（架空の人物）"), ("hana", "花子（架空の人物）"))
    before = {p: p.read_bytes() for p in with_members.rglob("*.pdf")}
    build(
        STATEMENTS, with_members, cache_dir, langs="ja", today=TODAY, recipients=more,
        explain=said.append,
    )  # fmt: skip
    assert said == [f"{with_members / 'recipients' / 'example-jp-hana.pdf'}: built: "
                    "not built before into this folder"], said  # fmt: skip
    for path, data in before.items():
        assert path.read_bytes() == data, path
    assert "花子" in page_texts(with_members / "recipients" / "example-jp-hana.pdf")[0]
