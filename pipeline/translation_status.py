"""What is translated: interface catalogs and statement texts, by language."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.catalogs import catalog_states
from pipeline.i18n import available_languages
from pipeline.originals import stale_texts
from pipeline.plan import translated_share
from pipeline.validate import load_project


@dataclass
class StatusReport:
    catalog_rows: list[tuple[str, ...]] = field(default_factory=list)
    catalog_details: list[str] = field(default_factory=list)
    statement_header: tuple[str, ...] = ()
    statement_rows: list[tuple[str, ...]] = field(default_factory=list)
    complete: bool = True


def translation_status(paths: object) -> StatusReport:
    """Return the catalog and statement translation tables."""
    from pipeline.build import Paths

    assert isinstance(paths, Paths)
    report = StatusReport()
    for state in catalog_states(paths.locales):
        done = state.total - len(state.missing) - len(state.fuzzy)
        report.catalog_rows.append((state.lang, f"{done}/{state.total}",
                                    str(len(state.missing)), str(len(state.fuzzy))))
        for message in state.missing:
            report.catalog_details.append(f"{state.lang}: missing: {message!r}")
        for message in state.fuzzy:
            report.catalog_details.append(f"{state.lang}: fuzzy: {message!r}")
        report.complete &= state.complete
    project = load_project([paths.records])
    languages = list(available_languages(paths.locales))
    report.statement_header = ("statement", *languages)
    for statement in project.statements.values():
        cells = []
        for lang in languages:
            if lang == statement.language:
                cells.append("original")
                continue
            translation = project.translations.get((statement.id, lang))
            share = translated_share(statement, translation)
            label: str = translation.translation.status if translation else "untranslated"
            if translation is not None and translation.originals is None:
                label += ", originals not recorded"
            elif translation is not None and (stale := len(stale_texts(statement, translation))):
                label += f", {stale} stale"
            cells.append(f"{share:.0%} {label}")
        report.statement_rows.append((statement.id, *cells))
    return report
