"""The exceptions users see: each one says where and what, never a traceback."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click


def colour_wanted(stream: IO[Any]) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class BriefingError(click.ClickException):
    """A problem the user can fix; click prints it and exits with `exit_code`."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        """`Error:` in red on a terminal; plain text when piped or with NO_COLOR."""
        stream = file if file is not None else sys.stderr
        mark = click.style("Error:", fg="red", bold=True)
        click.echo(f"{mark} {self.format_message()}", file=stream, color=colour_wanted(stream))


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, where the user can find it."""

    path: Path
    line: int
    column: int
    field: str
    message: str
    # "warning": worth a reader's attention, but the records are usable (a
    # translation of an earlier version of its original); only errors fail.
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        mark = "" if self.is_error else f" {self.severity}:"
        return f"{self.path}:{self.line}:{self.column}:{field}{mark} {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }

    def as_github(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.severity} file={self.path},line={self.line},col={self.column}::{text}"


class RecordError(BriefingError):
    """All the problems found in the records, reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def format_message(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        return f"{self.message}\n{count} {noun} found."


class BuildError(BriefingError):
    """A document could not be built; earlier outputs are left as they were."""


class UsageError(BriefingError):
    """The command was called wrongly."""

    exit_code = 2
