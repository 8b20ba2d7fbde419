"""Copy the UDHR articles the statements rest on from sources/udhr/ into instruments/.

Run when the article list changes: python scripts/import_udhr.py. Every language
with a catalog under locales/ gets the official text the archived collection has
for it (see pipeline/udhr.py); `briefing i18n init` does the same for a new one.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.i18n.languages import available_languages
from pipeline.records.udhr import import_udhr

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    languages = available_languages(REPO / "locales")
    written = import_udhr(REPO / "sources" / "udhr", REPO / "instruments" / "udhr.yaml", languages)
    print(f"Wrote {REPO / 'instruments' / 'udhr.yaml'}: {', '.join(written)}")


if __name__ == "__main__":
    main()
