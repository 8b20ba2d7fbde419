"""Checks against targets, and plain-text tables for a terminal or a CI log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One line of the summary: a measurement, its target if it has one, and the verdict.

    `passed` is None for a measurement without a target (reported, not judged).
    """

    section: str
    name: str
    value: str
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: ""}[self.passed]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def error_check(section: str, name: str, error: BaseException) -> Check:
    """A section that could not run is a failure of the benchmark, shown as such."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return Check(section, name, "error", "runs", False, first[:120])


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def kilobytes(size: int | float) -> str:
    return f"{size / 1024:.0f} KB"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Align columns; the columns in `right` (numbers) are right-aligned."""
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def checks_table(checks: Sequence[Check]) -> str:
    rows = [(c.section, c.name, c.value, c.target, c.verdict, c.note) for c in checks]
    return table(("#", "measurement", "value", "target", "result", "note"), rows)
