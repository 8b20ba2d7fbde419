"""The `briefing` command: each subcommand parses its options and calls one function."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.errors import BriefingError, UsageError, colour_wanted
from pipeline.version import __version__

if TYPE_CHECKING:
    from pipeline.config import Finished, ProjectConfig

from pipeline.config import DEFAULT_RECORDS


class _Group(click.Group):
    """Click's own standalone handling, with two of the project's rules added.

    An OS error (a disk, a permission, a path) is one line naming its path, and
    Ctrl-C exits with 130, as shells expect of an interrupted command (click's
    default is 1); click reports both as the errors it shows.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted() from None
        except OSError as error:
            if error.errno == errno.EPIPE:  # click's own handling: a closed pipe is quiet
                raise
            from pipeline.files import os_error_message

            raise BriefingError(os_error_message(error)) from None


class Interrupted(BriefingError):
    """Ctrl-C: nothing more is done, and what was written before stays."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("Aborted.")


@dataclasses.dataclass
class Manners:
    """The group's options, for every subcommand: how much to say, and which config file."""

    quiet: bool = False
    verbose: bool = False
    config: Path | None = None  # None: the nearest briefing.toml; Path("none"): no file

    def project(self) -> ProjectConfig:
        from pipeline.config import ProjectConfig, load_config

        if self.config is not None and str(self.config) == "none":
            return ProjectConfig()
        return load_config(self.config)

    def say(self, message: str) -> None:
        """Progress and notices on stderr; nothing with -q."""
        if not self.quiet:
            click.echo(message, err=True)

    def warn(self, message: str) -> None:
        """A warning on stderr (yellow on a terminal); shown even with -q."""
        click.echo(
            click.style("warning:", fg="yellow", bold=True) + f" {message}",
            err=True,
            color=colour_wanted(sys.stderr),
        )


def _manners() -> Manners:
    context = click.get_current_context(silent=True)
    found = context.find_object(Manners) if context is not None else None
    return found if found is not None else Manners()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="briefing")
@click.option("-q", "--quiet", is_flag=True, help="Say only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Also say why each document is built.")
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="BRIEFING_CONFIG",
    default=None,
    help="The project's config file (default: briefing.toml here or in a folder above; "
    "`none`: no file).",
)
@click.pass_context
def cli(context: click.Context, quiet: bool, verbose: bool, config: Path | None) -> None:
    """Briefing packs and one-page summaries of the IPCNKR joint statements.

    Start a project with `briefing init`, then `briefing build`. Settings are in
    briefing.toml; options override them. Shell completion: see the README.
    """
    if quiet and verbose:
        raise UsageError("-q and -v say opposite things: give one")
    context.obj = Manners(quiet, verbose, config)


def _records_or_hint(records: Path, config: ProjectConfig) -> Path:
    """Refuse, with a hint, a records folder that is not there (an empty folder, say)."""
    if records.exists():
        return records
    from pipeline.config import CONFIG

    if config.path is None:
        raise UsageError(
            f"no records folder {records}/ and no {CONFIG} here or above: this is not a "
            "briefing project. Start one with `briefing init` (or `briefing init DIR`), "
            "or name the records with --records FOLDER."
        )
    raise UsageError(
        f"no records folder {records}/ (from {config.path}): create it, fix `records` "
        f"in {config.path}, or start a project with `briefing init`"
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    help="text: file:line:col lines; json: a list of objects; github: annotations.",
)
def validate(paths: tuple[Path, ...], output_format: str) -> None:
    """Check the records (default: the project's records and members) and report every problem."""
    from pipeline.records.validate import check_records

    manners = _manners()
    if not paths:
        config = manners.project()
        records = _records_or_hint(config.records, config)
        paths = (records, *((config.recipients,) if config.recipients else ()))
    _, problems, checked = check_records(list(paths), manners.project().paths())
    coloured = colour_wanted(sys.stdout)
    if output_format == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            line = problem.as_github() if output_format == "github" else str(problem)
            if output_format == "text":
                line = click.style(line, fg="red" if problem.is_error else "yellow")
            click.echo(line, color=coloured)
    errors = [p for p in problems if p.is_error]
    warnings = len(problems) - len(errors)
    also = f" (and {warnings} warning{'s' * (warnings != 1)})" if warnings else ""
    if errors:
        noun = "problem" if len(errors) == 1 else "problems"
        files = len({p.path for p in errors})
        click.echo(f"{len(errors)} {noun} in {files} of {checked} files{also}.", err=True)
        sys.exit(1)
    note = f"{warnings} warning{'s' * (warnings != 1)} (see above), " if warnings else ""
    manners.say(f"{checked} files checked, {note}no problems.")


@cli.command(name="list")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def list_statements(paths: tuple[Path, ...]) -> None:
    """Print the statements: id, date adopted, place, number of resolutions."""
    from pipeline.records.validate import load_project

    config = _manners().project()
    if not paths:
        paths = (_records_or_hint(config.records, config),)
    project = load_project(list(paths), config.paths())
    rows = [
        (
            s.id,
            s.adopted.isoformat(),
            ", ".join(p for p in (s.meeting.city, s.meeting.country) if p) or "not stated",
            str(len(s.resolutions)),
        )
        for s in project.statements.values()
    ]
    _echo_table(("id", "adopted", "place", "resolutions"), rows)


@cli.command(name="init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=Path("."))
@click.option("--force", is_flag=True, help="Write into a folder that already has files.")
def init_project(folder: Path, force: bool) -> None:
    """Start a project in FOLDER (default: here): briefing.toml, example records, .gitignore."""
    from pipeline.records.skeleton import write_project

    written = write_project(folder, force=force)
    manners = _manners()
    for path in written:
        manners.say(f"Wrote {path}")
    where = "" if folder == Path(".") else f"cd {folder} && "
    click.echo(
        f"A new project in {folder}/. Next: {where}briefing build (the example statements "
        "in every language); then replace the examples with your own records "
        "(`briefing new ID`) and members (recipients.yaml, kept out of git)."
    )


@cli.command()
@click.argument("statement_id")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    default=DEFAULT_RECORDS,
    show_default=True,
    help="Where to write the file.",
)
@click.option("--force", is_flag=True, help="Replace an existing file of that name.")
@click.option(
    "--kind",
    type=click.Choice(["joint-statement", "action-programme", "resolution"]),
    default="joint-statement",
    show_default=True,
    help="The kind of document: one skeleton each.",
)
def new(statement_id: str, folder: Path, force: bool, kind: str) -> None:
    """Write a skeleton statement to fill in."""
    from pipeline.records.skeleton import write_skeleton

    path = write_skeleton(statement_id, folder, force=force, kind=kind)
    click.echo(f"Wrote {path}. Fill in every empty field, then run `briefing validate {path}`.")


@cli.command()
@click.option("--check", is_flag=True, help="Fail if the committed schemas are stale.")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the schemas are (default: the tool's own schemas/).",
)
def schema(check: bool, folder: Path | None) -> None:
    """Write the JSON Schema of every kind of record to schemas/."""
    from pipeline.config import DEFAULT_SCHEMAS
    from pipeline.records.schema import check_schemas, write_schemas

    folder = folder or DEFAULT_SCHEMAS
    if check:
        stale = check_schemas(folder)
        if stale:
            raise BriefingError(
                "stale JSON Schema: "
                + ", ".join(str(p) for p in stale)
                + "\nRun `briefing schema` and commit the result."
            )
        click.echo(f"JSON Schemas in {folder}/ are up to date.")
        return
    for path in write_schemas(folder):
        click.echo(f"Wrote {path}")


@cli.command()
@click.option(
    "--statement",
    "statements",
    multiple=True,
    metavar="ID",
    help="Build only this statement (repeatable; default: all). Its pack has a name of its own.",
)
@click.option(
    "--only",
    type=click.Choice(["summary", "pack", "recipients", "print", "web"]),
    default=None,
    help="Build only the one-page summaries, the packs, the recipients' packs, the PDFs "
    "(print: summaries and packs), or the web edition (with the PDFs it serves).",
)
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Output folder [output]."
)
@click.option(
    "--lang", "langs", default=None, help="Languages, comma-separated (en,ja), or all [all]."
)
@click.option(
    "--records", type=click.Path(path_type=Path), default=None, help="Folder of the records."
)
@click.option(
    "--jobs",
    type=click.IntRange(1),
    default=None,
    help="Worker processes (default: the number of cores).",
)
@click.option("--force", is_flag=True, help="Rebuild everything, even what is up to date.")
@click.option(
    "--explain",
    is_flag=True,
    help="Say for each document whether it would be built, and why, without building.",
)
@click.option(
    "--dry-run",
    "-n",
    "dry_run",
    is_flag=True,
    help="Decide and list what a build would do, with reasons; typeset and write nothing.",
)
@click.option(
    "--recipients",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="Also write a pack per recipient: output/recipients/<id>.pdf.",
)
@click.option("--no-recipients", is_flag=True, help="Leave out the recipients briefing.toml names.")
@click.option(
    "--templates",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="A project's own templates folder (default: the tool's).",
)
@click.option(
    "--paper",
    type=click.Choice(["A4", "Letter"]),
    default=None,
    help="Paper of the summaries and packs [A4]; a member's pack has the member's.",
)
@click.option(
    "--date",
    "date_rule",
    default=None,
    metavar="DATE",
    help="The date the documents carry: YYYY-MM-DD, `content` (the records' last commit; "
    "the default) or `today`.",
)
@click.option(
    "--base-url",
    default=None,
    envvar="BRIEFING_BASE_URL",
    metavar="URL",
    help="Where the web edition is published (https://example.org/briefing): each PDF's "
    "summary names its page there. Default: briefing.toml's [web] base_url ($BRIEFING_BASE_URL).",
)
def build(
    statements: tuple[str, ...],
    only: str | None,
    out: Path | None,
    langs: str | None,
    records: Path | None,
    jobs: int | None,
    force: bool,
    explain: bool,
    dry_run: bool,
    recipients: Path | None,
    no_recipients: bool,
    templates: Path | None,
    paper: str | None,
    date_rule: str | None,
    base_url: str | None,
) -> None:
    """Make the one-page summaries and the briefing pack of each language."""
    from pipeline.build.run import build_all
    from pipeline.config import BuildRequest, parse_date

    manners = _manners()
    config = manners.project()
    out = out or config.out
    records = _records_or_hint(records or config.records, config)
    if recipients is not None and no_recipients:
        raise UsageError("--recipients and --no-recipients say opposite things: give one")
    if not no_recipients:
        recipients = recipients or config.recipients
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder: choose a folder")
    rule = date_rule or config.date_rule
    if rule not in ("content", "today"):
        parse_date(rule, "--date" if date_rule else f"date in {config.path}")
    paths = config.paths(records=records, out=out)
    if templates is not None:
        paths = dataclasses.replace(paths, templates=templates)
    deciding = explain or dry_run
    say_why = (
        (lambda line: click.echo(line)) if deciding else (manners.say if manners.verbose else None)
    )
    with _progress(quiet=manners.quiet or deciding) as progress:
        written = build_all(
            paths,
            BuildRequest(
                statements=statements,
                only=only,
                langs=langs or config.languages,
                jobs=jobs or os.cpu_count() or 1,
                force=force,
                recipients=recipients,
                explain=say_why,
                dry_run=deciding,
                list_up_to_date=explain,
                paper=paper or config.paper,
                date_rule=rule,
                base_url=base_url if base_url is not None else str(config.web.get("base_url", "")),
                progress=progress,
                notice=manners.say,
                started=manners.say,
            ),
        )
    if deciding:
        todo = sum(1 for w in written if w.built)
        manners.say(
            f"{todo} of {len(written)} documents would be built; nothing was written (dry run)."
        )
        return
    if manners.quiet:
        return
    _echo_table(
        ("file", "pages", "size", ""),
        [
            (
                str(w.path),
                "" if w.pages is None else str(w.pages),
                _size(w.size),
                "" if w.built else "up to date",
            )
            for w in written
        ],
    )


@cli.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port on 127.0.0.1 (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the address in a browser.")
@click.option(
    "--lang",
    "langs",
    default="all",
    show_default=True,
    help="Languages, comma-separated (en,ja), or all.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: the project's): the site is served from its site/ folder.",
)
@click.option(
    "--records",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of the records (default: the project's).",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="A project's own templates folder (default: the tool's).",
)
def preview(
    port: int,
    open_browser: bool,
    langs: str,
    out: Path | None,
    records: Path | None,
    templates: Path | None,
) -> None:
    """Serve the web edition on 127.0.0.1, rebuilt and reloaded as files are saved."""
    from pipeline.config import BuildRequest
    from pipeline.preview import preview as run

    paths = _manners().project().paths(records=records, out=out)
    if templates is not None:
        paths = dataclasses.replace(paths, templates=templates)
    request = BuildRequest(langs=langs, notice=lambda message: click.echo(message, err=True))
    run(paths, request, port, open_browser, lambda line: click.echo(line, err=True))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), default=Path("output"))
def verify(folder: Path) -> None:
    """Check every file in FOLDER against its manifest: missing, changed or unlisted."""
    from pipeline.output.transaction import STAGING, leftovers
    from pipeline.output.verify import verify as run

    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    interrupted = (folder / STAGING).exists() or bool(leftovers(folder))
    manifest = folder / "manifest.json"
    if not (manifest.exists() or manifest.is_symlink() or interrupted):
        raise BriefingError(f"{folder}/manifest.json not found: nothing to verify against")
    listed, findings = run(folder)
    for finding in findings:
        click.echo(str(finding))
    if findings:
        raise BriefingError(f"{len(findings)} of the files in {folder}/ do not match its manifest")
    click.echo(f"{listed} files match {folder}/manifest.json.")


@cli.group()
def i18n() -> None:
    """Maintain the interface catalogs and report what is translated."""


def _locales_option(function: Callable[..., None]) -> Callable[..., None]:
    """The project's catalogs: `--locales`, else its `locales/` when it has one, else the tool's."""
    return click.option(
        "--locales",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="The project's catalogs folder (default: ./locales when it exists, else the tool's).",
    )(function)


def _locales(given: Path | None) -> Path:
    """`--locales`, else the project's (briefing.toml's `locales`, or its own `locales/`)."""
    return given if given is not None else _manners().project().locales


@i18n.command()
@_locales_option
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The templates whose strings to extract (default: the tool's).",
)
def extract(locales: Path | None, templates: Path | None) -> None:
    """Extract the interface strings into LOCALES/messages.pot (unchanged strings: no write)."""
    from pipeline.i18n.catalogs import extract as run

    target, changed = run(_locales(locales), templates)
    click.echo(f"{'Wrote' if changed else 'Unchanged:'} {target}")


@i18n.command()
@click.argument("code")
@click.option("--locale", default=None, help="CLDR locale for dates and names (default: CODE).")
@click.option("--force", is_flag=True, help="Replace the catalog of a language that has one.")
@_locales_option
@click.option(
    "--records", type=click.Path(path_type=Path), default=None, help="Default: the project's."
)
def init(
    code: str, locale: str | None, force: bool, locales: Path | None, records: Path | None
) -> None:
    """Start a new language: catalog, vocabulary and coalition skeletons, official UDHR."""
    from pipeline.config import build_date
    from pipeline.records.skeleton import add_language

    paths = _manners().project().paths(records=records)
    paths = dataclasses.replace(paths, locales=_locales(locales))
    written = add_language(
        paths.locales,
        paths.records,
        paths.instruments,
        code,
        locale or code,
        build_date().isoformat(),
        force=force,
    )
    for path in written:
        click.echo(f"Wrote {path}")
    if paths.instruments / "udhr.yaml" not in written:
        click.echo(
            f"No UDHR text for {code} in sources/udhr/: its documents quote the UDHR in English "
            "until you archive the UN's text with `briefing i18n udhr FILE.xml --source …` "
            "(README, the checklist)."
        )
    click.echo(
        f"Next: translate {paths.locales / code}, then see `briefing i18n status`; "
        "the README's Translations checklist says what else a language needs."
    )


@i18n.command()
@click.argument("xml", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--source",
    required=True,
    help="Where the copy comes from, for its provenance (repository, folder and commit, or URL).",
)
@click.option(
    "--site",
    default="UDHR in Unicode (efele.net/udhr)",
    show_default=True,
    help="The collection that publishes it.",
)
@_locales_option
@click.option(
    "--records", type=click.Path(path_type=Path), default=None, help="Default: the project's."
)
def udhr(xml: Path, source: str, site: str, locales: Path | None, records: Path | None) -> None:
    """Archive the UN's UDHR text XML (from "UDHR in Unicode") in sources/udhr/ with its provenance.

    `i18n init` of its language then takes the official articles from it; for a
    language that has a catalog already, instruments/udhr.yaml is written now.
    """
    from pipeline.config import sources_folder
    from pipeline.i18n.languages import available_languages
    from pipeline.records.udhr import archive_udhr

    paths = _manners().project().paths(records=records)
    folder = _locales(locales)
    known = available_languages(folder) if folder.is_dir() else {}
    corpus = sources_folder(paths.records) / "udhr"
    written, code = archive_udhr(xml, corpus, paths.instruments, known, source, site)
    for path in written:
        click.echo(f"Wrote {path}")
    if paths.instruments / "udhr.yaml" not in written:  # no catalog yet: `i18n init` takes it
        click.echo(f"Next: `briefing i18n init {code} --locale …` takes the official text from it.")


@i18n.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--records", type=click.Path(path_type=Path), default=None, help="Default: the project's."
)
def confirm(files: tuple[Path, ...], records: Path | None) -> None:
    """Record that each text of FILES translates today's original (check them first)."""
    from pipeline.records.confirm import confirm_translations

    paths = _manners().project().paths(records=records)
    for path, count in confirm_translations(paths, files):
        click.echo(f"{path}: {count} texts recorded as translations of today's original")


@i18n.command()
@_locales_option
def update(locales: Path | None) -> None:
    """Merge LOCALES/messages.pot into every catalog; a catalog with nothing new is not written."""
    from pipeline.i18n.catalogs import update as run

    folder = _locales(locales)
    changed = run(folder)
    for path in changed:
        click.echo(f"Updated {path}")
    if not changed:
        click.echo(f"Every catalog in {folder} is up to date.")


@i18n.command(name="compile", hidden=True)
def compile_() -> None:
    """Say why there is nothing to compile: the build reads the .po catalogs directly."""
    click.echo(
        "Nothing to compile: the build reads the .po catalogs directly, so no .mo file is "
        "written. A tool that needs .mo files can make them with `msgfmt`."
    )


@i18n.command(name="export")
@click.argument("lang")
@click.option(
    "--format", "fmt", type=click.Choice(["xliff", "po"]), default="xliff", show_default=True
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The file to write (default: <LANG>.xlf or <LANG>.po here).")  # fmt: skip
@click.option(
    "--records", type=click.Path(path_type=Path), default=None, help="Default: the project's."
)
def export_(lang: str, fmt: str, output: Path | None, records: Path | None) -> None:
    """Write the statements' texts, names and notes for a translator's tool (XLIFF 1.2 or PO)."""
    from pipeline.files import write_atomically
    from pipeline.translate.exchange import export

    data, count = export(_manners().project().paths(records=records), lang, fmt)
    target = output or Path(f"{lang}.{'xlf' if fmt == 'xliff' else 'po'}")
    write_atomically(target, data)
    click.echo(f"Wrote {target}: {count} texts to translate into {lang}")


@i18n.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--records", type=click.Path(path_type=Path), default=None, help="Default: the project's."
)
@click.option(
    "--translator", default=None, help="Who translated, for a translation file new to the records."
)
@click.option("--lang", default=None, help="The language, if the file does not name it.")
def import_(file: Path, records: Path | None, translator: str | None, lang: str | None) -> None:
    """Merge a translated XLIFF or PO file into the translation records (all checked first)."""
    from pipeline.config import build_date
    from pipeline.translate.exchange import import_file

    paths = _manners().project().paths(records=records)
    done = import_file(file, paths, translator, build_date(), lang)
    for imported in done:
        verb = "Created" if imported.created else "Updated"
        click.echo(f"{verb} {imported.path}: {imported.changed} texts changed or confirmed")
    if not done:
        click.echo("Nothing to change: the records already hold these translations.")


@i18n.command()
@click.option(
    "--records", type=click.Path(path_type=Path), default=None, help="Default: the project's."
)
@click.option("--strict", is_flag=True, help="Exit 1 if a catalog is still in progress.")
@_locales_option
def status(records: Path | None, strict: bool, locales: Path | None) -> None:
    """Show what is translated: catalogs, and statements by language.

    A catalog in progress is reported, not an error: builds leave its language
    out until it is complete (or build it as a draft with --lang).
    """
    from pipeline.plan.status import translation_status

    paths = _manners().project().paths(records=records)
    report = translation_status(dataclasses.replace(paths, locales=_locales(locales)))
    click.echo("Interface catalogs")
    _echo_table(("language", "translated", "missing", "fuzzy"), report.catalog_rows)
    for line in report.catalog_details:
        click.echo(f"  {line}")
    click.echo("\nStatements")
    _echo_table(report.statement_header, report.statement_rows)
    click.echo("\nVocabulary, coalition notes and the UDHR")
    _echo_table(("language", "vocabulary", "coalition", "UDHR"), report.language_rows)
    if not report.complete:
        message = (
            "some catalogs are in progress (see above): builds leave those languages "
            "out, or make drafts of them with --lang"
        )
        if strict:
            raise BriefingError(message)
        click.echo(message, err=True)


@cli.command()
@click.option(
    "--recipients",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="The members: the file their packs were built from (default: briefing.toml's).",
)
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Output folder [output]."
)
@click.option("--send", "really", is_flag=True, help="Send (without it: a dry run).")
@click.option(
    "--outbox",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Write the messages as .eml files here instead of sending them.",
)
@click.option("--resend-uncertain", is_flag=True, help="Send again what may not have arrived.")
@click.option("--smtp-host", default=None)
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=None)
@click.option("--smtp-security", type=click.Choice(["none", "starttls", "tls"]), default=None)
@click.option("--smtp-user", default=None)
@click.option("--smtp-ca", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--smtp-timeout", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS")
@click.option("--from", "sender", default=None, help="The sender's address.")
@click.option("--ledger", type=click.Path(path_type=Path, dir_okay=False), default=None)
def send(
    recipients: Path | None,
    out: Path | None,
    really: bool,
    outbox: Path | None,
    resend_uncertain: bool,
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_security: str | None,
    smtp_user: str | None,
    smtp_ca: Path | None,
    smtp_timeout: float | None,
    sender: str | None,
    ledger: Path | None,
) -> None:
    """Send each member the current edition of their pack, once (a dry run without --send)."""
    from pipeline.deliver import SendOptions
    from pipeline.deliver import send as run
    from pipeline.deliver.settings import settings_from

    config = _manners().project()
    recipients = recipients or _required(config.recipients, "--recipients")
    settings = settings_from(config).override(
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        smtp_security=smtp_security,
        smtp_user=smtp_user,
        smtp_ca=smtp_ca,
        smtp_timeout=smtp_timeout,
        sender=sender,
        ledger=ledger,
    )
    report = run(
        SendOptions(
            recipients,
            settings,
            config.paths().locales,
            out=out or config.out,
            send=really,
            outbox=outbox,
            resend_uncertain=resend_uncertain,
            say=click.echo,
        )
    )
    dry = " (dry run: nothing sent; --send sends)" if report.dry_run else ""
    click.echo(f"{report.summary()}{dry}.", err=True)
    sys.exit(report.exit_code)


@cli.command()
@click.option("--ledger", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="The output folder whose editions are current (for who is behind) [output].",
)
@click.option(
    "--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table"
)
def deliveries(ledger: Path | None, out: Path | None, output_format: str) -> None:
    """Show who holds which edition, who is behind, and who failed."""
    from pipeline.deliver import deliveries as show
    from pipeline.deliver.settings import settings_from

    config = _manners().project()
    settings = settings_from(config).override(ledger=ledger)
    text, code = show(settings.ledger, out or config.out, output_format)
    click.echo(text)
    sys.exit(code)


def _required(value: Path | None, option: str) -> Path:
    if value is None:
        raise UsageError(f"give {option}, or name it in briefing.toml")
    return value


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB"


@contextlib.contextmanager
def _progress(quiet: bool = False) -> Iterator[Callable[[Finished], None]]:
    """Report each document as it is finished: a bar on a terminal, a line each otherwise.

    The bar appears with the first finished document, so a build with nothing to
    do shows none; -q shows nothing.
    """
    if quiet:
        yield lambda done: None
        return
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield lambda done: click.echo(
            f"[{done.done}/{done.total}] {done.path} ({done.seconds:.1f} s)", err=True
        )
        return
    with contextlib.ExitStack() as stack:
        bars: list[click._termui_impl.ProgressBar[str]] = []

        def advance(done: Finished) -> None:
            if not bars:
                bars.append(
                    stack.enter_context(
                        click.progressbar(
                            length=done.total,
                            label="Building",
                            file=sys.stderr,
                            show_pos=True,
                            item_show_func=lambda item: item,
                        )
                    )
                )
            bars[0].update(1, current_item=f"{done.path} ({done.seconds:.1f} s)")

        yield advance


def _echo_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def main() -> None:
    """Run the command line: click's standalone mode prints errors and sets the exit code."""
    cli.main(prog_name="briefing")


__all__ = ["UsageError", "cli", "main"]
