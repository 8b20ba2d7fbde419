"""Per-recipient packs, the manifest and `verify`, reproducible bytes, PDF/A-3b with tags."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.generic import ArrayObject, Destination, DictionaryObject, StreamObject
from support import REPO, STATEMENTS, body_text, build, sha256

from pipeline.cli import cli

pytestmark = pytest.mark.typeset  # every test here lays documents out

EXAMPLES = REPO / "examples" / "recipients.yaml"


@pytest.fixture(scope="module")
def recipients(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("recipients")
    build(STATEMENTS, out, cache_dir, recipients=EXAMPLES, only="recipients", jobs=2)
    return out


def test_one_pack_per_example_recipient(recipients: Path) -> None:
    names = sorted(p.name for p in (recipients / "recipients").glob("*.pdf"))
    assert names == sorted(
        f"{r}.pdf"
        for r in (
            "example-jp-sato",
            "example-kr-kim",
            "example-mn-bat",
            "example-us-smith",
            "example-gb-jones",
            "example-au-brown",
        )
    )


def test_the_japanese_member_gets_japanese_on_a4_with_japan_first(recipients: Path) -> None:
    pdf = recipients / "recipients" / "example-jp-sato.pdf"
    reader = PdfReader(pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = body_text(pdf)
    assert "送付先" in text and "佐藤 花子" in text
    first_section = reader.outline[0]  # the member's own pages come first
    assert isinstance(first_section, Destination)
    assert first_section.title == "日本に関する要請"
    assert "日本の立法府" in reader.pages[1].extract_text().replace("\n", "")
    root = reader.trailer["/Root"]
    assert isinstance(root, DictionaryObject)
    lang = root["/Lang"]
    assert isinstance(lang, str)
    assert lang == "ja"


def test_the_us_member_gets_english_on_letter(recipients: Path) -> None:
    pdf = recipients / "recipients" / "example-us-smith.pdf"
    reader = PdfReader(pdf)
    assert all(
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (612, 792)
        for p in reader.pages
    )
    text = body_text(pdf)
    assert "Prepared for" in text or "PREPARED FOR" in text
    assert "Asks concerning the United States" in text
    assert "The members of the Six-Party Talks" in text  # the US is one of the six


def test_a_member_whose_country_is_not_asked_gets_a_sentence(recipients: Path) -> None:
    text = body_text(recipients / "recipients" / "example-gb-jones.pdf")
    assert (
        "None of the joint statements asks anything of the government or the legislature "
        "of the United Kingdom"
    ) in " ".join(text.split())


def test_the_manifest_lists_every_file_with_its_hash(recipients: Path) -> None:
    manifest = json.loads((recipients / "manifest.json").read_text())
    every = {entry["path"]: entry for entry in manifest["files"]}
    packs = {p: e for p, e in every.items() if e["kind"] == "pack"}
    # The language packs the members' pages are joined to are made once, and listed.
    assert sorted(packs) == [
        "en/briefing-pack-letter.pdf",
        "en/briefing-pack.pdf",
        "ja/briefing-pack.pdf",
        "ko/briefing-pack.pdf",
        "mn/briefing-pack.pdf",
    ]
    files = {p: e for p, e in every.items() if p not in packs}
    assert len(files) == 6
    for path, entry in files.items():
        pdf = recipients / path
        assert entry["sha256"] == sha256(pdf)
        assert entry["bytes"] == pdf.stat().st_size
        assert entry["pages"] == len(PdfReader(pdf).pages)
        assert entry["kind"] == "recipient pack"
        assert entry["recipient"] and entry["recipient"] in path
        assert entry["statements"] == ["ipcnkr-2005-tokyo", "ipcnkr-2007-seoul"]
        assert len(entry["inputs"]) == 64 and entry["tool"]
    assert files["recipients/example-jp-sato.pdf"]["lang"] == "ja"
    pack_pages = packs["ja/briefing-pack.pdf"]["pages"]
    assert files["recipients/example-jp-sato.pdf"]["pages"] > pack_pages  # its pages, then the pack


def test_verify_names_a_tampered_missing_or_unlisted_file(recipients: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(recipients, folder)
    runner = CliRunner()
    result = runner.invoke(cli, ["verify", str(folder)])
    assert result.exit_code == 0, result.output
    assert "11 files match" in result.output
    pdf = folder / "recipients" / "example-us-smith.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pdf.write_bytes(bytes(data))
    (folder / "recipients" / "example-gb-jones.pdf").unlink()
    shutil.copy(folder / "recipients" / "example-au-brown.pdf", folder / "stray.pdf")
    result = runner.invoke(cli, ["verify", str(folder)])
    assert result.exit_code == 1
    assert "recipients/example-us-smith.pdf: changed" in result.output
    assert "recipients/example-gb-jones.pdf: missing" in result.output
    assert "stray.pdf: not in manifest.json" in result.output


def test_pdfa_3a_and_pdfua_1_tagged_with_its_sources_attached(
    recipients: Path, tmp_path: Path, cache_dir: Path
) -> None:
    build(
        STATEMENTS,
        tmp_path,
        cache_dir,
        langs="ja",
        only="summary",
        statements=["ipcnkr-2005-tokyo"],
    )
    for pdf in (
        tmp_path / "ja" / "ipcnkr-2005-tokyo-summary.pdf",
        recipients / "recipients" / "example-kr-kim.pdf",
    ):
        reader = PdfReader(pdf)
        root = reader.trailer["/Root"]
        assert isinstance(root, DictionaryObject)
        metadata = root["/Metadata"]
        assert isinstance(metadata, StreamObject)
        xmp = metadata.get_data().decode()
        assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
        assert 'pdfuaid:part="1"' in xmp and "<pdfaSchema:prefix>pdfuaid<" in xmp
        assert "/StructTreeRoot" in root
        mark_info = root["/MarkInfo"]
        assert isinstance(mark_info, DictionaryObject)
        assert bool(mark_info["/Marked"])
        lang = root["/Lang"]
        assert isinstance(lang, str)
        assert lang in ("ja", "ko")
        assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0
        files = root["/AF"]
        assert isinstance(files, ArrayObject)
        af = [ref.get_object() for ref in files]
        assert {spec["/AFRelationship"] for spec in af} == {"/Source"}
        assert len(af) == len({spec["/UF"] for spec in af})
    summary = PdfReader(tmp_path / "ja" / "ipcnkr-2005-tokyo-summary.pdf")
    assert sorted(summary.attachments) == ["ipcnkr-2005-tokyo.ja.yaml", "ipcnkr-2005-tokyo.yaml"]
    attached = summary.attachments["ipcnkr-2005-tokyo.yaml"][0]
    assert attached == (STATEMENTS / "ipcnkr-2005-tokyo.yaml").read_bytes()
    pack = PdfReader(recipients / "recipients" / "example-kr-kim.pdf")
    assert {
        "ipcnkr-2007-seoul.ko.yaml",
        "vocabulary.yaml",
        "coalition.ko.yaml",
        "udhr.yaml",
    } <= set(pack.attachments)


def test_headings_lists_and_tables_are_tagged(recipients: Path) -> None:
    reader = PdfReader(recipients / "recipients" / "example-au-brown.pdf")
    kinds: set[str] = set()
    root = reader.trailer["/Root"]
    assert isinstance(root, DictionaryObject)
    pending = [root["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        assert isinstance(node, DictionaryObject)
        if "/S" in node:
            kinds.add(str(node["/S"]))
        kids = node.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        pending += [
            k for k in kids if hasattr(k, "get_object") and isinstance(k.get_object(), dict)
        ]
    assert {"/H1", "/H2", "/L", "/LI", "/Table", "/TR", "/TH", "/TD", "/P"} <= kinds


def test_two_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1188345600"}
    hashes = []
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline",
                "build",
                "--only",
                "print",
                "--lang",
                "en,ko",
                "--out",
                str(out),
                "--records",
                str(STATEMENTS),
                "--jobs",
                "1" if run == "a" else "2",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        hashes.append({str(p.relative_to(out)): sha256(p) for p in out.rglob("*.pdf")})
    assert len(hashes[0]) == 6
    assert hashes[0] == hashes[1]
    metadata = PdfReader(tmp_path / "a" / "en" / "briefing-pack.pdf").metadata
    assert metadata is not None
    assert "2007" in metadata.get("/CreationDate", "")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("language: ja", "language: fr", "no catalog for language 'fr'"),
        ("country: JP", "country: XX", "unknown country code 'XX'"),
        ("paper: Letter", "paper: A5", "Input should be 'A4' or 'Letter'"),
        ("id: example-kr-kim", "id: example-jp-sato", "duplicate recipient id 'example-jp-sato'"),
    ],
)
def test_bad_recipients_are_validation_errors_with_their_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = EXAMPLES.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "recipients.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text.split(old)[0].count("\n") + 1
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:{line}:" in result.output and message in result.output
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--records",
            str(STATEMENTS),
            "--recipients",
            str(bad),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1 and message in result.output
    assert not list((tmp_path / "out").rglob("*.pdf"))
