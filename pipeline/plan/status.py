"""What is translated: interface catalogs and statement texts, by language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.i18n.catalogs import catalog_states
from pipeline.i18n.languages import available_languages
from pipeline.plan.planner import translated_share
from pipeline.records.originals import stale_texts
from pipeline.records.project import Project
from pipeline.records.validate import load_project

if TYPE_CHECKING:
    from pipeline.config import Paths


@dataclass
class StatusReport:
    catalog_rows: list[tuple[str, ...]] = field(default_factory=list)
    catalog_details: list[str] = field(default_factory=list)
    statement_header: tuple[str, ...] = ()
    statement_rows: list[tuple[str, ...]] = field(default_factory=list)
    language_rows: list[tuple[str, ...]] = field(default_factory=list)
    complete: bool = True


def translation_status(paths: Paths) -> StatusReport:
    """Return the catalog and statement translation tables."""
    report = StatusReport()
    for state in catalog_states(paths.locales):
        done = state.total - len(state.missing) - len(state.fuzzy)
        report.catalog_rows.append(
            (state.lang, f"{done}/{state.total}", str(len(state.missing)), str(len(state.fuzzy)))
        )
        for message in state.missing:
            report.catalog_details.append(f"{state.lang}: missing: {message!r}")
        for message in state.fuzzy:
            report.catalog_details.append(f"{state.lang}: fuzzy: {message!r}")
        report.complete &= state.complete
    project = load_project([paths.records], paths)
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
    report.language_rows = _language_rows(project, languages, paths)
    return report


def _language_rows(project: Project, languages: list[str], paths: Paths) -> list[tuple[str, ...]]:
    """Per language: the vocabulary and coalition translations and the UDHR text."""
    from pipeline.records.instruments import Instruments
    from pipeline.records.models import CoalitionTranslation, VocabularyTranslation

    udhr = Instruments.load(paths.instruments).records.get("udhr")
    vocabulary, coalition = project.vocabulary, project.coalition
    names = len(vocabulary.actors) + len(vocabulary.themes) if vocabulary else 0
    notes = len(coalition.notes) if coalition else 0
    rows: list[tuple[str, ...]] = []
    for lang in languages:
        if lang == "en":
            rows.append((lang, "original", "original", "official text"))
            continue
        words = project.extra.get(("vocabulary", lang))
        told = project.extra.get(("coalition", lang))
        done = (
            len(words.actors) + len(words.themes)
            if isinstance(words, VocabularyTranslation)
            else None
        )
        noted = len(told.notes) if isinstance(told, CoalitionTranslation) else None
        rows.append(
            (
                lang,
                "missing" if done is None else f"{done} of {names} names",
                "missing" if noted is None else f"{noted} of {notes} notes",
                "official text" if udhr and lang in udhr.texts else "English only (none on file)",
            )
        )
    return rows
