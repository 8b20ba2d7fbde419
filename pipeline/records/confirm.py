"""`briefing i18n confirm`: record, in translation files, the originals they translate today.

Apart from `originals`, which validation reads, so that loading the project
(in `validate`) and reading what a translation translates never import each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.config import Paths
from pipeline.errors import UsageError
from pipeline.files import write_atomically
from pipeline.records.originals import current_originals, with_originals
from pipeline.records.validate import load_project


def confirm_translations(paths: Paths, files: Sequence[Path]) -> list[tuple[Path, int]]:
    """Record, in each translation file, the originals its texts translate today.

    Run after a translator has checked the texts against today's original: it is
    the translator's "this is current", as clearing gettext's fuzzy flag is.
    """
    records = paths.records
    project = load_project([records], paths)
    by_path = {path.resolve(): key for key, path in project.files.items()}
    done = []
    for file in files:
        key = by_path.get(file.resolve())
        statement_id, _, lang = (key or "").rpartition(".")
        translation = project.translations.get((statement_id, lang))
        if translation is None:
            raise UsageError(f"{file} is not a statement translation under {records}/")
        originals = current_originals(project.statements[statement_id], translation)
        text = file.read_text(encoding="utf-8")
        write_atomically(file, with_originals(text, originals).encode("utf-8"))
        done.append((file, len(originals)))
    return done
