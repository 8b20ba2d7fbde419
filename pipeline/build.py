"""Plan the outputs, skip what is up to date, typeset the rest, then write them all.

Each output has the hash of everything it is made from (records, translations,
templates, styles, catalog, fonts, code, options). A build compares it with
the manifest and rebuilds only what changed; when nothing did, WeasyPrint is
never imported. Documents are typeset in worker processes (`--jobs`), each
keeping its fonts and parsed stylesheets, and nothing is written until every
document has been typeset and checked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import gc
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.documents import (
    DEFAULT_INSTRUMENTS,
    DEFAULT_LOCALES,
    DEFAULT_TEMPLATES,
    KINDS,
    STYLESHEETS,
    TEMPLATES,
)
from pipeline.errors import BuildError, UsageError
from pipeline.files import write_atomically
from pipeline.i18n import Language, available_languages, select_languages
from pipeline.instruments import Instruments
from pipeline.manifest import Entry, Manifest
from pipeline.models import Recipient, Recipients
from pipeline.validate import Project, load_project, load_recipients

SUMMARY_DENSITIES = 6
LETTER = "letter.css"


@dataclass(frozen=True)
class Paths:
    """Where the records are, where the code's assets are, where outputs go."""

    records: Path = Path("statements")
    out: Path = Path("output")
    templates: Path = DEFAULT_TEMPLATES
    locales: Path = DEFAULT_LOCALES
    instruments: Path = DEFAULT_INSTRUMENTS
    cache: Path = field(default_factory=lambda: Path(os.environ.get("BRIEFING_CACHE", ".cache")))


@dataclass(frozen=True)
class Finished:
    """One document typeset: which, in how many seconds, and how far the build has come."""

    path: Path
    seconds: float
    done: int
    total: int


@dataclass
class BuildRequest:
    statements: Sequence[str] = ()
    only: str | None = None
    langs: str | None = None
    today: dt.date | None = None
    jobs: int = 1
    force: bool = False
    recipients: Path | None = None
    progress: Callable[[Finished], None] = field(default=lambda finished: None)


@dataclass(frozen=True)
class Job:
    """One document to make: what it is, where it goes, and the hash of its inputs."""

    kind: str
    lang: str
    statements: tuple[str, ...]
    path: Path
    inputs: str
    sources: tuple[Path, ...] = ()
    recipient: Recipient | None = None

    @property
    def paper(self) -> str:
        return self.recipient.paper if self.recipient else "A4"


@dataclass(frozen=True)
class Written:
    path: Path
    kind: str
    lang: str
    pages: int
    size: int
    statements: tuple[str, ...]
    built: bool


@dataclass(frozen=True)
class _Context:
    """What a worker needs to typeset any job; sent once to each worker."""

    paths: Paths
    project: Project
    instruments: Instruments
    fonts: dict[str, Path]
    today: dt.date


@dataclass(frozen=True)
class _Result:
    job: Job
    data: bytes
    pages: int
    seconds: float = 0.0


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
    """Build what is out of date; write nothing unless every document succeeds."""
    project = load_project([paths.records])
    languages = select_languages(paths.locales, request.langs)
    _check_catalogs(paths, languages)
    chosen = _choose_statements(project, request.statements)
    instruments = Instruments.load(paths.instruments)
    today = request.today or build_date()
    recipients = load_recipients(request.recipients) if request.recipients else None
    fonts = prepare_document_fonts(project, instruments,
                                   _with_recipient_languages(paths, languages, recipients),
                                   paths, extra=_recipient_texts(recipients))
    context = _Context(paths, project, instruments, fonts, today)
    jobs = plan_jobs(context, languages, chosen, request.only, recipients)
    with _locked(paths.out):
        manifest = Manifest.load(paths.out)
        todo = [j for j in jobs if request.force or not manifest.is_current(j.path, j.inputs)]
        results = _run(context, todo, request) if todo else []
        _write(paths.out, results, manifest, context)
        built = {r.job.path for r in results}
        return [_written(manifest, job, job.path in built) for job in jobs]


def plan_jobs(context: _Context, languages: list[Language], chosen: list[str],
              only: str | None, recipients: Recipients | None = None) -> list[Job]:
    """List the documents to make, each with the hash of what it is made from."""
    paths, project = context.paths, context.project
    common = _digest(_code_hash(), _hash_files([paths.templates / "fonts.yaml",
                                                *project.source_files()]))
    templates = {kind: _template_files(paths.templates, TEMPLATES[kind], STYLESHEETS[kind])
                 for kind in KINDS}
    jobs = []
    wanted: list[tuple[Language, str, Recipient | None]] = [
        (language, kind, None) for language in languages for kind in KINDS
        if only in (None, kind)]
    if recipients is not None and only in (None, "recipients"):
        every = available_languages(paths.locales)
        wanted += [(every[r.language], "recipient", r) for r in recipients.recipients]
    for language, kind, recipient in wanted:
        lang = language.code
        shared = [language.catalog, context.fonts[lang]]
        statement_sets = [(s,) for s in chosen] if kind == "summary" else [tuple(chosen)]
        for statements in statement_sets:
            files = project.record_files([*statements, "vocabulary", "coalition"], lang)
            if kind != "summary":
                files += context.instruments.files
                sources = files
            else:  # a summary carries its statement and translation; a pack everything
                sources = project.record_files(list(statements), lang)
            sheets = templates["summary" if kind == "summary" else "pack"]
            if recipient is not None:
                name = f"recipients/{recipient.id}.pdf"
                extra = [recipient.model_dump_json(), recipient.paper]
                if recipient.paper == "Letter":
                    sheets = [*sheets, paths.templates / LETTER]
            else:
                name = (f"{lang}/{statements[0]}-summary.pdf" if kind == "summary"
                        else f"{lang}/briefing-pack.pdf")
                extra = []
            inputs = _digest(__version__, common, kind, lang, *statements, *extra,
                             context.today.isoformat(),
                             _hash_files([*files, *sheets, *shared]))
            jobs.append(Job(kind, lang, statements, Path(name), inputs, tuple(sources),
                            recipient))
    return jobs


def _with_recipient_languages(paths: Paths, languages: list[Language],
                              recipients: Recipients | None) -> list[Language]:
    """Add the recipients' languages to those built (their catalogs must be complete)."""
    if recipients is None:
        return languages
    codes = [language.code for language in languages]
    needed = [r.language for r in recipients.recipients if r.language not in codes]
    if not needed:
        return languages
    extra = select_languages(paths.locales, ",".join(dict.fromkeys(needed)))
    _check_catalogs(paths, extra)
    return [*languages, *extra]


def _recipient_texts(recipients: Recipients | None) -> list[tuple[str, str, str, str]]:
    if recipients is None:
        return []
    return [(f"recipient {r.id}", f, r.language, getattr(r, f))
            for r in recipients.recipients for f in ("name", "honorific", "chamber")]


def _template_files(templates: Path, main: str, sheets: tuple[str, ...]) -> list[Path]:
    """Return a template and every template it includes, imports or extends, and its CSS."""
    import re

    pending, seen = [main], set()
    pattern = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        path = templates / name
        if path.is_file():
            pending += pattern.findall(path.read_text(encoding="utf-8"))
    return [templates / n for n in sorted(seen)] + [templates / s for s in sheets]


def _hash_files(files: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.name).encode() + b"\x00")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


@functools.cache
def _code_hash() -> str:
    """Hash the pipeline's own source: a code change makes every output out of date."""
    return _hash_files(sorted(Path(__file__).resolve().parent.glob("*.py")))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _run(context: _Context, jobs: list[Job], request: BuildRequest) -> list[_Result]:
    """Typeset the jobs, in worker processes when asked; report errors in job order.

    Each document is reported to `request.progress` as soon as it is finished.
    """
    finished: list[_Result] = []

    def report(result: _Result) -> _Result:
        finished.append(result)
        request.progress(Finished(context.paths.out / result.job.path, result.seconds,
                                  len(finished), len(jobs)))
        return result

    workers = max(1, min(request.jobs, len(jobs)))
    if workers == 1:
        _start_worker(context)
        try:
            return [report(_typeset(job)) for job in jobs]
        finally:
            _WORKER.clear()  # free fonts and layouts now, not at interpreter exit
            gc.unfreeze()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # Load fonts and parse stylesheets once, here; the forked workers inherit them.
    _start_worker(context)
    _warm(jobs)
    gc.collect()
    gc.freeze()  # the workers' collector never walks (and so never copies) what they inherit
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_typeset, job) for job in _longest_first(jobs)]
        outcomes: dict[Path, _Result | BaseException] = {}
        for future in as_completed(futures):
            try:
                result = report(future.result())
                outcomes[result.job.path] = result
            except BuildError as error:
                outcomes.setdefault(Path("\x00error"), error)
        _WORKER.clear()
        gc.unfreeze()
        for job in jobs:  # the first failing job, as a serial build would report it
            if job.path not in outcomes:
                raise outcomes[Path("\x00error")]  # type: ignore[misc]
        return [outcomes[job.path] for job in jobs]  # type: ignore[misc]


def _warm(jobs: list[Job]) -> None:
    """Parse every stylesheet and make every language's tools the jobs will use."""
    context: _Context = _WORKER["context"]
    for job in jobs:
        _language_tools(job.lang)
        letter = [context.paths.templates / LETTER] if job.paper == "Letter" else []
        for kind in {"summary", "pack" if job.kind != "summary" else "summary"}:
            _WORKER["typesetter"].stylesheets(
                [context.fonts[job.lang],
                 *(context.paths.templates / s for s in STYLESHEETS[kind]), *letter],
                f"the {job.lang} {kind} styles")


def _longest_first(jobs: list[Job]) -> list[Job]:
    """Packs first, largest first, then the summaries, which fill in at the end.

    Started last, the packs left one worker idle for a second while the other
    finished its pack. A pack whose summaries were never fitted fits them
    itself and remembers the densities, so their summary jobs lay out once.
    """
    return sorted(jobs, key=lambda j: (j.kind == "summary", -len(j.statements), j.lang))


_WORKER: dict[Any, Any] = {}


def _start_worker(context: _Context) -> None:
    from pipeline.pdf import Typesetter

    _WORKER.clear()
    _WORKER["context"] = context
    _WORKER["typesetter"] = Typesetter(context.paths.templates, [context.paths.cache / "fonts"])


def _typeset(job: Job) -> _Result:
    """Typeset one job in this process, reusing its renderers, fonts and stylesheets."""
    start = time.perf_counter()
    with _one_collection():
        result = _typeset_document(job)
    return replace(result, seconds=time.perf_counter() - start)


@contextlib.contextmanager
def _one_collection() -> Iterator[None]:
    """Collect cycles once per document, not hundreds of times while it is laid out.

    WeasyPrint makes millions of short-lived objects (a pack leaves about 100,000
    in cycles), and each automatic pass of the collector also walks the fonts,
    stylesheets and records kept for the next document: about a quarter of a
    pack's time. What survives the collection after a document is what the
    process keeps, so it is frozen out of every later pass.
    """
    if not gc.isenabled():  # paused already, by a caller
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()
        gc.freeze()


def _typeset_document(job: Job) -> _Result:
    from pipeline.pdf import check_pdf

    context: _Context = _WORKER["context"]
    typesetter = _WORKER["typesetter"]
    planner, renderer = _language_tools(job.lang)
    letter = [context.paths.templates / LETTER] if job.paper == "Letter" else []
    summary_sheets = [context.fonts[job.lang],
                      *(context.paths.templates / s for s in STYLESHEETS["summary"]), *letter]
    what = f"the {job.lang} {job.kind} of {', '.join(job.statements)}"
    if job.kind == "summary":
        document, _ = _fit_summary(job.statements[0], job.lang, summary_sheets)
    else:
        sheets = [context.fonts[job.lang],
                  *(context.paths.templates / s for s in STYLESHEETS["pack"]), *letter]
        densities = {s: _fit_summary(s, job.lang, summary_sheets, document=False)[1]
                     for s in job.statements}
        what = (f"the pack for {job.recipient.id}" if job.recipient
                else f"the {job.lang} briefing pack")
        while True:  # a summary under the pack's chapter title may need one more step
            pack = planner.pack(densities, list(job.statements))
            document = typesetter.layout(renderer.pack(pack, job.recipient), what, sheets)
            spilled = _spilled_summaries(document, pack.statements)
            if not spilled:
                break
            for statement_id in spilled:
                densities[statement_id] += 1
                if densities[statement_id] >= SUMMARY_DENSITIES:
                    raise BuildError(f"{what}: the summary of {statement_id} does not fit on "
                                     "one page under its chapter title")
    data = typesetter.pdf_bytes(document, what, job.sources, context.today)
    check_pdf(data, len(document.pages), str(context.paths.out / job.path))
    return _Result(job, data, len(document.pages))


def _fit_summary(statement_id: str, lang: str, sheets: list[Path],
                 document: bool = True) -> tuple[Any, int]:
    """Lay out a statement's summary on one page, tightening it as needed.

    The density that fits is remembered on disk under the hash of everything
    the summary is made from, so the next build (or another worker) lays it
    out once at that density instead of trying each step again.
    """
    key = ("fit", statement_id, lang, *sorted(p.name for p in sheets))
    known: int | None = _WORKER.get(key)  # only the density: a kept layout is dead weight
    if known is not None and not document:
        return None, known
    context: _Context = _WORKER["context"]
    planner, renderer = _language_tools(lang)
    statement = context.project.statements[statement_id]
    typesetter = _WORKER["typesetter"]
    what = f"the {lang} summary of {statement_id}"
    memo = context.paths.cache / "fit" / f"{_fit_key(statement_id, lang, sheets)[:32]}.json"
    if known is None:
        try:
            known = int(json.loads(memo.read_text(encoding="utf-8"))["density"])
        except (OSError, ValueError, KeyError, TypeError):
            known = None
    if known is not None and not document:
        _WORKER[key] = known
        return None, known
    if known is not None:
        laid_out = typesetter.layout(renderer.summary(planner.statement(statement, known)),
                                     what, sheets)
        if len(laid_out.pages) == 1:
            _WORKER[key] = known
            return laid_out, known
    laid_out, density = typesetter.fit_one_page(
        lambda density: renderer.summary(planner.statement(statement, density)),
        SUMMARY_DENSITIES, what, sheets)
    _WORKER[key] = density
    write_atomically(memo, json.dumps({"density": density}).encode())
    return laid_out, density


def _fit_key(statement_id: str, lang: str, sheets: list[Path]) -> str:
    """Hash everything a summary's layout depends on."""
    context: _Context = _WORKER["context"]
    files = [*context.project.record_files([statement_id, "vocabulary", "coalition"], lang),
             *context.project.source_files()]
    templates = _template_files(context.paths.templates, TEMPLATES["summary"], ())
    catalog = context.paths.locales / lang / "LC_MESSAGES" / "messages.po"
    return _digest(__version__, _code_hash(), lang, statement_id, context.today.isoformat(),
                   _hash_files([*files, *templates, *sheets, catalog]))


def _language_tools(lang: str) -> tuple[Any, Any]:
    from pipeline.i18n import available_languages
    from pipeline.plan import Planner
    from pipeline.render import Renderer

    key = ("tools", lang)
    if key not in _WORKER:
        context: _Context = _WORKER["context"]
        language = available_languages(context.paths.locales)[lang]
        _WORKER[key] = (
            Planner(context.project, language, context.instruments),
            Renderer(context.paths.templates, language, context.instruments,
                     context.project.coalition, context.today, context.project.translations,
                     context.project.sources),
        )
    return _WORKER[key]  # type: ignore[no-any-return]


def _write(out: Path, results: list[_Result], manifest: Manifest, context: _Context) -> None:
    """Write every new document atomically, then the manifest."""
    if not results:
        return
    for result in results:
        write_atomically(out / result.job.path, result.data)
        job = result.job
        kind = "recipient pack" if job.kind == "recipient" else job.kind
        manifest.record(Entry.of(job.path, result.data, result.pages, job.lang, kind,
                                 list(job.statements), job.inputs,
                                 job.recipient.id if job.recipient else None))
    manifest.save()


def _written(manifest: Manifest, job: Job, built: bool) -> Written:
    entry = manifest.entries[str(job.path)]
    return Written(manifest.folder / job.path, job.kind, job.lang, entry.pages, entry.bytes,
                   job.statements, built)


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Let one build at a time write to an output folder; another stops with a message."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError(f"another build ({holder}) is writing to {out}/; "
                             "wait for it to finish and run this one again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare_document_fonts(project: Project, instruments: Instruments,
                           languages: list[Language], paths: Paths, subsets: bool = True,
                           extra: Sequence[tuple[str, str, str, str]] = ()) -> dict[str, Path]:
    """Check glyph coverage, make the font subsets, and write each language's font CSS.

    The result is remembered under a key of every input file, so a build with
    nothing changed only checks that the files it names are still as written.
    """
    every_language = select_languages(paths.locales, "all")
    sources = sorted([*paths.records.rglob("*.yaml"), *project.source_files(),
                      *paths.locales.rglob("*.po"),
                      *paths.templates.rglob("*"), *instruments.files])
    key = _digest(__version__, str(subsets), str(paths.cache.resolve()),
                  _code_hash(),
                  _hash_files([p for p in sources if p.is_file()]), repr(list(extra)))
    memo = paths.cache / "fonts" / f"stage-{key[:32]}.json"
    remembered = _recall(memo)
    if remembered is None:
        remembered = _prepare_fonts(project, instruments, every_language, paths, subsets, extra)
        files = {str(p): _stat(p) for p in remembered["files"]}
        write_atomically(memo, json.dumps({"css": remembered["css"], "files": files}).encode())
    return {language.code: Path(remembered["css"][language.code]) for language in languages}


def _stat(path: Path | str) -> list[int]:
    stat = Path(path).stat()
    return [stat.st_size, stat.st_mtime_ns]


def _recall(memo: Path) -> dict[str, Any] | None:
    """Return a remembered font stage if every file it names is unchanged."""
    try:
        data = json.loads(memo.read_text(encoding="utf-8"))
        if all(_stat(path) == list(stat) for path, stat in data["files"].items()):
            return data  # type: ignore[no-any-return]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _prepare_fonts(project: Project, instruments: Instruments, languages: list[Language],
                   paths: Paths, subsets: bool,
                   extra: Sequence[tuple[str, str, str, str]]) -> dict[str, Any]:
    from pipeline.fonts import FontCache, Text, load_font_plan, missing_glyphs, prepare_fonts
    from pipeline.texts import project_texts

    plan = load_font_plan(paths.templates)
    cache = FontCache(paths.cache / "fonts")
    texts = [Text(*t) for t in project_texts(project, instruments, languages, paths.templates)]
    texts += [Text(*t) for t in extra]
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
    css_files, used = {}, [*fontset.files(), *(f.file.path for f in fontset.faces)]
    for language in languages:
        css = fontset.css(language.code, subsets=subsets)
        digest = hashlib.sha256(css.encode()).hexdigest()[:16]
        path = paths.cache / "fonts" / f"fonts-{language.code}-{digest}.css"
        if not path.is_file() or path.read_text(encoding="utf-8") != css:
            write_atomically(path, css.encode())
        css_files[language.code] = str(path)
        used.append(path)
    return {"css": css_files, "files": used}


def _check_catalogs(paths: Paths, languages: list[Language]) -> None:
    """Refuse a language whose catalog lacks strings: no English in a Japanese pack."""
    from pipeline.catalogs import TEMPLATE

    key = _hash_files([paths.locales / TEMPLATE, *(lang.catalog for lang in languages)])
    memo = paths.cache / "catalogs" / f"{key[:32]}.complete"
    if memo.is_file():
        return  # these very files were found complete before
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
    write_atomically(memo, b"")


def _spilled_summaries(document: Any, statements: Sequence[Any]) -> list[str]:
    """Return the statements whose summary does not fill exactly one page of the pack."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    spilled = []
    for statement in statements:
        start = pages.get(f"{statement.anchor}-summary")
        end = pages.get(f"{statement.anchor}-text")
        if start is None or end is None or end - start != 1:
            spilled.append(statement.id)
    return spilled


def _choose_statements(project: Project, requested: Sequence[str]) -> list[str]:
    if not requested:
        return list(project.statements)
    unknown = [s for s in requested if s not in project.statements]
    if unknown:
        raise UsageError(f"unknown statement {', '.join(unknown)}; known: "
                         + ", ".join(project.statements))
    return [s for s in project.statements if s in requested]
