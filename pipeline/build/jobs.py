"""The documents a build makes, each with the hash of everything it is made from.

A job's `parts` name each input (a record, a template, the catalog, the code)
with its hash; `inputs` is their digest, which the manifest keeps. Keeping the
parts too lets a build say which input changed (`briefing build --explain`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from pipeline.cache import Cache, code_hash, digest, hash_files
from pipeline.config import Paths
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
    paper: str = "A4",
    copies: bool = True,
) -> list[Job]:
    """List the documents to make, each with the hashes of what it is made from.

    A pack or member's pack limited by --statement names the statements left
    out (`Spec.left_out`), which gives it a file name of its own. Without
    `copies`, a language's documents made from another one (the web edition's
    copies of its PDFs) are left out, and so is what they need.
    """
    paths, project = context.paths, context.project
    left_out = tuple(s for s in project.statements if s not in chosen)
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
        (kind, replace(spec, paper=paper, left_out=left_out if kind is PACK else ()))
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
            (RECIPIENT_PACK, RECIPIENT_PACK.for_recipient(r, chosen, left_out))
            for r in recipients.recipients
        ]
    languages_by_code = every_language or {language.code: language for language in languages}
    faces = functools.cache(lambda sheet: _font_parts(sheet))

    def job_for(kind: Kind, spec: Spec) -> Job:
        sheet = context.font_sheet(kind, spec.lang)
        files = [
            *project.record_files(kind.records(spec), spec.lang),
            *(templates(kind.template) if kind.template else []),
            *(paths.templates / s for s in kind.sheets(spec.paper)),
        ]
        sources = kind.attachments(project, context.instruments, spec)
        parts = {
            **common,
            **{_name(p, paths): hashed(p) for p in [*files, *sources]},
            f"catalog {spec.lang}": hashed(languages_by_code[spec.lang].catalog),
            f"fonts {spec.lang}": hashed(sheet),
            **faces(sheet),
            **kind.parts(project, spec),
            **({MEMBER_PART: member_digest(spec.recipient.identity())} if spec.recipient else {}),
            # What the command asked for, in words (`--explain` says "from ... to ...").
            OPTION + "version": __version__,
            OPTION + "date": context.today.isoformat(),
            OPTION + "paper": spec.paper,
            OPTION + "statements": ", ".join(spec.statements),
            OPTION + "document": digest(
                kind.name,
                spec.lang,
                spec.recipient.id if spec.recipient else "",  # its details: the member part
                *((spec.pack, "summaries", *spec.summaries) if spec.pack else ()),
                *((spec.page, "site", *spec.site) if spec.page or spec.site else ()),
                *(("online", context.base_url) if context.base_url else ()),
            ),
        }
        inputs = digest(*(f"{name}={value}" for name, value in sorted(parts.items())))
        return Job(kind, spec, kind.output(spec), inputs, parts, tuple(sources))

    jobs = [job_for(kind, spec) for kind, spec in wanted]
    return _with_bases(jobs, job_for)


OPTION = "options "  # a part naming an option by its value; not content (pipeline/editions.py)
SUBSET = "fonts subset "  # a part naming a face's subset file; not content
_FACE = re.compile(
    r'@font-face \{ font-family: "([^"]+)"; src: url\("([^"]+)"\); font-weight: (\d+);'
)


def _font_parts(sheet: Path) -> dict[str, str]:
    """Each face a font stylesheet names, with its subset's file name (named by its hash).

    The stylesheet's own hash already covers them; these parts let `--explain`
    say which subset changed, and how.
    """
    try:
        text = sheet.read_text(encoding="utf-8")
    except OSError:
        return {}
    return {f"{SUBSET}{family} {weight}": url for family, url, weight in _FACE.findall(text)}


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
        if spec.recipient is not None and not spec.left_out:  # the pack behind: content too
            behind = {f"pack {name}": value for name, value in content(base.parts).items()}
            spec = replace(spec, edition=edition(spec.recipient.id, {**behind, **job.parts}))
        tied.append(replace(job, spec=spec, parts=parts, inputs=inputs, base=base.path))
    first_joined = next((i for i, j in enumerate(tied) if j.base is not None), len(tied))
    return [*tied[:first_joined], *added, *tied[first_joined:]]


def _name(path: Path, paths: Paths) -> str:
    """Name an input file by its place in the project or the tool's folders, never by where
    those happen to be: a moved project, and the installed tool beside the checkout, name
    it alike (a member's edition follows these names, and the cover prints the edition)."""
    resolved = path.resolve()
    for root, prefix in (
        (paths.records.parent, ""),
        (paths.templates, "templates/"),
        (paths.locales, "locales/"),
        (paths.instruments, "instruments/"),
    ):
        try:
            return prefix + str(resolved.relative_to(root.resolve()))
        except ValueError:
            continue
    return str(path)


def why_built(job: Job, manifest: Manifest, force: bool, cache: Cache | None = None) -> str | None:
    """Say in words why a job must be typeset, or None if its output is up to date.

    Which option changed, from what to what; which record, template or catalog;
    which font subset, and which characters it gains or loses (from the cache).
    """
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
    old = entry.parts
    changed = [name for name, value in job.parts.items() if name in old and old[name] != value]
    subsets = any(name.startswith(SUBSET) for name in changed)
    said = [
        _changed(name, old[name], job.parts[name], cache)
        for name in changed
        if not (subsets and name.startswith("fonts ") and not name.startswith(SUBSET))
    ]
    said += [_added(name, job.parts[name]) for name in job.parts if name not in old]
    said += [f"no longer made from {_shown(name)}" for name in old if name not in job.parts]
    return "; ".join(_short(said)) or "its inputs changed"


def _shown(name: str) -> str:
    for prefix, words in ((OPTION, "option "), (SUBSET, "the font subset "), ("source ", "")):
        if name.startswith(prefix):
            return words + name[len(prefix) :]
    return name


def _changed(name: str, old: str, new: str, cache: Cache | None) -> str:
    if name.startswith(OPTION):
        option = name[len(OPTION) :]
        if option == "document":
            return "what the document is changed (kind, pack definition or summaries)"
        return f"{option} changed from {old or 'none'} to {new or 'none'}"
    if name.startswith(SUBSET):
        return _subset_changed(name[len(SUBSET) :], old, new, cache)
    if name == "code":
        return "the tool's code changed"
    if name == MEMBER_PART:
        return "the member's details changed (recipients file)"
    if name.startswith("base "):
        return f"the pack behind its pages changed ({name[len('base ') :]})"
    if name.startswith("fonts "):
        return f"the font stylesheet of {name[len('fonts ') :]} changed"
    if name.startswith("catalog "):
        return f"the {name[len('catalog ') :]} catalog changed"
    return f"{_shown(name)} changed"


def _added(name: str, value: str) -> str:
    if name.startswith(OPTION):
        return f"{name[len(OPTION) :]} is now {value or 'none'} (not recorded before)"
    return f"now made from {_shown(name)}"


def _subset_changed(face: str, old: str, new: str, cache: Cache | None) -> str:
    """Which characters a face's subset gains or loses, when the cache still knows both."""
    from pipeline.cache import Characters, characters_key

    pending = " (a dry run: not made yet)" if "-pending-" in new else ""
    if cache is None:
        return f"the font subset {face} changed{pending}"
    before = cache.recall("fonts", characters_key(old), Characters)
    after = cache.recall("fonts", characters_key(new), Characters)
    if before is None or after is None:
        return f"the font subset {face} changed (its characters){pending}"
    gained = sorted(set(after.codepoints) - set(before.codepoints))
    lost = sorted(set(before.codepoints) - set(after.codepoints))

    def listed(codepoints: list[int]) -> str:
        shown = " ".join(chr(c) for c in codepoints[:8])
        more = f" and {len(codepoints) - 8} more" if len(codepoints) > 8 else ""
        return f"{len(codepoints)} character{'s' * (len(codepoints) != 1)} ({shown}{more})"

    how = [
        *([f"gains {listed(gained)}"] if gained else []),
        *([f"loses {listed(lost)}"] if lost else []),
    ]
    what = " and ".join(how) if how else "changed (same characters, another font file)"
    return f"the font subset {face} {what}{pending}"


def _short(names: Iterable[str], most: int = 6) -> list[str]:
    names = list(names)
    return names[:most] + ([f"and {len(names) - most} more"] if len(names) > most else [])
