"""The build: plan the documents, skip what is up to date, typeset the rest, write them all.

This module only orchestrates; each stage lives in the module named for it:
the options and folders in `config`, the kinds of document in `kinds`, the
documents and their input hashes in `jobs`, the font stage in `fontstage`,
one-page fitting in `fitting`, the typesetting processes in `workers`, the
remembered work in `cache`, and the output folder in `outputs`. When nothing
changed, WeasyPrint is never imported; nothing is written until every
document has been typeset and checked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.build import snapshot
from pipeline.config import BuildRequest, Finished, Paths, Written, build_date
from pipeline.errors import BuildError, UsageError

MEMBERS = " members"  # the members' font stage: its faces' family names end so

if TYPE_CHECKING:
    from pipeline.i18n.languages import Language
    from pipeline.plan.documents import Context, Job
    from pipeline.records.models import Recipients
    from pipeline.records.project import Project
    from pipeline.render.exporter import Made
    from pipeline.typeset.fontstage import Extra


@dataclass(frozen=True)
class BuildPlan:
    """What a build will make, and what every worker needs to make it."""

    context: Context
    jobs: list[Job]
    recipients: Recipients | None
    relied_on: list[Path]  # files outside the project the build read (fonts)


def plan_build(paths: Paths, request: BuildRequest) -> BuildPlan:
    """Load and check the records, choose the languages, make the font stage, list the jobs."""
    from pipeline.build.jobs import plan_jobs
    from pipeline.cache import Cache
    from pipeline.i18n.catalogs import languages_in_progress
    from pipeline.i18n.languages import available_languages, select_languages
    from pipeline.plan.documents import Context
    from pipeline.records.instruments import Instruments
    from pipeline.records.validate import load_project, load_recipients
    from pipeline.typeset.fontstage import prepare_document_fonts

    project = load_project([paths.records], paths)
    cache = Cache(paths.cache)
    cache.claim()  # a folder of someone else's files is refused before any work
    every = available_languages(paths.locales)
    in_progress = languages_in_progress(paths.locales, list(every.values()))
    languages = select_languages(paths.locales, request.langs)
    drafts = {code: why for code, why in in_progress.items() if code in _codes(languages)}
    if request.langs in (None, "", "all"):
        for code, status in drafts.items():
            request.notice(
                f"left out {code}: its catalog is in progress ({status}); build it "
                f"as a draft with --lang {code}, or see `briefing i18n status`"
            )
        languages = [language for language in languages if language.code not in drafts]
        drafts = {}
    chosen = _choose_statements(project, request.statements)
    instruments = Instruments.load(paths.instruments)
    recipients = load_recipients(request.recipients, paths.locales) if request.recipients else None
    built = _with_recipient_languages(paths, languages, recipients)
    # What the output folder is to hold: every complete language and those built now. A
    # language in progress, unless asked for, is in no check, listing or language switcher.
    every_language = {
        code: language
        for code, language in every.items()
        if code not in in_progress or code in _codes(built)
    }
    stage = list(every_language.values())
    dry = request.dry_run
    fonts, relied_on, faces = prepare_document_fonts(
        project,
        instruments,
        built,
        paths,
        request.subsets,
        stage_languages=stage,
        dry=dry,
        say=request.started,
    )
    member_fonts: dict[str, Path] = {}
    if recipients is not None and request.only in (None, "recipients"):
        # Their names, in fonts of their own pages only (Context.font_sheet).
        member_fonts, relied_too, _ = prepare_document_fonts(
            project,
            instruments,
            built,
            paths,
            request.subsets,
            extra=_recipient_texts(recipients),
            stage_languages=stage,
            suffix=MEMBERS,
            dry=dry,
            say=request.started,
        )
        relied_on = list(dict.fromkeys([*relied_on, *relied_too]))
    today = request.today or build_date(paths.records, request.date_rule, request.notice)
    context = Context(
        paths,
        project,
        instruments,
        fonts,
        today,
        frozenset(drafts),
        request.subsets,
        faces=faces,
        member_fonts=member_fonts,
        base_url=base_url(request.base_url),
    )
    jobs = plan_jobs(
        context,
        languages,
        chosen,
        request.only,
        recipients,
        every_language,
        request.paper,
        request.copies,
    )
    return BuildPlan(context, jobs, recipients, relied_on)


def build_all(paths: Paths, request: BuildRequest) -> list[Written]:
    """Build what is out of date; write nothing unless every document succeeds.

    When no file the last build of this request read or wrote has changed, say
    so at once (pipeline/snapshot.py): the records are not even loaded.
    """
    today = request.today or build_date(paths.records, request.date_rule, request.notice)
    if not request.dry_run:
        kept = snapshot.unchanged(paths, request, today)
        if kept is not None:
            return kept
    request = dataclasses.replace(request, today=today)
    if request.dry_run:
        return _decide(paths, request)
    return _build(paths, request)


def _decide(paths: Paths, request: BuildRequest) -> list[Written]:
    """Say what a build would make and remove, and why, typesetting and writing nothing.

    `Written.built` says whether a document would be built; its pages and size
    are the manifest's, or 0 for a document not built before.
    """
    from pipeline.build.jobs import why_built
    from pipeline.build.outputs import stale_documents
    from pipeline.cache import Cache
    from pipeline.i18n.languages import available_languages
    from pipeline.output.manifest import Manifest

    plan = plan_build(paths, request)
    manifest = Manifest.load(paths.out)
    say = request.explain or request.notice
    if manifest.problem:
        say(f"{paths.out / 'manifest.json'} is unreadable ({manifest.problem}): all is built")
    cache = Cache(paths.cache)
    done = []
    for job in plan.jobs:
        reason = why_built(job, manifest, request.force, cache)
        if reason is not None or request.list_up_to_date:
            verdict = f"would be built: {reason}" if reason else "up to date"
            say(f"{paths.out / job.path}: {verdict}")
        entry = manifest.entries.get(str(job.path))
        done.append(
            Written(
                paths.out / job.path,
                job.kind.name,
                job.lang,
                entry.pages if entry else 0,
                entry.bytes if entry else 0,
                job.statements,
                reason is not None,
            )
        )
    gone = stale_documents(
        manifest,
        plan.context.project,
        available_languages(paths.locales),
        plan.recipients,
        {str(j.path) for j in plan.jobs},
    )
    for name, why in sorted(gone.items()):
        say(f"{paths.out / name}: would be removed: {why}")
    return done


def _build(paths: Paths, request: BuildRequest) -> list[Written]:
    from pipeline.build.jobs import why_built
    from pipeline.build.outputs import changing, locked, stale_documents, written
    from pipeline.build.workers import run
    from pipeline.cache import Cache
    from pipeline.files import make_folder, read_nofollow
    from pipeline.i18n.languages import available_languages
    from pipeline.output.manifest import Manifest
    from pipeline.output.transaction import recover
    from pipeline.render.exporter import Made

    plan = plan_build(paths, request)
    jobs = plan.jobs
    make_folder(paths.out)
    with locked(paths.out):
        for message in recover(paths.out):
            request.notice(message)
        manifest = Manifest.load(paths.out)
        if manifest.problem:
            request.notice(
                f"{paths.out / 'manifest.json'} is unreadable ({manifest.problem}); "
                "every document is built again and a new one written"
            )
        cache = Cache(paths.cache)
        reasons = {job.path: why_built(job, manifest, request.force, cache) for job in jobs}
        if request.explain is not None:  # -v: why each document is built
            for job in jobs:
                if (reason := reasons[job.path]) is not None:
                    request.explain(f"{paths.out / job.path}: built: {reason}")
        todo = [job for job in jobs if reasons[job.path] is not None]
        gone = stale_documents(
            manifest,
            plan.context.project,
            available_languages(paths.locales),
            plan.recipients,
            {str(j.path) for j in jobs},
        )

        def finished(result: Made, done: int) -> None:
            changes.add(result)  # staged now: its bytes need not stay in memory
            where = paths.out / result.job.path
            request.progress(Finished(where, result.seconds, done, len(todo)))

        def behind(path: Path) -> Made:  # a document up to date in the output folder
            entry = manifest.entries[str(path)]
            data = read_nofollow(paths.out / path)
            if not manifest.is_current(path, entry.inputs):
                raise BuildError(f"{paths.out / path} changed while the build ran")
            return Made(next(j for j in jobs if j.path == path), data, entry.pages)

        with changing(paths.out, manifest, gone, request.notice) as changes:
            if todo:
                workers = min(request.jobs, len(todo))
                request.started(
                    f"building {len(todo)} of {len(jobs)} documents "
                    f"({workers} worker{'s' * (workers != 1)}) …"
                )
                run(plan.context, todo, request.jobs, finished, behind)
        try:
            if todo:
                cache.prune()
            done = [written(manifest, job, job.path in changes.built) for job in jobs]
            assert request.today is not None
            snapshot.remember(paths, request, request.today, done, plan.relied_on)
        except KeyboardInterrupt:
            from pipeline.output.transaction import Interrupted

            raise Interrupted(
                f"interrupted after the outputs were committed: {paths.out}/ holds this "
                "build's documents and manifest"
            ) from None
        return done


def base_url(address: str) -> str:
    """Check a web address the PDFs will name, and drop its trailing slash."""
    from urllib.parse import urlsplit

    if not address:
        return ""
    parts = urlsplit(address)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(
            f"base URL {address!r} is not a web address: give one like "
            "https://example.org/briefing (no query, no #fragment)"
        )
    return address.rstrip("/")


def _codes(languages: Sequence[Language]) -> set[str]:
    return {language.code for language in languages}


def _with_recipient_languages(
    paths: Paths, languages: list[Language], recipients: Recipients | None
) -> list[Language]:
    """Add the recipients' languages to those built (their catalogs must be complete)."""
    from pipeline.i18n.catalogs import languages_in_progress
    from pipeline.i18n.languages import select_languages

    if recipients is None:
        return languages
    codes = [language.code for language in languages]
    needed = [r.language for r in recipients.recipients if r.language not in codes]
    if not needed:
        return languages
    extra = select_languages(paths.locales, ",".join(dict.fromkeys(needed)))
    if drafts := languages_in_progress(paths.locales, extra):
        raise BuildError(
            "recipients need languages whose catalogs are in progress: "
            + "; ".join(f"{code} ({status})" for code, status in drafts.items())
            + ". Finish them (`briefing i18n status`) before sending packs in them."
        )
    return [*languages, *extra]


def _recipient_texts(recipients: Recipients | None) -> list[Extra]:
    if recipients is None:
        return []
    return [
        (f"recipient {r.id}", f, r.language, getattr(r, f))
        for r in recipients.recipients
        for f in ("name", "honorific", "chamber")
    ]


def _choose_statements(project: Project, requested: Sequence[str]) -> list[str]:
    if not requested:
        return list(project.statements)
    unknown = [s for s in requested if s not in project.statements]
    if unknown:
        raise UsageError(
            f"unknown statement {', '.join(unknown)}; known: " + ", ".join(project.statements)
        )
    return [s for s in project.statements if s in requested]
