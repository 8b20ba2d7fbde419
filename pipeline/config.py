"""What a build is asked to do, where it finds its inputs and puts its outputs, and briefing.toml.

A project's settings live in `briefing.toml` at its top (the folder a command
is run in, or the nearest one above it that has the file). Every key is
checked: an unknown key or a value of the wrong kind is an error naming its
file and line, never a silent default. Options on the command line override
the file. The date rule (`date_rule`, `build_date`) lives here too, because
every way of building must agree on it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.assets import CHECKOUT, asset
from pipeline.errors import BriefingError, UsageError

REPO = CHECKOUT
CONFIG = "briefing.toml"
DEFAULT_RECORDS = Path("statements")
DEFAULT_TEMPLATES = asset("templates")
DEFAULT_LOCALES = asset("locales")
DEFAULT_INSTRUMENTS = asset("instruments")
DEFAULT_SCHEMAS = asset("schemas")
SOURCES = "sources"  # beside the records folder: the archived documents and their provenance
PASSWORD_VARIABLE = "BRIEFING_SMTP_PASSWORD"
DEFAULT_LEDGER = Path(".briefing/ledger.sqlite")  # outside output/, git-ignored
PAPERS = ("A4", "Letter")


@dataclass(frozen=True)
class Paths:
    """Where the records are, where the code's assets are, where outputs go."""

    records: Path = DEFAULT_RECORDS
    out: Path = Path("output")
    templates: Path = DEFAULT_TEMPLATES
    locales: Path = DEFAULT_LOCALES
    instruments: Path = DEFAULT_INSTRUMENTS
    cache: Path = field(default_factory=lambda: Path(os.environ.get("BRIEFING_CACHE", ".cache")))


@dataclass(frozen=True)
class Finished:
    """One document typeset: which, in how many seconds, and how far the build has come."""

    path: Path
    seconds: float
    done: int
    total: int


@dataclass(frozen=True)
class Written:
    """A document of the build as the manifest lists it, and whether this build made it."""

    path: Path
    kind: str
    lang: str
    pages: int | None  # None for a format without pages
    size: int
    statements: tuple[str, ...]
    built: bool


@dataclass
class BuildRequest:
    """The options of one build, as the command line gives them."""

    statements: Sequence[str] = ()
    only: str | None = None
    langs: str | None = None
    today: dt.date | None = None  # given (--date, tests): the date rule is not asked
    jobs: int = 1
    force: bool = False
    recipients: Path | None = None
    explain: Callable[[str], None] | None = None  # told why each document is (re)built
    dry_run: bool = False  # decide and explain, typeset and write nothing
    list_up_to_date: bool = True  # a dry run tells `explain` of documents up to date too
    subsets: bool = True  # False only in the benchmark's comparison with WeasyPrint's fonts
    paper: str = "A4"  # of the language documents; a member's pack has the member's
    date_rule: str = "content"  # see `build_date`
    # False: leave out the documents made from another one (the web edition's copies
    # of the PDFs), so the pages alone are made, without typesetting (the preview).
    copies: bool = True
    # Where the web edition is published (`https://example.org/briefing`), named in
    # each PDF's summary; "" names none. The command line's --base-url sets it; a
    # project's settings file (briefing.toml's [web] base_url) is the other hook.
    base_url: str = ""
    progress: Callable[[Finished], None] = field(default=lambda finished: None)
    notice: Callable[[str], None] = field(default=lambda message: None)
    started: Callable[[str], None] = field(default=lambda message: None)  # work begins: say what


def example_files() -> dict[str, Path]:
    """The tool's example project (`briefing init`): records, sources, fictional members.

    The wheel carries them as pipeline/assets/examples/ (pyproject.toml); a
    checkout has them at its top.
    """
    packaged = asset("examples")
    if packaged != CHECKOUT / "examples":
        return {
            "statements": packaged / "statements",
            "sources": packaged / "sources",
            "recipients.example.yaml": packaged / "recipients.yaml",
        }
    return {
        "statements": CHECKOUT / "statements",
        "sources": CHECKOUT / "sources",
        "recipients.example.yaml": CHECKOUT / "examples" / "recipients.yaml",
    }


def sources_folder(records: Path) -> Path:
    """Return where the sources of a records folder are: `sources/` beside it."""
    return records.parent / SOURCES


# --- The date a build's documents carry ---------------------------------------------


def build_date(
    records: Path | None = None,
    rule: str = "content",
    notice: Callable[[str], None] | None = None,
) -> dt.date:
    """Return the date the documents carry, by one rule for every way of building.

    SOURCE_DATE_EPOCH wins when set (reproducible builds elsewhere). Otherwise
    `rule`: "content" is the date of the last git commit that changed the
    records (their folder and the sources beside it), so a code-only commit or
    a new day changes no document; outside a git checkout, or for records not
    yet committed, it is today, with a notice. "today" is the clock; a date
    (YYYY-MM-DD) is that date.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time") from None
    if rule == "today":
        return dt.date.today()
    if rule != "content":
        return parse_date(rule, "date")
    found = content_commit_date(records if records is not None else DEFAULT_RECORDS)
    if isinstance(found, dt.date):
        return found
    if notice is not None:
        notice(
            f"dated today: {found} (the records' last commit dates the documents in a "
            "git checkout; --date or SOURCE_DATE_EPOCH fix a date)"
        )
    return dt.date.today()


def parse_date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{name} {text!r} is not a date (YYYY-MM-DD), `content` or `today`"
        ) from None


def content_commit_date(records: Path) -> dt.date | str:
    """The UTC date of the last commit that changed the records or their sources.

    Otherwise, why there is none: not a git checkout, nothing committed, or a
    shallow clone (whose one commit seems to change every file).
    """
    folder = records.resolve()
    if not folder.is_dir():
        return f"{records} is not a folder"
    targets = [str(folder), str(sources_folder(folder))]

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(folder), *args],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    found = git("log", "-1", "--format=%ct %H", "--", *targets)
    if found is None:
        return f"{records} is not in a git checkout"
    if not found:
        return f"{records} has no commit yet"
    stamp, commit = found.split()
    if git("rev-parse", "--is-shallow-repository") == "true":
        shallow = git("rev-parse", "--git-path", "shallow")
        boundary = Path(folder, shallow) if shallow else None
        if boundary is not None and boundary.is_file() and commit in boundary.read_text():
            return "a shallow clone does not hold the records' last commit (fetch-depth: 0)"
    return dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC).date()


# --- briefing.toml ----------------------------------------------------------------------


Check = Callable[[Any], str | None]  # a message if the value is wrong


def _kind(*types: type, what: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) and bool not in types:
            return f"must be {what}"
        return None if isinstance(value, types) else f"must be {what}"

    return check


def _between(low: float, high: float | None, what: str, whole: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be {what}"
        if whole and not isinstance(value, int):
            return f"must be {what}"
        number = float(value)
        if number < low or (high is not None and number > high):
            return f"must be {what}"
        return None

    return check


def _one_of(*choices: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in choices else "must be one of " + ", ".join(map(repr, choices))

    return check


def _languages(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None  # "all", or codes: "en,ja"
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return None
    return 'must be "all" or a list of language codes (["en", "ja"])'


def _date_rule(value: Any) -> str | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return None
    if value in ("content", "today"):
        return None
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return 'must be "content", "today" or a date (2025-08-01)'


def _url(value: Any) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"https?://[^\s]+", value):
        return None
    return "must be an http(s) address"


_TEXT = _kind(str, what="a text")
_PATH = _kind(str, what="a path (a text)")

# Each key a table may hold, with its check. The README's Configuration section lists them.
KEYS: dict[str, dict[str, Check]] = {
    "": {
        "records": _PATH,
        "output": _PATH,
        "templates": _PATH,
        "locales": _PATH,
        "instruments": _PATH,
        "recipients": _PATH,
        "languages": _languages,
        "paper": _one_of(*PAPERS),
        "date": _date_rule,
    },
    "send": {
        "smtp_host": _TEXT,
        "smtp_port": _between(1, 65535, "a port number, 1 to 65535", whole=True),
        "smtp_security": _one_of("none", "starttls", "tls"),
        "smtp_user": _TEXT,
        "smtp_ca": _PATH,
        "smtp_timeout": _between(0.1, None, "a number of seconds, at least 0.1"),
        "from": _TEXT,
        "size_limit": _between(0, None, "a number of bytes, 0 or more", whole=True),
        "link_base": _TEXT,
        "ledger": _PATH,
        "rate_per_minute": _between(0, None, "a number, 0 or more"),
        "retries": _between(0, 10, "a whole number, 0 to 10", whole=True),
        "backoff": _between(0, 60, "a number of seconds, 0 to 60"),
    },
    "web": {"base_url": _url},
}


@dataclass(frozen=True)
class ProjectConfig:
    """A project's briefing.toml, checked; paths are relative to the folder it is in.

    `path` is None when there is none: every setting is then its default.
    """

    path: Path | None = None
    root: Path = Path(".")
    values: Mapping[str, Any] = field(default_factory=dict)  # the top-level keys given
    send: Mapping[str, Any] = field(default_factory=dict)
    web: Mapping[str, Any] = field(default_factory=dict)

    def folder(self, key: str, default: Path | None) -> Path | None:
        """A path the file gives, relative to the file's folder; else `default`."""
        value = self.values.get(key)
        return self.root / value if isinstance(value, str) else default

    @property
    def records(self) -> Path:
        return self.folder("records", self.root / DEFAULT_RECORDS) or DEFAULT_RECORDS

    @property
    def out(self) -> Path:
        return self.folder("output", self.root / "output") or Path("output")

    @property
    def templates(self) -> Path:
        return self.folder("templates", DEFAULT_TEMPLATES) or DEFAULT_TEMPLATES

    @property
    def locales(self) -> Path:
        """The file's `locales`; else the project's own `locales/`, if any; else the tool's."""
        own = self.root / "locales"
        return self.folder("locales", own if own.is_dir() else DEFAULT_LOCALES) or DEFAULT_LOCALES

    @property
    def instruments(self) -> Path:
        return self.folder("instruments", DEFAULT_INSTRUMENTS) or DEFAULT_INSTRUMENTS

    @property
    def recipients(self) -> Path | None:
        return self.folder("recipients", None)

    def paths(self, records: Path | None = None, out: Path | None = None) -> Paths:
        """The project's folders, as every stage takes them; options override the file."""
        return Paths(
            records=records or self.records,
            out=out or self.out,
            templates=self.templates,
            locales=self.locales,
            instruments=self.instruments,
            cache=self.cache,
        )

    @property
    def languages(self) -> str:
        value = self.values.get("languages", "all")
        return value if isinstance(value, str) else ",".join(value)

    @property
    def paper(self) -> str:
        return str(self.values.get("paper", "A4"))

    @property
    def date_rule(self) -> str:
        value = self.values.get("date", "content")
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    @property
    def cache(self) -> Path:
        given = os.environ.get("BRIEFING_CACHE")
        return Path(given) if given else self.root / ".cache"

    def send_path(self, key: str) -> Path | None:
        value = self.send.get(key)
        return self.root / value if isinstance(value, str) else None


def find_config(start: Path | None = None) -> Path | None:
    """The nearest briefing.toml: in `start` (the current folder) or a folder above it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG
        if candidate.is_file():
            return Path(os.path.relpath(candidate))
    return None


def load_config(path: Path | None = None, start: Path | None = None) -> ProjectConfig:
    """Read and check briefing.toml (`path`, or the nearest one); none found: the defaults.

    Every problem in the file is reported together, each at its line.
    """
    import tomllib

    if path is None:
        path = find_config(start)
        if path is None:
            return ProjectConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise BriefingError(f"{path}:1:1: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+), column (\d+)", str(error))
        at = f"{line[1]}:{line[2]}" if line else "1:1"
        raise BriefingError(f"{path}:{at}: not TOML: {error}") from None
    lines = _key_lines(text)
    problems: list[tuple[int, str]] = []

    def located(table: str, key: str, message: str) -> tuple[int, str]:
        line = lines.get((table, key), lines.get(("", table), 1))
        return line, f"{path}:{line}:1: {f'[{table}] ' if table else ''}{key}: {message}"

    tables: dict[str, dict[str, Any]] = {"": {}, "send": {}, "web": {}}
    for key, value in data.items():
        if key in KEYS and key != "" and isinstance(value, dict):
            tables[key] = value
        elif key in KEYS[""]:
            tables[""][key] = value
        elif key in KEYS:
            problems.append(located("", key, f"must be a table ([{key}])"))
        else:
            known = ", ".join([*KEYS[""], *(f"[{t}]" for t in KEYS if t)])
            problems.append(located("", key, f"unknown key (known: {known})"))
    for table, values in tables.items():
        for key, value in values.items():
            if table == "send" and "password" in key.lower():
                problems.append(
                    located(
                        table,
                        key,
                        f"no password in the config file: use {PASSWORD_VARIABLE} or the keyring",
                    )
                )
                continue
            check = KEYS[table].get(key)
            if check is None:
                known = ", ".join(KEYS[table])
                problems.append(located(table, key, f"unknown key (known: {known})"))
            elif (message := check(value)) is not None:
                problems.append(located(table, key, message))
    if problems:
        raise BriefingError("\n".join(text for _, text in sorted(problems)))
    root = Path(os.path.relpath(path.resolve().parent, Path.cwd().resolve()))
    return ProjectConfig(path, root, tables[""], tables["send"], tables["web"])


_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """The line of each key, by (table, key); a table's own line as ("", table)."""
    found: dict[tuple[str, str], int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            table = match[1].strip("\"'")
            found.setdefault(("", table), number)
        elif match := _KEY.match(line):
            found.setdefault((table, match[1].strip("\"'")), number)
    return found
