"""Run one `briefing` command in this process, then say which heavy modules it imported.

A build with nothing to do should only hash files and read the manifest; the
promise in `pipeline/build.py` is that it never imports WeasyPrint. Running
the real command line (`pipeline.cli.main`) here and looking at
`sys.modules` afterwards checks that promise on the real code path, whatever
the command's exit status.

    python -m bench.probe REPORT.json build --out DIR
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HEAVY = (
    "weasyprint",
    "fontTools",
    "pikepdf",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "jinja2",
    "babel",
    "pydantic",
)


def main() -> int:
    report, args = Path(sys.argv[1]), sys.argv[2:]
    sys.argv = ["briefing", *args]
    status: int | str | None = 0
    start = time.perf_counter()
    try:
        from pipeline.cli import main as briefing

        briefing()
    except SystemExit as stop:
        status = stop.code
    finally:
        imported = {name: name in sys.modules for name in HEAVY}
        code = getattr(sys.modules.get("pipeline"), "__file__", None)
        report.write_text(
            json.dumps(
                {
                    "command": args,
                    "exit": status,
                    "seconds_in_main": time.perf_counter() - start,
                    "modules": len(sys.modules),
                    "imported": imported,
                    "pipeline": code,
                }
            ),
            encoding="utf-8",
        )
    return status if isinstance(status, int) else 1


if __name__ == "__main__":
    sys.exit(main())
