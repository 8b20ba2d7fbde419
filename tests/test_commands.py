"""The small commands: new, list, schema, and the plural forms the catalogs carry."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from support import REPO, STATEMENTS

from pipeline.cli import cli
from pipeline.i18n.languages import available_languages, gettext_for


def test_list_prints_each_statement() -> None:
    result = CliRunner().invoke(cli, ["list", str(STATEMENTS)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "adopted", "place", "resolutions"]
    assert lines[1].split() == ["ipcnkr-2005-tokyo", "2005-08-01", "Tokyo,", "JP", "5"]
    assert lines[2].split() == ["ipcnkr-2007-seoul", "2007-08-29", "Seoul,", "KR", "5"]


def test_new_writes_a_skeleton_that_validates_once_filled_in(project: Path) -> None:
    folder = project
    runner = CliRunner()
    result = runner.invoke(cli, ["new", "ipcnkr-2009-tokyo", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    path = folder / "ipcnkr-2009-tokyo.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/statement.schema.json")
    empty = runner.invoke(cli, ["validate", str(path)])
    assert empty.exit_code == 1  # not filled in yet: every empty field is reported
    assert "title" in empty.output and "ipcnkr-2009-tokyo.yaml:" in empty.output
    filled = (
        text.replace('title: ""', "title: Joint Statement of the 6th General Meeting")
        .replace('  - ""', "  - Joint Statement")
        .replace('printed: ""', "printed: urge")
        .replace("ordinal: 0", "ordinal: 2")
        .replace('city: ""', "city: Tokyo")
        .replace('country: ""', "country: JP")
        .replace("2000-01-01", "2005-08-01")
        .replace('source: ""', "source: ipcnkr-2005-joint-statement")
        .replace('part: ""', "part: All")
        .replace('overview: ""', "overview: Asks things.")
        .replace('- text: ""', "- text: A paragraph.")
        .replace('text: ""', "text: We urge the United Nations to act.")
        .replace("addressees: []", "addressees: [united-nations]")
        .replace('summary: ""', "summary: Act.")
    )
    path.write_text(filled, encoding="utf-8")
    coalition = folder / "coalition.yaml"  # a second document of the 2nd General Meeting
    coalition.write_text(
        coalition.read_text(encoding="utf-8").replace(
            "statement: ipcnkr-2005-tokyo", "statements: [ipcnkr-2005-tokyo, ipcnkr-2009-tokyo]"
        ),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(cli, ["new", "ipcnkr-2009-tokyo", "--dir", str(folder)])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(cli, ["new", "Not An Id", "--dir", str(folder)])
    assert bad.exit_code == 2 and "not a valid id" in bad.output


def test_schema_check_fails_when_the_committed_schema_is_stale(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", folder)
    runner = CliRunner()
    assert runner.invoke(cli, ["schema", "--check", "--dir", str(folder)]).exit_code == 0
    (folder / "statement.schema.json").write_text("{}\n")
    result = runner.invoke(cli, ["schema", "--check", "--dir", str(folder)])
    assert result.exit_code == 1 and "statement.schema.json" in result.output
    assert runner.invoke(cli, ["schema", "--dir", str(folder)]).exit_code == 0
    assert runner.invoke(cli, ["schema", "--check", "--dir", str(folder)]).exit_code == 0


def test_catalogs_carry_plural_forms() -> None:
    languages = available_languages(REPO / "locales")
    en, mn, ja = (gettext_for(languages[c]) for c in ("en", "mn", "ja"))
    singular, plural = "%(num)d joint statement", "%(num)d joint statements"
    assert en.ngettext(singular, plural, 1) % {"num": 1} == "1 joint statement"
    assert en.ngettext(singular, plural, 2) % {"num": 2} == "2 joint statements"
    assert ja.ngettext(singular, plural, 2) % {"num": 2} == "共同声明2件"
    assert "хамтарсан мэдэгдэл" in mn.ngettext(singular, plural, 2) % {"num": 2}
