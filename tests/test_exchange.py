"""Translators' exchange: `i18n export` and `import` as XLIFF 1.2 and PO, read by translate-toolkit.

Every test works on a copy of the project's statements and sources in its own
folder (not the checkout), runs the command line as a user would, and looks
at the files a translator's tool and the records end up with. Nothing is
typeset: the changed text is looked for in the rendered HTML.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from support import copy_project, edit
from translate.storage import factory

from pipeline.cli import cli
from pipeline.config import Paths
from pipeline.i18n.catalogs import shipped_languages
from pipeline.i18n.languages import available_languages
from pipeline.plan.planner import Planner
from pipeline.records.instruments import Instruments
from pipeline.records.validate import load_project
from pipeline.render.renderer import Renderer

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted(code for code in shipped_languages(REPO / "locales") if code != "en")
BIN = Path(sys.executable).parent
UDHR_1_EN = "All human beings are born free and equal in dignity and rights."


@pytest.fixture
def records(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def export(records: Path, lang: str, fmt: str, out: Path) -> Path:
    result = run("i18n", "export", lang, "--format", fmt, "-o", out, "--records", records)
    assert result.exit_code == 0, result.output
    return out


def po_entry(text: str, unit_id: str) -> str:
    """The PO entry of one unit, its comments included."""
    for entry in text.split("\n\n"):
        if f'msgctxt "{unit_id}"' in entry:
            return entry
    raise AssertionError(f"no entry {unit_id}")


@pytest.mark.parametrize("fmt", ["xliff", "po"])
@pytest.mark.parametrize("lang", SHIPPED)
def test_export_then_import_changes_no_byte(
    records: Path, tmp_path: Path, lang: str, fmt: str
) -> None:
    before = snapshot(records)
    exported = export(records, lang, fmt, tmp_path / f"{lang}.{fmt}")
    result = run("i18n", "import", exported, "--records", records)
    assert result.exit_code == 0, result.output
    assert "Nothing to change" in result.output
    assert snapshot(records) == before


def test_translate_toolkit_reads_and_counts_both_formats(records: Path, tmp_path: Path) -> None:
    xliff = export(records, "ja", "xliff", tmp_path / "ja.xlf")
    po = export(records, "ja", "po", tmp_path / "ja.po")
    project = load_project([records], Paths())
    stores = [factory.getobject(str(path)) for path in (xliff, po)]
    counts = [len([u for u in store.units if not u.isheader()]) for store in stores]
    assert counts[0] == counts[1] > 100
    xliff_ids = {u.getid().split("\x04")[-1] for u in stores[0].units}
    assert "ipcnkr-2005-tokyo:resolutions[2].text" in xliff_ids
    assert "vocabulary:actors[unhcr].name" in xliff_ids
    po_units = {u.getcontext(): u for u in stores[1].units if not u.isheader()}
    unit = po_units["ipcnkr-2005-tokyo:resolutions[2].text"]
    assert unit.getlocations() == ["ipcnkr-2005-tokyo:resolutions[2].text"]
    assert unit.target == project.translations[("ipcnkr-2005-tokyo", "ja")].resolutions[2].text  # type: ignore[index]
    notes = unit.getnotes("developer")
    assert "Addressed to: The United Nations (united-nations)" in notes
    assert "Its verb (DEMAND)" in notes
    quoted = po_units["ipcnkr-2005-tokyo:preamble[0].text"].getnotes("developer")
    assert "Quotes the Universal Declaration of Human Rights (UDHR), article 1" in quoted
    for path in (xliff, po):
        counted = subprocess.run(
            [BIN / "pocount", "--csv", path], capture_output=True, text=True, check=True
        ).stdout
        row = counted.strip().splitlines()[-1].split(",")
        assert int(row[1]) + int(row[4]) == counts[0], counted  # translated + fuzzy


@pytest.mark.parametrize("direction", ["po2xliff", "xliff2po"])
def test_converted_files_import_cleanly(records: Path, tmp_path: Path, direction: str) -> None:
    fmt, suffix = ("po", "xlf") if direction == "po2xliff" else ("xliff", "po")
    exported = export(records, "ko", fmt, tmp_path / f"ko.{fmt}")
    converted = tmp_path / f"converted.{suffix}"
    subprocess.run([BIN / direction, exported, converted], check=True, capture_output=True)
    text = converted.read_text(encoding="utf-8")
    before = snapshot(records)
    result = run("i18n", "import", converted, "--records", records, "--lang", "ko")
    assert result.exit_code == 0, result.output
    assert snapshot(records) == before
    unit_id = "ipcnkr-2007-seoul:title"
    project = load_project([records], Paths())
    old = project.translations[("ipcnkr-2007-seoul", "ko")].title
    assert old is not None and old in text
    converted.write_text(
        text.replace(f">{old}<", ">제5차 총회 공동성명 (개정)<").replace(
            f'msgstr "{old}"', 'msgstr "제5차 총회 공동성명 (개정)"'
        ),
        encoding="utf-8",
    )
    result = run("i18n", "import", converted, "--records", records, "--lang", "ko")
    assert result.exit_code == 0, result.output
    assert "title: 제5차 총회 공동성명 (개정)" in (records / "ipcnkr-2007-seoul.ko.yaml").read_text(
        encoding="utf-8"
    ), unit_id


def test_a_unit_edited_as_poedit_writes_it_lands_in_yaml_and_html(
    records: Path, tmp_path: Path
) -> None:
    po = export(records, "ja", "po", tmp_path / "ja.po")
    text = po.read_text(encoding="utf-8")
    unit = "ipcnkr-2005-tokyo:resolutions[1].ask.summary"
    entry = po_entry(text, unit)
    new = "難民及び支援活動家を、中国が署名した国際条約のとおりに保護すること（改訂）。"
    wrapped = re.sub(r'msgstr ".*"', f'msgstr ""\n"{new[:20]}"\n"{new[20:]}"', entry)
    # Weblate and Poedit rewrap, and a translator marks another entry for review.
    other = "ipcnkr-2005-tokyo:resolutions[0].ask.summary"
    other_entry = po_entry(text, other)
    flagged = other_entry.replace(f"#: {other}\n", f"#: {other}\n#, fuzzy\n")
    text = text.replace(entry, wrapped).replace(other_entry, flagged)
    po.write_text(text, encoding="utf-8")
    yaml_file = records / "ipcnkr-2005-tokyo.ja.yaml"
    before = yaml_file.read_text(encoding="utf-8")
    result = run("i18n", "import", po, "--records", records)
    assert result.exit_code == 0, result.output
    assert "Updated" in result.output and "ipcnkr-2005-tokyo.ja.yaml" in result.output
    after = yaml_file.read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=False) if a != b
    ]
    # The new text where the old one stood, in its `>-` block; the fuzzy one's
    # original is no longer recorded (it is stale until confirmed); nothing else moved.
    assert changed[0][1] == f"        {new}"
    assert changed[1][0].startswith("  resolutions[0].ask.summary: End all humanitarian")
    assert before.splitlines()[:5] == after.splitlines()[:5]  # the comments stay
    project = load_project([records], Paths())
    language = available_languages(REPO / "locales")["ja"]
    planner = Planner(project, language, Instruments.load(REPO / "instruments"))
    html = Renderer(REPO / "templates", language, dt.date(2026, 1, 15)).summary(
        planner.summary(project.statements["ipcnkr-2005-tokyo"], 0)
    )
    assert new in html
    exported = export(records, "ja", "po", tmp_path / "again.po").read_text(encoding="utf-8")
    assert "#, fuzzy" in po_entry(exported, other)


def test_a_stale_unit_exports_as_needs_review_with_its_previous_source(
    records: Path, tmp_path: Path
) -> None:
    old = "We demand the North Korean authorities immediately end all humanitarian abuses,"
    new = "We demand the North Korean authorities at once end all humanitarian abuses,"
    edit(
        records / "ipcnkr-2005-tokyo.yaml",
        "We demand the North Korean authorities immediately end all humanitarian abuses,",
        new,
    )
    store = factory.getobject(str(export(records, "ja", "xliff", tmp_path / "ja.xlf")))
    unit = next(
        u
        for u in store.units
        if u.getid().split("\x04")[-1] == "ipcnkr-2005-tokyo:resolutions[0].text"
    )
    assert unit.isfuzzy()
    assert (
        unit.xmlelement.find(unit.namespaced("target")).get("state") == "needs-review-translation"
    )
    previous = [
        a for a in unit.getalttrans() if a.xmlelement.get("alttranstype") == "previous-version"
    ]
    assert previous and previous[0].source.startswith(old)
    po = export(records, "ja", "po", tmp_path / "ja.po").read_text(encoding="utf-8")
    entry = po_entry(po, "ipcnkr-2005-tokyo:resolutions[0].text")
    assert "#, fuzzy" in entry and f'#| msgid "{old}' in entry
    # Unchanged, it stays stale; its translator clears fuzzy, and it is confirmed.
    before = snapshot(records)
    assert run("i18n", "import", tmp_path / "ja.po", "--records", records).exit_code == 0
    assert snapshot(records) == before
    (tmp_path / "ja.po").write_text(
        po.replace(entry, entry.replace("#, fuzzy\n", "")), encoding="utf-8"
    )
    result = run("i18n", "import", tmp_path / "ja.po", "--records", records)
    assert result.exit_code == 0, result.output
    text = (records / "ipcnkr-2005-tokyo.ja.yaml").read_text(encoding="utf-8")
    assert "resolutions[0].text: We demand the North Korean authorities at once" in text
    warnings = run("validate", records).output.splitlines()
    assert not [w for w in warnings if "tokyo.ja.yaml" in w and "earlier version" in w]
    assert [w for w in warnings if "tokyo.ko.yaml" in w and "earlier version" in w]


def test_a_repeated_ask_comes_with_its_earlier_translation(records: Path, tmp_path: Path) -> None:
    project = load_project([records], Paths())
    earlier = project.statements["ipcnkr-2005-tokyo"].resolutions[1].ask
    assert earlier is not None
    # The 2007 statement repeats 2005's ask word for word.
    data = yaml.safe_load((records / "ipcnkr-2007-seoul.yaml").read_text(encoding="utf-8"))
    data["resolutions"][0]["items"][6]["ask"]["summary"] = earlier.summary
    (records / "ipcnkr-2007-seoul.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    ja = project.translations[("ipcnkr-2005-tokyo", "ja")].resolutions[1].ask.summary  # type: ignore[index,union-attr]
    store = factory.getobject(str(export(records, "ja", "xliff", tmp_path / "ja.xlf")))
    unit_id = "ipcnkr-2007-seoul:resolutions[0].items[6].ask.summary"
    unit = next(u for u in store.units if u.getid().split("\x04")[-1] == unit_id)
    offered = {a.xmlelement.get("origin"): a.target for a in unit.getalttrans()}
    assert offered.get("ipcnkr-2005-tokyo:resolutions[1].ask.summary") == ja
    po = export(records, "ja", "po", tmp_path / "ja.po").read_text(encoding="utf-8")
    assert f"Suggestion (ipcnkr-2005-tokyo:resolutions[1].ask.summary): {ja}" in po_entry(
        po, unit_id
    )


def test_a_quotation_is_offered_the_official_text(records: Path, tmp_path: Path) -> None:
    official = Instruments.load(REPO / "instruments").text_of("udhr", 1, "mn")
    assert official is not None
    po = export(records, "mn", "po", tmp_path / "mn.po").read_text(encoding="utf-8")
    entry = po_entry(po, "ipcnkr-2005-tokyo:preamble[0].quotations[0].text")
    assert "#, fuzzy" in entry and f'msgstr "{official}"' in entry
    assert "The official mn text of udhr article 1" in entry


def test_a_bad_import_is_refused_located_and_writes_nothing(records: Path, tmp_path: Path) -> None:
    xliff = export(records, "ja", "xliff", tmp_path / "ja.xlf")
    text = xliff.read_text(encoding="utf-8")
    lines = text.splitlines()
    quote_id = "ipcnkr-2005-tokyo:preamble[0].quotations[0].text"
    quote_line = next(i for i, line in enumerate(lines, 1) if f'id="{quote_id}"' in line)
    title_line = next(
        i for i, line in enumerate(lines, 1) if 'id="ipcnkr-2007-seoul:title"' in line
    )
    official = Instruments.load(REPO / "instruments").text_of("udhr", 1, "ja")
    assert official is not None
    text = text.replace(f">{official}</target>", ">すべての人間は自由である。</target>", 1)
    text = text.replace(
        "<source>Joint Statement of the 4th General Meeting</source>",
        "<source>An older title</source>",
    )
    text = text.replace(
        "第2回総会共同声明", "第2回総会共同声明（改）"
    )  # a good change, not written
    xliff.write_text(text, encoding="utf-8")
    before = snapshot(records)
    result = run("i18n", "import", xliff, "--records", records)
    assert result.exit_code == 1
    assert (
        f"{xliff}:{quote_line}:7: {quote_id}: not the official ja text of udhr article 1"
        in result.output
    )
    assert (
        f"{xliff}:{title_line}:7: ipcnkr-2007-seoul:title: the original has changed"
        in result.output
    )
    assert "'An older title'" in result.output
    assert "Traceback" not in result.output
    assert snapshot(records) == before


def test_a_new_translation_file_needs_its_translator(records: Path, tmp_path: Path) -> None:
    po = export(records, "mn", "po", tmp_path / "mn.po")
    entry_id = "ipcnkr-2007-seoul:title"
    text = po.read_text(encoding="utf-8")
    entry = po_entry(text, entry_id)
    po.write_text(
        text.replace(entry, entry.replace('msgstr ""', 'msgstr "Тав дахь чуулганы мэдэгдэл"')),
        encoding="utf-8",
    )
    refused = run("i18n", "import", po, "--records", records)
    assert refused.exit_code == 1 and "--translator" in refused.output
    assert not (records / "ipcnkr-2007-seoul.mn.yaml").exists()
    done = run("i18n", "import", po, "--records", records, "--translator", "Б. Бат")
    assert done.exit_code == 0, done.output
    created = (records / "ipcnkr-2007-seoul.mn.yaml").read_text(encoding="utf-8")
    assert "title: Тав дахь чуулганы мэдэгдэл" in created and "translator: Б. Бат" in created
    assert "originals:\n  title: " in created
    assert "error" not in run("validate", records).output.lower()


def test_catalogs_belong_to_the_project_and_update_only_what_changed(tmp_path: Path) -> None:
    import shutil

    locales = tmp_path / "locales"
    shutil.copytree(REPO / "locales", locales)
    before = snapshot(locales) | {
        p.name: p.read_bytes() for p in locales.glob("*/LC_MESSAGES/*.po")
    }
    extracted = run("i18n", "extract", "--locales", locales)
    assert extracted.exit_code == 0 and "Unchanged" in extracted.output, extracted.output
    updated = run("i18n", "update", "--locales", locales)
    assert updated.exit_code == 0 and "up to date" in updated.output, updated.output
    after = snapshot(locales) | {p.name: p.read_bytes() for p in locales.glob("*/LC_MESSAGES/*.po")}
    assert after == before
    pot = (locales / "messages.pot").read_text(encoding="utf-8")
    assert re.search(r"#: templates/[\w/]+\.html$", pot, re.M)  # the file, not a line that moves
    assert "POT-Creation-Date" not in pot
    compiled = run("i18n", "compile")
    assert "Nothing to compile" in compiled.output
    assert not list(locales.rglob("*.mo")) and not list((REPO / "locales").rglob("*.mo"))
