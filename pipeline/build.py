"""Plan the outputs, typeset them all, and only then write them, each atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import BuildError, UsageError
from pipeline.i18n import Language, select_languages
from pipeline.instruments import Instruments
from pipeline.plan import Planner
from pipeline.validate import Project, load_project

REPO = Path(__file__).resolve().parent.parent
SUMMARY_DENSITIES = 6


@dataclass(frozen=True)
class Paths:
    """Where the records are, where the code's assets are, where outputs go."""

    records: Path = Path("statements")
    out: Path = Path("output")
    templates: Path = REPO / "templates"
    locales: Path = REPO / "locales"
    instruments: Path = REPO / "instruments"
    cache: Path = Path(os.environ.get("BRIEFING_CACHE", ".cache"))


@dataclass(frozen=True)
class Written:
    path: Path
    kind: str
    lang: str
    pages: int
    size: int
    statements: tuple[str, ...]


@dataclass
class _Pending:
    path: Path
    kind: str
    lang: str
    pages: int
    data: bytes
    statements: tuple[str, ...]


@dataclass
class BuildRequest:
    statements: Sequence[str] = ()
    only: str | None = None
    langs: str | None = None
    today: dt.date | None = None
    progress: Callable[[str], None] = field(default=lambda message: None)


def build_date() -> dt.date:
    """Return the pack's date: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time") from None
    return dt.date.today()


def build_all(paths: Paths, request: BuildRequest) -> list[Written]:
    """Build the requested summaries and packs; write nothing unless all succeed."""
    project = load_project([paths.records])
    languages = select_languages(paths.locales, request.langs)
    _check_catalogs(paths, languages)
    chosen = _choose_statements(project, request.statements)
    instruments = Instruments.load(paths.instruments)
    today = request.today or build_date()
    fonts = prepare_document_fonts(project, instruments, languages, paths)

    from pipeline.pdf import Typesetter, check_pdf, write_atomically  # heavy: only when building

    typesetter = Typesetter(paths.templates, [paths.cache / "fonts"])
    pending: list[_Pending] = []
    for language in languages:
        pending += _build_language(project, chosen, language, instruments, today, paths,
                                   typesetter, request, fonts[language.code])
    for item in pending:
        check_pdf(item.data, item.pages, str(item.path))
    written = []
    for item in pending:
        write_atomically(item.path, item.data)
        written.append(Written(item.path, item.kind, item.lang, item.pages, len(item.data),
                               item.statements))
    return written


def _build_language(project: Project, chosen: list[str], language: Language,
                    instruments: Instruments, today: dt.date, paths: Paths,
                    typesetter: object, request: BuildRequest, fonts_css: Path) -> list[_Pending]:
    from pipeline.pdf import Typesetter
    from pipeline.render import Renderer

    assert isinstance(typesetter, Typesetter)
    planner = Planner(project, language, instruments)
    renderer = Renderer(paths.templates, language, instruments, project.coalition, today,
                        fonts_css.resolve().as_uri(), project.translations)
    out = paths.out / language.code
    pending: list[_Pending] = []
    densities: dict[str, int] = {}
    for statement_id in chosen:
        statement = project.statements[statement_id]
        what = f"the {language.code} summary of {statement_id}"

        def render(density: int, statement: object = statement) -> str:
            return renderer.summary(planner.statement(statement, density))  # type: ignore[arg-type]

        document, densities[statement_id] = typesetter.fit_one_page(
            render, SUMMARY_DENSITIES, what)
        if request.only in (None, "summary"):
            path = out / f"{statement_id}-summary.pdf"
            request.progress(str(path))
            pending.append(_Pending(path, "summary", language.code, 1,
                                    typesetter.pdf_bytes(document, what), (statement_id,)))
    if request.only in (None, "pack"):
        path = out / "briefing-pack.pdf"
        request.progress(str(path))
        pack = planner.pack(densities, chosen)
        html = renderer.pack(pack)
        what = f"the {language.code} briefing pack"
        document = typesetter.layout(html, what)
        _check_summaries_in_pack(document, pack.statements, what)
        pending.append(_Pending(path, "pack", language.code, len(document.pages),
                                typesetter.pdf_bytes(document, what), tuple(chosen)))
    return pending


def prepare_document_fonts(project: Project, instruments: Instruments,
                           languages: list[Language], paths: Paths,
                           subsets: bool = True) -> dict[str, Path]:
    """Check glyph coverage, make the font subsets, and write each language's font CSS."""
    from pipeline.fonts import FontCache, Text, load_font_plan, missing_glyphs, prepare_fonts
    from pipeline.texts import project_texts

    plan = load_font_plan(paths.templates)
    cache = FontCache(paths.cache / "fonts")
    every_language = select_languages(paths.locales, "all")
    texts = [Text(*t) for t in project_texts(project, instruments, every_language,
                                              paths.templates)]
    missing = list(missing_glyphs(texts, plan, cache))
    if missing:
        raise BuildError("characters that no chosen font can show:\n" + "\n".join(
            f"  {t.origin}, field {t.field}, language {t.lang}: {c!r} (U+{ord(c):04X}) "
            f"is not in {family}" for t, c, family in missing))
    characters: dict[str, set[str]] = {}
    for text in texts:
        group = "*" if text.lang == "*" else plan.group_of(text.lang).name
        characters.setdefault(group, set()).update(text.text)
    fontset = prepare_fonts(plan, characters, cache, subsets=subsets)
    out = {}
    for language in languages:
        css = fontset.css(language.code, subsets=subsets)
        digest = hashlib.sha256(css.encode()).hexdigest()[:16]
        path = paths.cache / "fonts" / f"fonts-{language.code}-{digest}.css"
        if not path.is_file() or path.read_text(encoding="utf-8") != css:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(css, encoding="utf-8")
        out[language.code] = path
    return out


def _check_catalogs(paths: Paths, languages: list[Language]) -> None:
    """Refuse a language whose catalog lacks strings: no English in a Japanese pack."""
    from pipeline.catalogs import catalog_states

    codes = {language.code for language in languages}
    problems = [
        f"  catalog {state.lang} ({paths.locales / state.lang}): "
        f"{len(state.missing) + len(state.fuzzy)} of {state.total} strings untranslated, "
        f"such as {(state.missing + state.fuzzy)[0]!r}"
        for state in catalog_states(paths.locales) if state.lang in codes and not state.complete
    ]
    if problems:
        raise BuildError("incomplete interface catalogs (run `briefing i18n status`):\n"
                         + "\n".join(problems))


def _check_summaries_in_pack(document: object, statements: Sequence[object], what: str) -> None:
    """Each statement's summary fills exactly one page of the pack, as it does alone."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages):  # type: ignore[attr-defined]
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    for statement in statements:
        anchor = statement.anchor  # type: ignore[attr-defined]
        start, end = pages.get(f"{anchor}-summary"), pages.get(f"{anchor}-text")
        if start is None or end is None or end - start != 1:
            raise BuildError(f"{what}: the summary of {anchor} does not fill exactly one page")


def _choose_statements(project: Project, requested: Sequence[str]) -> list[str]:
    if not requested:
        return list(project.statements)
    unknown = [s for s in requested if s not in project.statements]
    if unknown:
        raise UsageError(f"unknown statement {', '.join(unknown)}; known: "
                         + ", ".join(project.statements))
    return [s for s in project.statements if s in requested]
