"""constraints.txt, which the README's install command uses, is uv.lock's versions exactly."""

from __future__ import annotations

import shutil
import subprocess
import sys

from support import REPO


def test_constraints_are_exported_from_the_lock() -> None:
    uv = shutil.which("uv")
    command = [uv] if uv else [sys.executable, "-m", "uv"]
    exported = subprocess.run(
        [*command, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pins = [line for line in exported.splitlines() if "==" in line]
    shipped = (REPO / "constraints.txt").read_text(encoding="utf-8")
    assert [line for line in shipped.splitlines() if "==" in line] == pins, (
        "constraints.txt is stale: run `make constraints` and commit it"
    )
