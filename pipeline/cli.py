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

from pipeline.errors import BriefingError, UsageError
from pipeline.version import __version__

if TYPE_CHECKING:
    from pipeline.config import Finished

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
        super().__init__("interrupted")


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="briefing")
def cli() -> None:
    """Briefing packs and one-page summaries of the IPCNKR joint statements."""


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
    """Check the records (default: statements/) and report every problem."""
    from pipeline.records.validate import check_records

    _, problems, checked = check_records(list(paths) or [DEFAULT_RECORDS])
    if output_format == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(problem.as_github() if output_format == "github" else str(problem))
    errors = [p for p in problems if p.is_error]
    warnings = len(problems) - len(errors)
    also = f" (and {warnings} warning{'s' * (warnings != 1)})" if warnings else ""
    if errors:
        noun = "problem" if len(errors) == 1 else "problems"
        files = len({p.path for p in errors})
        click.echo(f"{len(errors)} {noun} in {files} of {checked} files{also}.", err=True)
        sys.exit(1)
    note = f"{warnings} warning{'s' * (warnings != 1)} (see above), " if warnings else ""
    click.echo(f"{checked} files checked, {note}no problems.", err=True)


@cli.command(name="list")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def list_statements(paths: tuple[Path, ...]) -> None:
    """Print the statements: id, date adopted, place, number of resolutions."""
    from pipeline.records.validate import load_project

    project = load_project(list(paths) or [DEFAULT_RECORDS])
    rows = [
        (
            s.id,
            s.adopted.isoformat(),
            f"{s.meeting.city}, {s.meeting.country}",
            str(len(s.resolutions)),
        )
        for s in project.statements.values()
    ]
    _echo_table(("id", "adopted", "place", "resolutions"), rows)


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
def new(statement_id: str, folder: Path, force: bool) -> None:
    """Write a skeleton statement to fill in."""
    from pipeline.records.skeleton import write_skeleton

    path = write_skeleton(statement_id, folder, force=force)
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
    help="Build only this statement (repeatable; default: all).",
)
@click.option(
    "--only",
    type=click.Choice(["summary", "pack", "recipients", "web"]),
    default=None,
    help="Build only the one-page summaries, the packs, the recipients' packs, or the web "
    "edition (with the PDFs it serves).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Output folder.",
)
@click.option(
    "--lang",
    "langs",
    default="all",
    show_default=True,
    help="Languages, comma-separated (en,ja), or all.",
)
@click.option(
    "--records",
    type=click.Path(path_type=Path),
    default=DEFAULT_RECORDS,
    show_default=True,
    help="Folder of the records.",
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
    help="Say for each document why it is built (which inputs changed) or that it is up to date.",
)
@click.option(
    "--recipients",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="Also write a pack per recipient: output/recipients/<id>.pdf.",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="A project's own templates folder (default: the tool's).",
)
@click.option(
    "--base-url",
    default="",
    envvar="BRIEFING_BASE_URL",
    metavar="URL",
    help="Where the web edition is published (https://example.org/briefing): each PDF's "
    "summary names its page there. Default: none ($BRIEFING_BASE_URL).",
)
def build(
    statements: tuple[str, ...],
    only: str | None,
    out: Path,
    langs: str,
    records: Path,
    jobs: int | None,
    force: bool,
    explain: bool,
    recipients: Path | None,
    templates: Path | None,
    base_url: str,
) -> None:
    """Made the one-page summaries and the briefing pack of each language."""
    from pipeline.build.run import build_all
    from pipeline.config import BuildRequest, Paths

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder: choose a folder")
    paths = Paths(records=records, out=out)
    if templates is not None:
        paths = dataclasses.replace(paths, templates=templates)
    with _progress() as progress:
        written = build_all(
            paths,
            BuildRequest(
                statements=statements,
                only=only,
                langs=langs,
                jobs=jobs or os.cpu_count() or 1,
                force=force,
                recipients=recipients,
                base_url=base_url,
                explain=(lambda line: click.echo(line, err=True)) if explain else None,
                progress=progress,
                notice=lambda message: click.echo(message, err=True),
            ),
        )
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
    default=Path("output"),
    show_default=True,
    help="Output folder: the site is served from its site/ folder.",
)
@click.option(
    "--records",
    type=click.Path(path_type=Path),
    default=DEFAULT_RECORDS,
    show_default=True,
    help="Folder of the records.",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="A project's own templates folder (default: the tool's).",
)
def preview(
    port: int, open_browser: bool, langs: str, out: Path, records: Path, templates: Path | None
) -> None:
    """Serve the web edition on 127.0.0.1, rebuilt and reloaded as files are saved."""
    from pipeline.config import BuildRequest, Paths
    from pipeline.preview import preview as run

    paths = Paths(records=records, out=out)
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


@i18n.command()
def extract() -> None:
    """Extract the interface strings into locales/messages.pot."""
    from pipeline.config import REPO, Paths
    from pipeline.i18n.catalogs import extract as run

    click.echo(f"Wrote {run(REPO, Paths().locales)}")


@i18n.command()
@click.argument("code")
@click.option("--locale", default=None, help="CLDR locale for dates and names (default: CODE).")
@click.option("--force", is_flag=True, help="Replace the catalog of a language that has one.")
def init(code: str, locale: str | None, force: bool) -> None:
    """Start a new language: catalog, vocabulary and coalition skeletons, official UDHR."""
    from pipeline.config import Paths, build_date
    from pipeline.records.skeleton import add_language

    paths = Paths()
    for path in add_language(
        paths.locales,
        paths.records,
        paths.instruments,
        code,
        locale or code,
        build_date().isoformat(),
        force=force,
    ):
        click.echo(f"Wrote {path}")
    click.echo(
        f"Next: translate {paths.locales / code}, then see `briefing i18n status`; "
        "the README's Translations checklist says what else a language needs."
    )


@i18n.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--records", type=click.Path(path_type=Path), default=DEFAULT_RECORDS, show_default=True
)
def confirm(files: tuple[Path, ...], records: Path) -> None:
    """Record that each text of FILES translates today's original (check them first)."""
    from pipeline.records.confirm import confirm_translations

    for path, count in confirm_translations(records, files):
        click.echo(f"{path}: {count} texts recorded as translations of today's original")


@i18n.command()
def update() -> None:
    """Merge locales/messages.pot into every language's catalog."""
    from pipeline.config import Paths
    from pipeline.i18n.catalogs import update as run

    for path in run(Paths().locales):
        click.echo(f"Updated {path}")


@i18n.command(name="compile")
def compile_() -> None:
    """Compile the catalogs to .mo files."""
    from pipeline.config import Paths
    from pipeline.i18n.catalogs import compile_catalogs

    for path in compile_catalogs(Paths().locales):
        click.echo(f"Wrote {path}")


@i18n.command()
@click.option(
    "--records", type=click.Path(path_type=Path), default=DEFAULT_RECORDS, show_default=True
)
@click.option("--strict", is_flag=True, help="Exit 1 if a catalog is still in progress.")
def status(records: Path, strict: bool) -> None:
    """Show what is translated: catalogs, and statements by language.

    A catalog in progress is reported, not an error: builds leave its language
    out until it is complete (or build it as a draft with --lang).
    """
    from pipeline.config import Paths
    from pipeline.plan.status import translation_status

    report = translation_status(Paths(records=records))
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
    required=True,
    help="The members: the file their packs were built from.",
)
@click.option("--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True)
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
    recipients: Path,
    out: Path,
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
    from pipeline.deliver.settings import load_settings

    settings = load_settings(Path.cwd()).override(
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
            out=out,
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
    default=Path("output"),
    show_default=True,
    help="The output folder whose editions are current (for who is behind).",
)
@click.option(
    "--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table"
)
def deliveries(ledger: Path | None, out: Path, output_format: str) -> None:
    """Show who holds which edition, who is behind, and who failed."""
    from pipeline.deliver import deliveries as show
    from pipeline.deliver.settings import load_settings

    settings = load_settings(Path.cwd()).override(ledger=ledger)
    text, code = show(settings.ledger, out, output_format)
    click.echo(text)
    sys.exit(code)


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB"


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[Finished], None]]:
    """Report each document as it is finished: a bar on a terminal, a line each otherwise.

    The bar appears with the first finished document, so a build with nothing to
    do shows none.
    """
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
