"""The official texts of the instruments the statements quote (the UDHR)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RecordError
from pipeline.i18n.languages import SOURCE_LANGUAGE, T
from pipeline.records.load import load_file
from pipeline.records.models import Instrument


@dataclass(frozen=True)
class ArticleView:
    instrument: str
    number: int
    anchor: str
    title: T
    paragraphs: list[T]


class Instruments:
    """Every instrument under `instruments/`, by id."""

    def __init__(self, records: dict[str, Instrument], files: list[Path]) -> None:
        self.records = records
        self.files = files

    @classmethod
    def load(cls, folder: Path) -> Instruments:
        records: dict[str, Instrument] = {}
        problems = []
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        for path in files:
            loaded, found = load_file(path)
            problems += found
            if loaded is not None and isinstance(loaded.record, Instrument):
                records[loaded.record.id] = loaded.record
        if problems:
            raise RecordError(problems)
        return cls(records, files)

    @staticmethod
    def anchor(instrument: str, article: int) -> str:
        return f"{instrument}-article-{article}"

    def articles(self, lang: str) -> list[tuple[Instrument, T, list[ArticleView]]]:
        """Return each instrument's articles in `lang`, or in English where it has none."""
        out = []
        for record in self.records.values():
            text_lang = lang if lang in record.texts else SOURCE_LANGUAGE
            text = record.texts[text_lang]
            views = [
                ArticleView(
                    record.id,
                    a.number,
                    self.anchor(record.id, a.number),
                    T(a.title, text_lang),
                    [T(p, text_lang) for p in a.paragraphs],
                )
                for a in text.articles
            ]
            out.append((record, T(text.title, text_lang), views))
        return out

    def text_of(self, instrument: str, article: int, lang: str) -> str | None:
        """Return the official text of an article in `lang`, if the project has it."""
        record = self.records.get(instrument)
        if record is None or lang not in record.texts:
            return None
        for candidate in record.texts[lang].articles:
            if candidate.number == article:
                return " ".join(candidate.paragraphs)
        return None
