"""The font stage: glyph coverage checked, subsets made, each language's font CSS written.

It runs before any document is planned, over every text the languages of the
stage may show (every complete language, and any asked for by name), so a
character no chosen font can show stops the build before anything is typeset,
and a language in progress left out of the build is left out of the check too.
Its result is remembered in the cache under the hash of every input file; a
build with nothing changed only checks that the files it names are intact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.cache import (
    Cache,
    FontStage,
    code_hash,
    digest,
    file_hash,
    hash_files,
    system_identity,
)
from pipeline.config import Paths
from pipeline.errors import BuildError
from pipeline.i18n.languages import Language
from pipeline.plan.documents import FontFace
from pipeline.records.instruments import Instruments
from pipeline.records.project import Project
from pipeline.version import __version__

Extra = tuple[str, str, str, str]  # (where, field, language, text) of a text outside the records


def prepare_document_fonts(
    project: Project,
    instruments: Instruments,
    languages: list[Language],
    paths: Paths,
    subsets: bool = True,
    extra: Sequence[Extra] = (),
    stage_languages: Sequence[Language] = (),
    suffix: str = "",
    dry: bool = False,
    say: Callable[[str], None] = lambda message: None,
) -> tuple[dict[str, Path], list[Path], dict[str, tuple[FontFace, ...]]]:
    """Return each language's font stylesheet, every file the stage relies on, and its faces.

    The faces are those the web edition serves with a language's pages: its
    own group's and the default group's (for the English fallback).

    `stage_languages` lists the languages whose texts the stage checks and whose fonts it
    makes (default: `languages`): the complete ones and those built, so that a
    build of one language and a build of all share a stage, and a language in
    progress that is not built is not checked.

    The stage is made only if it is not remembered with every file it names
    intact; `say` is told when it must be made (it takes a while). `suffix`
    names the faces of a second stage (the members'), apart from the first's.
    `dry` makes no subset: one that would be made is named as pending.
    """
    cache = Cache(paths.cache)
    every_language = list({lang.code: lang for lang in [*stage_languages, *languages]}.values())
    sources = sorted(
        [
            *paths.records.rglob("*.yaml"),
            *project.source_files(),
            *(language.catalog for language in every_language),
            *paths.templates.rglob("*"),
            *instruments.files,
        ]
    )
    key = digest(
        __version__,
        str(subsets),
        code_hash(),
        hash_files([p for p in sources if p.is_file()]),
        repr(list(extra)),
        suffix,
        *sorted(language.code for language in every_language),
    )
    stage = _recall(cache, key)
    if stage is None or any(language.code not in stage.css for language in languages):
        whose = "the members' fonts" if extra else "fonts"
        codes = ", ".join(language.code for language in languages)
        if not dry:
            say(f"preparing {whose} for {codes} …")
        css, files, faces = _prepare(
            project, instruments, every_language, paths, cache, subsets, extra, suffix, dry
        )
        if dry:
            return {language.code: Path(css[language.code]) for language in languages}, [], {}
        folder = cache.folder.resolve()
        ours = [p for p in files if p.resolve().is_relative_to(folder)]
        system = {str(p): system_identity(p) for p in files if p not in ours}
        stage = FontStage(  # the cache's own files by their place in it: a moved cache holds
            key=key,
            css={lang: _inside(cache, Path(p)) for lang, p in css.items()},
            files={_inside(cache, p): hashlib.sha256(p.read_bytes()).hexdigest() for p in ours},
            system={p: i for p, i in system.items() if i is not None},
            faces={
                lang: [(f.family, f.css_family, f.weight, _inside(cache, f.file)) for f in own]
                for lang, own in faces.items()
            },
        )
        cache.remember("fonts", stage)
    relied_on = [*(cache.folder / p for p in stage.files), *(Path(p) for p in stage.system)]
    fonts = {language.code: cache.folder / stage.css[language.code] for language in languages}
    served = {
        language.code: tuple(
            FontFace(family, css_family, weight, cache.folder / file)
            for family, css_family, weight, file in stage.faces.get(language.code, [])
        )
        for language in languages
    }
    return fonts, relied_on, served


def _inside(cache: Cache, path: Path) -> str:
    return str(path.resolve().relative_to(cache.folder.resolve()))


def _recall(cache: Cache, key: str) -> FontStage | None:
    """Return the stage if it and every file it names check out."""
    stage = cache.recall("fonts", key, FontStage)
    if stage is None:
        return None
    if any(name not in stage.files for name in stage.css.values()):
        return None
    for name, sha in stage.files.items():
        path = cache.folder / name
        if cache.blob(path) is None or file_hash(path) != sha:
            return None
    for name, identity in stage.system.items():
        if system_identity(Path(name)) != identity:
            return None
    return stage


def _prepare(
    project: Project,
    instruments: Instruments,
    languages: list[Language],
    paths: Paths,
    cache: Cache,
    subsets: bool,
    extra: Sequence[Extra],
    suffix: str = "",
    dry: bool = False,
) -> tuple[dict[str, str], list[Path], dict[str, list[FontFace]]]:
    from pipeline.records.texts import project_texts
    from pipeline.typeset.fonts import FontCache, Text, load_font_plan, prepare_fonts
    from pipeline.typeset.glyphs import missing_glyphs

    plan = load_font_plan(paths.templates)
    fonts = FontCache(cache, dry=dry)
    texts = [Text(*t) for t in project_texts(project, instruments, languages, paths.templates)]
    texts += [Text(*t) for t in extra]
    missing = missing_glyphs(texts, plan, fonts)
    if missing:
        raise BuildError(
            "characters that no chosen font can show:\n" + "\n".join(f"  {gap}" for gap in missing)
        )
    characters: dict[str, set[str]] = {}
    for text in texts:
        group = "*" if text.lang == "*" else plan.group_of(text.lang).name
        characters.setdefault(group, set()).update(text.characters)
    fontset = prepare_fonts(plan, characters, fonts, subsets=subsets, suffix=suffix)
    css_files: dict[str, str] = {}
    faces: dict[str, list[FontFace]] = {}
    used = [] if dry else [*fontset.files(), *(f.file.path for f in fontset.faces)]
    default = plan.groups[plan.default_group]
    for language in languages:
        css = fontset.css(language.code, subsets=subsets).encode()
        label = f"fonts-{language.code}{suffix.replace(' ', '-')}"
        path = cache.store("fonts", css, ".css", label)
        css_files[language.code] = str(path)
        used.append(path)
        own = plan.group_of(language.code)
        families = {*own.text, *own.heading, *default.text, *default.heading}
        faces[language.code] = [
            FontFace(face.family, face.css_family, face.weight, face.subset)
            for face in fontset.faces
            if face.family in families and face.subset is not None
        ]
    return css_files, used, faces
