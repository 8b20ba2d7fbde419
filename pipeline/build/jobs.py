"""The documents a build makes, each with the hash of everything it is made from.

A job's `parts` name each input (a record, a template, the catalog, the code)
with its hash; `inputs` is their digest, which the manifest keeps. Keeping the
parts too lets a build say which input changed (`briefing build --explain`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from pipeline.cache import code_hash, digest, hash_files
from pipeline.editions import MEMBER_PART, content, edition, member_digest
from pipeline.i18n.languages import Language
from pipeline.output.manifest import Manifest
from pipeline.plan.documents import Context, Job
from pipeline.plan.kinds import LANGUAGE_KINDS, PACK, RECIPIENT_PACK, Kind, Listing, Spec
from pipeline.records.models import Recipients
from pipeline.render.templates import template_files
from pipeline.version import __version__


def plan_jobs(
    context: Context,
    languages: list[Language],
    chosen: list[str],
    only: str | None,
    recipients: Recipients | None = None,
    every_language: Mapping[str, Language] | None = None,
    copies: bool = True,
) -> list[Job]:
    """List the documents to make, each with the hashes of what it is made from.

    Without `copies`, a language's documents made from another one (the web
    edition's copies of its PDFs) are left out, and so is what they need.
    """
    paths, project = context.paths, context.project
    # Many documents share their files and templates: hash and parse each once.
    hashed = functools.cache(lambda path: hash_files([path]))
    templates = functools.cache(lambda name: template_files(paths.templates, name))
    common = {
        "code": code_hash(),
        "template fonts.yaml": hashed(paths.templates / "fonts.yaml"),
        **{f"source {p.name}": hashed(p) for p in project.source_files()},
    }
    languages_by_code = every_language or {language.code: language for language in languages}
    listing = Listing(
        project,
        {lang: tuple(face.name for face in faces) for lang, faces in context.faces.items()},
        tuple(languages_by_code),
    )
    wanted: list[tuple[Kind, Spec]] = [
        (kind, spec)
        for language in languages
        for kind in LANGUAGE_KINDS
        if kind.chosen_by(only) and (copies or kind.joined_to is None)
        for spec in kind.listed(language.code, chosen, listing)
    ]
    if project.packs is not None and PACK.chosen_by(only):
        ordered = list(project.statements)
        wanted += [
            (PACK, spec)
            for language in languages
            for spec in PACK.scoped(language.code, project.packs, ordered, chosen)
        ]
    if recipients is not None and only in (None, "recipients"):
        wanted += [
            (RECIPIENT_PACK, RECIPIENT_PACK.for_recipient(r, chosen)) for r in recipients.recipients
        ]

    def job_for(kind: Kind, spec: Spec) -> Job:
        files = [
            *project.record_files(kind.records(spec), spec.lang),
            *(templates(kind.template) if kind.template else []),
            *(paths.templates / s for s in kind.sheets(spec.paper)),
        ]
        sources = kind.attachments(project, context.instruments, spec)
        parts = {
            **common,
            **{_name(p, paths.records.parent): hashed(p) for p in [*files, *sources]},
            f"catalog {spec.lang}": hashed(languages_by_code[spec.lang].catalog),
            f"fonts {spec.lang}": hashed(context.fonts[spec.lang]),
            **kind.parts(project, spec),
            **({MEMBER_PART: member_digest(spec.recipient.identity())} if spec.recipient else {}),
            "options": digest(
                __version__,
                kind.name,
                spec.lang,
                *spec.statements,
                spec.recipient.id if spec.recipient else "",  # its details: the member part
                spec.paper,
                context.today.isoformat(),
                *((spec.pack, "summaries", *spec.summaries) if spec.pack else ()),
                *((spec.page, "site", *spec.site) if spec.page or spec.site else ()),
                *(("online", context.base_url) if context.base_url else ()),
            ),
        }
        inputs = digest(*(f"{name}={value}" for name, value in sorted(parts.items())))
        return Job(kind, spec, kind.output(spec), inputs, parts, tuple(sources))

    jobs = [job_for(kind, spec) for kind, spec in wanted]
    return _with_bases(jobs, job_for)


def _with_bases(jobs: list[Job], job_for: Callable[[Kind, Spec], Job]) -> list[Job]:
    """Tie each joined document to the one behind it, adding that one if not planned.

    A recipient pack is rebuilt when its language pack is: the pack's input
    hash is one of its parts. A pack needed only behind recipients' pages (a
    language or paper size not otherwise built) is made too, before them.
    """
    planned = {job.path: job for job in jobs}
    added: list[Job] = []
    tied: list[Job] = []
    for job in jobs:
        if job.kind.joined_to is None:
            tied.append(job)
            continue
        base_kind = job.kind.joined_to
        base_spec = job.kind.base(job.spec)
        base = planned.get(base_kind.output(base_spec))
        if base is None:
            base = planned[base_kind.output(base_spec)] = job_for(base_kind, base_spec)
            added.append(base)
        parts = {**job.parts, f"base {base.path}": base.inputs}
        inputs = digest(*(f"{name}={value}" for name, value in sorted(parts.items())))
        spec = job.spec
        if spec.recipient is not None:  # what the pack behind says is the member's content too
            behind = {f"pack {name}": value for name, value in content(base.parts).items()}
            spec = replace(spec, edition=edition(spec.recipient.id, {**behind, **job.parts}))
        tied.append(replace(job, spec=spec, parts=parts, inputs=inputs, base=base.path))
    first_joined = next((i for i, j in enumerate(tied) if j.base is not None), len(tied))
    return [*tied[:first_joined], *added, *tied[first_joined:]]


def _name(path: Path, root: Path) -> str:
    """Name an input file by its place in the project, so a moved project stays current."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def why_built(job: Job, manifest: Manifest, force: bool) -> str | None:
    """Say why a job must be typeset, or None if its output is up to date."""
    if force:
        return "--force"
    entry = manifest.entries.get(str(job.path))
    if entry is None:
        return "not built before into this folder"
    if entry.inputs == job.inputs:
        return (
            None
            if manifest.is_current(job.path, job.inputs)
            else ("the file differs from the manifest or is missing")
        )
    if not entry.parts:
        return "its inputs changed (the manifest does not say which)"
    changed = [name for name, value in job.parts.items() if entry.parts.get(name) != value]
    gone = [name for name in entry.parts if name not in job.parts]
    return (
        "; ".join(
            [
                *([f"changed: {', '.join(_short(changed))}"] if changed else []),
                *([f"no longer used: {', '.join(_short(gone))}"] if gone else []),
            ]
        )
        or "its inputs changed"
    )


def _short(names: Iterable[str], most: int = 6) -> list[str]:
    names = list(names)
    return names[:most] + ([f"and {len(names) - most} more"] if len(names) > most else [])
