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
from pipeline.files import NOFOLLOW, make_folder, os_error_message, write_atomically
from pipeline.i18n import Language, available_languages, select_languages
from pipeline.instruments import Instruments
from pipeline.manifest import Entry, Manifest
from pipeline.memo import Complete, Fit, FontStage, recall_font_stage, system_identity
from pipeline.memo import read as read_memo
from pipeline.memo import write as write_memo
from pipeline.models import Recipient, Recipients
from pipeline.transaction import recover, transaction
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
    notice: Callable[[str], None] = field(default=lambda message: None)


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
    drafts: frozenset[str] = frozenset()  # languages built with an incomplete catalog
    subsets: bool = True  # False only in the benchmark's comparison with WeasyPrint's fonts


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
    drafts = _languages_in_progress(paths, languages)
    if request.langs in (None, "", "all"):
        for code, status in drafts.items():
            request.notice(
                f"skipped {code}: its catalog is in progress ({status}); build it "
                f"as a draft with --lang {code}, or see `briefing i18n status`"
            )
        languages = [language for language in languages if language.code not in drafts]
        drafts = {}
    chosen = _choose_statements(project, request.statements)
    instruments = Instruments.load(paths.instruments)
    today = request.today or build_date()
    recipients = load_recipients(request.recipients) if request.recipients else None
    fonts = prepare_document_fonts(
        project,
        instruments,
        _with_recipient_languages(paths, languages, recipients),
        paths,
        extra=_recipient_texts(recipients),
    )
    context = _Context(paths, project, instruments, fonts, today, frozenset(drafts))
    jobs = plan_jobs(context, languages, chosen, request.only, recipients)
    make_folder(paths.out)
    with _locked(paths.out):
        for message in recover(paths.out):
            request.notice(message)
        manifest = Manifest.load(paths.out)
        if manifest.problem:
            request.notice(
                f"{paths.out / 'manifest.json'} is unreadable ({manifest.problem}); "
                "every document is built again and a new one written"
            )
        todo = [j for j in jobs if request.force or not manifest.is_current(j.path, j.inputs)]
        gone = stale_documents(
            manifest,
            project,
            available_languages(paths.locales),
            recipients,
            {str(j.path) for j in jobs},
        )
        results = _run(context, todo, request) if todo else []
        _write(paths.out, results, manifest, gone, request.notice)
        built = {r.job.path for r in results}
        return [_written(manifest, job, job.path in built) for job in jobs]


def stale_documents(
    manifest: Manifest,
    project: Project,
    languages: dict[str, Language],
    recipients: Recipients | None,
    planned: set[str],
) -> dict[str, str]:
    """Return the listed documents whose source is gone, and why each is.

    A summary of a statement no longer in the records, any document in a
    language without a catalog, and, when a recipients list is given, the pack
    of anyone not on it. Documents merely left out of this build (another
    language, another statement) stay as they are.
    """
    members = {r.id for r in recipients.recipients} if recipients is not None else None
    gone = {}
    for name, entry in manifest.entries.items():
        if name in planned:
            continue
        missing = [s for s in entry.statements if s not in project.statements]
        if entry.lang not in languages:
            gone[name] = f"there is no {entry.lang!r} catalog any more"
        elif entry.kind == "summary" and missing:
            gone[name] = f"statement {missing[0]} is no longer in the records"
        elif (
            entry.kind == "recipient pack"
            and members is not None
            and (entry.recipient not in members)
        ):
            gone[name] = f"recipient {entry.recipient} is not in the recipients list"
    return gone


def plan_jobs(
    context: _Context,
    languages: list[Language],
    chosen: list[str],
    only: str | None,
    recipients: Recipients | None = None,
) -> list[Job]:
    """List the documents to make, each with the hash of what it is made from."""
    paths, project = context.paths, context.project
    common = _digest(
        _code_hash(), _hash_files([paths.templates / "fonts.yaml", *project.source_files()])
    )
    templates = {
        kind: _template_files(paths.templates, TEMPLATES[kind], STYLESHEETS[kind]) for kind in KINDS
    }
    jobs = []
    wanted: list[tuple[Language, str, Recipient | None]] = [
        (language, kind, None) for language in languages for kind in KINDS if only in (None, kind)
    ]
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
                name = (
                    f"{lang}/{statements[0]}-summary.pdf"
                    if kind == "summary"
                    else f"{lang}/briefing-pack.pdf"
                )
                extra = []
            inputs = _digest(
                __version__,
                common,
                kind,
                lang,
                *statements,
                *extra,
                context.today.isoformat(),
                _hash_files([*files, *sheets, *shared]),
            )
            jobs.append(Job(kind, lang, statements, Path(name), inputs, tuple(sources), recipient))
    return jobs


def _with_recipient_languages(
    paths: Paths, languages: list[Language], recipients: Recipients | None
) -> list[Language]:
    """Add the recipients' languages to those built (their catalogs must be complete)."""
    if recipients is None:
        return languages
    codes = [language.code for language in languages]
    needed = [r.language for r in recipients.recipients if r.language not in codes]
    if not needed:
        return languages
    extra = select_languages(paths.locales, ",".join(dict.fromkeys(needed)))
    if drafts := _languages_in_progress(paths, extra):
        raise BuildError(
            "recipients need languages whose catalogs are in progress: "
            + "; ".join(f"{code} ({status})" for code, status in drafts.items())
            + ". Finish them (`briefing i18n status`) before sending packs in them."
        )
    return [*languages, *extra]


def _recipient_texts(recipients: Recipients | None) -> list[tuple[str, str, str, str]]:
    if recipients is None:
        return []
    return [
        (f"recipient {r.id}", f, r.language, getattr(r, f))
        for r in recipients.recipients
        for f in ("name", "honorific", "chamber")
    ]


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
        request.progress(
            Finished(context.paths.out / result.job.path, result.seconds, len(finished), len(jobs))
        )
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
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork")
    ) as pool:
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
                [
                    context.fonts[job.lang],
                    *(context.paths.templates / s for s in STYLESHEETS[kind]),
                    *letter,
                ],
                f"the {job.lang} {kind} styles",
            )


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
    from pipeline.pdf import RefusedResource, check_overflow, check_pdf

    context: _Context = _WORKER["context"]
    typesetter = _WORKER["typesetter"]
    planner, renderer = _language_tools(job.lang)
    letter = [context.paths.templates / LETTER] if job.paper == "Letter" else []
    summary_sheets = [
        context.fonts[job.lang],
        *(context.paths.templates / s for s in STYLESHEETS["summary"]),
        *letter,
    ]
    what = f"the {job.lang} {job.kind} of {', '.join(job.statements)}"
    if job.kind == "summary":
        document, _ = _fit_summary(job.statements[0], job.lang, summary_sheets)
    else:
        sheets = [
            context.fonts[job.lang],
            *(context.paths.templates / s for s in STYLESHEETS["pack"]),
            *letter,
        ]
        densities = {
            s: _fit_summary(s, job.lang, summary_sheets, document=False)[1] for s in job.statements
        }
        what = (
            f"the pack for {job.recipient.id}" if job.recipient else f"the {job.lang} briefing pack"
        )
        while True:  # a summary under the pack's chapter title may need one more step
            pack = planner.pack(densities, list(job.statements), job.recipient)
            document = typesetter.layout(renderer.pack(pack), what, sheets)
            spilled = _spilled_summaries(document, pack.statements)
            if not spilled:
                break
            for statement_id in spilled:
                densities[statement_id] += 1
                if densities[statement_id] >= SUMMARY_DENSITIES:
                    raise BuildError(
                        f"{what}: the summary of {statement_id} does not fit on "
                        "one page under its chapter title"
                    )
    check_overflow(document, what)
    try:
        data = typesetter.pdf_bytes(document, what, job.sources, context.today)
    except RefusedResource as error:  # an attachment the template asks for, say
        raise BuildError(f"{what}: {error}") from None
    check_pdf(data, len(document.pages), str(context.paths.out / job.path), subsets=context.subsets)
    return _Result(job, data, len(document.pages))


def _fit_summary(
    statement_id: str, lang: str, sheets: list[Path], document: bool = True
) -> tuple[Any, int]:
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
    fit_key = _fit_key(statement_id, lang, sheets)
    memo = context.paths.cache / "fit" / f"{fit_key[:32]}.json"

    def lay_out(density: int) -> Any:
        return typesetter.layout(
            renderer.summary(planner.summary(statement, density)), what, sheets
        )

    if known is None:  # from disk: a hint, used only if no looser density fits
        remembered = read_memo(memo, Fit, fit_key)
        hint = remembered.density if remembered is not None else SUMMARY_DENSITIES
        if hint < SUMMARY_DENSITIES and (hint == 0 or len(lay_out(hint - 1).pages) > 1):
            if not document:  # one too loose to fit, the pack raises itself (it spills)
                _WORKER[key] = hint
                return None, hint
            laid_out = lay_out(hint)
            if len(laid_out.pages) == 1:
                _WORKER[key] = hint
                return laid_out, hint
    else:  # found in this process: no looser density fits; this one is checked here
        laid_out = lay_out(known)
        if len(laid_out.pages) == 1:
            return laid_out, known
    laid_out, density = typesetter.fit_one_page(
        lambda density: renderer.summary(planner.summary(statement, density)),
        SUMMARY_DENSITIES,
        what,
        sheets,
    )
    _WORKER[key] = density
    write_memo(memo, Fit(key=fit_key, density=density))
    return laid_out, density


def _fit_key(statement_id: str, lang: str, sheets: list[Path]) -> str:
    """Hash everything a summary's layout depends on."""
    context: _Context = _WORKER["context"]
    files = [
        *context.project.record_files([statement_id, "vocabulary", "coalition"], lang),
        *context.project.source_files(),
    ]
    templates = _template_files(context.paths.templates, TEMPLATES["summary"], ())
    catalog = context.paths.locales / lang / "LC_MESSAGES" / "messages.po"
    return _digest(
        __version__,
        _code_hash(),
        lang,
        statement_id,
        context.today.isoformat(),
        _hash_files([*files, *templates, *sheets, catalog]),
    )


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
            Renderer(
                context.paths.templates, language, context.today, draft=lang in context.drafts
            ),
        )
    return _WORKER[key]  # type: ignore[no-any-return]


def _write(
    out: Path,
    results: list[_Result],
    manifest: Manifest,
    gone: dict[str, str],
    notice: Callable[[str], None],
) -> None:
    """Replace the documents and the manifest together, or change nothing (a transaction)."""
    if not results and not gone and not manifest.problem:
        return
    with transaction(out) as changes:
        for result in results:
            job = result.job
            changes.stage(str(job.path), result.data)
            kind = "recipient pack" if job.kind == "recipient" else job.kind
            manifest.record(
                Entry.of(
                    job.path,
                    result.data,
                    result.pages,
                    job.lang,
                    kind,
                    list(job.statements),
                    job.inputs,
                    job.recipient.id if job.recipient else None,
                )
            )
        for name in sorted(gone):
            changes.remove(name)
            manifest.forget(name)
        changes.stage("manifest.json", manifest.text())
    for name, why in sorted(gone.items()):
        notice(f"removed {out / name}: {why}")


def _written(manifest: Manifest, job: Job, built: bool) -> Written:
    entry = manifest.entries[str(job.path)]
    return Written(
        manifest.folder / job.path,
        job.kind,
        job.lang,
        entry.pages,
        entry.bytes,
        job.statements,
        built,
    )


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Let one build at a time write to an output folder; another stops with a message.

    The lock file is opened without following a symbolic link: a link planted
    there would otherwise have the build empty whatever it points at.
    """
    path = out / ".lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise BuildError(os_error_message(error, "cannot open the lock file")) from None
    with os.fdopen(fd, "r+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError(
                f"another build ({holder}) is writing to {out}/; "
                "wait for it to finish and run this one again"
            ) from None
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


def prepare_document_fonts(
    project: Project,
    instruments: Instruments,
    languages: list[Language],
    paths: Paths,
    subsets: bool = True,
    extra: Sequence[tuple[str, str, str, str]] = (),
) -> dict[str, Path]:
    """Check glyph coverage, make the font subsets, and write each language's font CSS.

    The result is remembered under a key of every input file, so a build with
    nothing changed only checks that the files it names are still as written.
    """
    every_language = select_languages(paths.locales, "all")
    sources = sorted(
        [
            *paths.records.rglob("*.yaml"),
            *project.source_files(),
            *paths.locales.rglob("*.po"),
            *paths.templates.rglob("*"),
            *instruments.files,
        ]
    )
    key = _digest(
        __version__,
        str(subsets),
        str(paths.cache.resolve()),
        _code_hash(),
        _hash_files([p for p in sources if p.is_file()]),
        repr(list(extra)),
    )
    memo = paths.cache / "fonts" / f"stage-{key[:32]}.json"
    css = recall_font_stage(memo, key, paths.cache / "fonts")
    if css is None or any(language.code not in css for language in languages):
        remembered = _prepare_fonts(project, instruments, every_language, paths, subsets, extra)
        css = remembered["css"]
        folder = (paths.cache / "fonts").resolve()
        ours = [Path(p) for p in remembered["files"] if Path(p).resolve().is_relative_to(folder)]
        system = {
            str(p): system_identity(Path(p)) for p in remembered["files"] if Path(p) not in ours
        }
        write_memo(
            memo,
            FontStage(
                key=key,
                css=css,
                files={str(p): _sha256(p) for p in ours},
                system={p: i for p, i in system.items() if i is not None},
            ),
        )
    return {language.code: Path(css[language.code]) for language in languages}


def _sha256(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _prepare_fonts(
    project: Project,
    instruments: Instruments,
    languages: list[Language],
    paths: Paths,
    subsets: bool,
    extra: Sequence[tuple[str, str, str, str]],
) -> dict[str, Any]:
    from pipeline.fonts import FontCache, Text, load_font_plan, missing_glyphs, prepare_fonts
    from pipeline.texts import project_texts

    plan = load_font_plan(paths.templates)
    cache = FontCache(paths.cache / "fonts")
    texts = [Text(*t) for t in project_texts(project, instruments, languages, paths.templates)]
    texts += [Text(*t) for t in extra]
    missing = missing_glyphs(texts, plan, cache)
    if missing:
        raise BuildError(
            "characters that no chosen font can show:\n" + "\n".join(f"  {gap}" for gap in missing)
        )
    characters: dict[str, set[str]] = {}
    for text in texts:
        group = "*" if text.lang == "*" else plan.group_of(text.lang).name
        characters.setdefault(group, set()).update(text.characters)
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


def _languages_in_progress(paths: Paths, languages: list[Language]) -> dict[str, str]:
    """The languages whose catalog still lacks strings, each with how far it is.

    A default build leaves them out (no English in a Japanese pack); one asked
    for by name is built as a draft, marked so on every page.
    """
    from pipeline.catalogs import TEMPLATE

    key = _hash_files([paths.locales / TEMPLATE, *(lang.catalog for lang in languages)])
    memo = paths.cache / "catalogs" / f"{key[:32]}.complete"
    if read_memo(memo, Complete, key) is not None:
        return {}  # these very files were found complete before
    from pipeline.catalogs import catalog_states

    codes = {language.code for language in languages}
    drafts = {
        state.lang: (
            f"{state.total - len(state.missing) - len(state.fuzzy)} of {state.total} "
            f"strings translated, in {paths.locales / state.lang}"
        )
        for state in catalog_states(paths.locales)
        if state.lang in codes and not state.complete
    }
    if not drafts:
        write_memo(memo, Complete(key=key))
    return drafts


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
        raise UsageError(
            f"unknown statement {', '.join(unknown)}; known: " + ", ".join(project.statements)
        )
    return [s for s in project.statements if s in requested]
