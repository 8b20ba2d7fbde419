"""Faces by language and the font subset cache (the glyph coverage check: `glyphs`).

WeasyPrint spends most of a build subsetting the full system fonts (the
Noto CJK collections are 20-27 MB) every time it writes a PDF. Here each face
is cut down once, with fontTools, to the characters the whole project uses,
stored in a cache keyed by the font file and the character set, and given to
the documents through @font-face. A cache entry is checked against its
recorded hash before use, so a truncated or stale file is rebuilt, not used.
"""

from __future__ import annotations

import functools
import io
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache import Cache, Characters, Coverage, Subset, characters_key, digest
from pipeline.errors import BuildError
from pipeline.i18n.scripts import script_of

WEIGHTS = (400, 700)
# 2: CID-keyed CFF subsets number their CIDs as their glyph ids.
# 3: a subset keeps its source font's timestamps, so its bytes do not depend on when it was made.
# 4: kept in the one cache (pipeline/cache.py), subsets by the hash of their bytes.
# 5: a subset keeps the shaper's closure of its characters (shaping.py).
CACHE_VERSION = "5"
# Always present: digits and punctuation that page numbers, dates and tables use.
BASE_CHARACTERS = frozenset(chr(c) for c in range(0x20, 0x7F)) | frozenset("\u00a0–—‘’“”…·•×§ -")


@dataclass(frozen=True)
class Group:
    """A script group: the languages that share their text faces and heading faces.

    Each role is a fallback list: a character is drawn by the first family that
    has it (Noto Naskh Arabic, then Noto Serif for Latin letters and digits).
    """

    name: str
    languages: tuple[str, ...]
    text: tuple[str, ...]
    heading: tuple[str, ...]
    summary: str = "text"  # the role whose face sets the one-page summaries
    summary_bold: bool = True  # False: one weight only on those pages

    def families(self) -> dict[str, tuple[str, ...]]:
        return {"text": self.text, "heading": self.heading}


@dataclass(frozen=True)
class FontPlan:
    groups: dict[str, Group]
    default_group: str
    heading_selectors: str
    packages: dict[str, str]  # family -> the Debian package that provides it

    def group_of(self, lang: str) -> Group:
        for group in self.groups.values():
            if lang in group.languages:
                return group
        return self.groups[self.default_group]


def load_font_plan(templates: Path) -> FontPlan:
    """Read templates/fonts.yaml through its model: a typo is a located error, not a KeyError."""
    from pipeline.records.load import load_config
    from pipeline.records.models import FontsConfig

    config = load_config(templates / "fonts.yaml", FontsConfig)
    groups = {
        name: Group(
            name,
            tuple(spec.languages),
            tuple(spec.text),
            tuple(spec.heading),
            spec.summary,
            spec.summary_bold,
        )
        for name, spec in config.groups.items()
    }
    selectors = " ".join(config.heading_selectors.split())
    return FontPlan(groups, config.default_group, selectors, dict(config.packages))


@dataclass(frozen=True)
class FontFile:
    """A face as fontconfig finds it: file, index in a collection, and identity."""

    family: str
    weight: int
    path: Path
    index: int

    @property
    def identity(self) -> str:
        stat = self.path.stat()
        return f"{self.path}:{self.index}:{stat.st_size}:{stat.st_mtime_ns}"


def find_font(family: str, weight: int, package: str = "") -> FontFile:
    """Ask fontconfig for the file of a family; refuse a silent substitute."""
    return _find_font(family, weight, package)


@functools.cache
def _find_font(family: str, weight: int, package: str) -> FontFile:
    style = "bold" if weight >= 600 else "regular"
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{family[0]}\t%{file}\t%{index}", f"{family}:{style}"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise BuildError(f"cannot ask fontconfig for {family!r}: {error}") from None
    found, path, index = out.split("\t")
    if found != family:
        where = (
            f"install the Debian package {package}, which templates/fonts.yaml names for "
            "it (make build installs what fonts.yaml names)"
            if package
            else "name the Debian package that provides it under `packages` in templates/fonts.yaml"
        )
        raise BuildError(
            f"font {family!r} is not installed (fontconfig offers {found!r} instead): {where}"
        )
    return FontFile(family, weight, Path(path), int(index))


PENDING = "pending"  # in the name of a subset a dry run would make: no such file


class FontCache:
    """Subsets of system faces, and their character maps, in the build's cache.

    With `dry`, a subset not made before is not made: its name says it is
    pending, and its characters are remembered for `--explain`.
    """

    def __init__(self, cache: Cache, dry: bool = False) -> None:
        self.cache = cache
        self.dry = dry
        self._cmaps: dict[str, frozenset[int]] = {}

    def cmap(self, font: FontFile) -> frozenset[int]:
        """Return the code points a face covers (remembered: reading a TTC is slow)."""
        key = digest(CACHE_VERSION, "cmap", font.identity)
        if key in self._cmaps:
            return self._cmaps[key]
        remembered = self.cache.recall("fonts", key, Coverage)
        if remembered is not None:
            codepoints = frozenset(remembered.codepoints)
        else:
            from fontTools.ttLib import TTFont

            with TTFont(str(font.path), fontNumber=font.index, lazy=True) as face:
                codepoints = frozenset(face.getBestCmap())
            self.cache.remember("fonts", Coverage(key=key, codepoints=sorted(codepoints)))
        self._cmaps[key] = codepoints
        return codepoints

    def subset(self, font: FontFile, characters: Iterable[str], features: Iterable[str]) -> Path:
        """Return a subset of `font` with `characters` and the OpenType `features` their
        scripts need (see scripts.py), making it once.

        It keeps every character the shaper may look up for them (shaping.py):
        the key is made of what the subset keeps, so a shaper that asks for
        more makes another subset.
        """
        from pipeline.typeset.shaping import shaper_closure

        covered = self.cmap(font)
        wanted = sorted(
            shaper_closure(font.path, font.index, {ord(c) for c in characters}, covered)
        )
        kept = sorted(set(features))
        key = digest(
            CACHE_VERSION, "subset", font.identity, ",".join(map(str, wanted)), ",".join(kept)
        )
        remembered = self.cache.recall("fonts", key, Subset)
        if remembered is not None:
            path = self.cache.blob(self.cache.folder / "fonts" / remembered.blob)
            if path is not None:
                return path
        label = f"{font.family.replace(' ', '')}-{font.weight}"
        if self.dry:
            pending = self.cache.folder / "fonts" / f"{label}-{PENDING}-{key}.otf"
            self._remember_characters(pending.name, wanted)
            return pending
        from fontTools import subset

        options = subset.Options()
        options.layout_features = kept
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.font_number = font.index
        options.drop_tables += ["vhea", "vmtx", "VORG", "DSIG"]
        face = subset.load_font(str(font.path), options, dontLoadGlyphNames=True)
        face.recalcTimestamp = False  # the same subset, whenever and wherever it is made
        try:
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=wanted)
            subsetter.subset(face)
            buffer = io.BytesIO()
            face.save(buffer)
        finally:
            face.close()
        data = cids_as_glyph_ids(buffer.getvalue())
        path = self.cache.store("fonts", data, ".otf", label)
        self.cache.remember("fonts", Subset(key=key, blob=path.name, characters=len(wanted)))
        self._remember_characters(path.name, wanted)
        return path

    def _remember_characters(self, name: str, codepoints: list[int]) -> None:
        self.cache.remember("fonts", Characters(key=characters_key(name), codepoints=codepoints))


def cids_as_glyph_ids(data: bytes) -> bytes:
    """Number a CID-keyed CFF font's CIDs as its glyph ids; other fonts pass unchanged.

    WeasyPrint writes glyph ids as CIDs (Identity-H). A subset keeps the source
    font's CIDs (Noto CJK's run to 65,000) while its glyphs are renumbered from 0,
    so a reader that follows the PDF specification, looking each code up as a CID
    in the font's charset, finds the wrong glyph or none (MuPDF, Ghostscript,
    veraPDF); poppler and PDFium look codes up as glyph ids and hid the fault.
    Only the charset changes: every other table refers to glyphs by id.
    """
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False) as face:
        if "CFF " not in face or not hasattr(face["CFF "].cff.topDictIndex[0], "ROS"):
            return data
        top = face["CFF "].cff.topDictIndex[0]
        old = face.getGlyphOrder()
        new = [".notdef", *(f"cid{gid:05d}" for gid in range(1, len(old)))]
        strings = top.CharStrings.charStrings
        top.CharStrings.charStrings = {
            name: strings[was] for was, name in zip(old, new, strict=True)
        }
        top.charset = new
        face.setGlyphOrder(new)
        buffer = io.BytesIO()
        face.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Face:
    """A face as the documents see it: a private family name and its file.

    One subset per family and weight serves every group that lists the family,
    cut to the characters of all of them.
    """

    css_family: str
    family: str
    weight: int
    file: FontFile
    subset: Path | None


@dataclass(frozen=True)
class FontSet:
    plan: FontPlan
    faces: list[Face]
    suffix: str = ""  # after "<family> subset": the members' stage has names of its own

    def css(self, lang: str, subsets: bool = True) -> str:
        """Return the font CSS of a document in `lang`: @font-face rules and faces by language.

        A subset is named relative to the stylesheet, which is kept beside it in
        the cache, so the CSS (and every document's inputs) is the same wherever
        the cache folder is.
        """
        lines = ["/* Generated by pipeline/fonts.py from templates/fonts.yaml. */"]
        if subsets:
            for face in self.faces:
                assert face.subset is not None
                lines.append(
                    f'@font-face {{ font-family: "{face.css_family}"; '
                    f'src: url("{face.subset.name}"); '
                    f"font-weight: {face.weight}; font-style: normal; }}"
                )
        own = self.plan.group_of(lang).name

        def name(group: str, role: str) -> str:
            # A run in another script falls back to the document's own faces, never
            # to whatever fontconfig finds: Japanese quotation marks around an
            # English quotation are drawn by the English run.
            families = self.plan.groups[group].families()[role]
            if group != own:
                families += self.plan.groups[own].families()[role]
            names = (
                f"{family} subset{self.suffix}" if subsets else family
                for family in dict.fromkeys(families)
            )
            return ", ".join(f'"{family}"' for family in names)

        lines.append(f"html {{ font-family: {name(own, 'text')}; }}")
        lines.append(
            f"@page {{ @top-left {{ font-family: {name(own, 'heading')}; }} "
            f"@top-center {{ font-family: {name(own, 'heading')}; }} "
            f"@top-right {{ font-family: {name(own, 'heading')}; }} "
            f"@bottom-center {{ font-family: {name(own, 'heading')}; }} }}"
        )
        heading = self.plan.heading_selectors
        for group in self.plan.groups.values():
            langs = group.languages if group.name != own else (*group.languages, lang)
            any_lang = ", ".join(f":lang({code})" for code in dict.fromkeys(langs))
            lines.append(f"{any_lang} {{ font-family: {name(group.name, 'text')}; }}")
            in_heading = ", ".join(
                f":is({heading}):lang({code}), :is({heading}) :lang({code})"
                for code in dict.fromkeys(langs)
            )
            lines.append(f"{in_heading} {{ font-family: {name(group.name, 'heading')}; }}")
            if group.summary != "text" or not group.summary_bold:
                in_summary = ", ".join(
                    f".summary:lang({code}), .summary :lang({code})"
                    for code in dict.fromkeys(langs)
                )
                weight = "" if group.summary_bold else " font-weight: 400;"
                lines.append(
                    f"{in_summary} {{ font-family: {name(group.name, group.summary)};{weight} }}"
                )
        untracked = [code for code in _languages(self.plan, lang) if not script_of(code).tracked]
        if untracked:  # letter-spacing would pull joined letters and clusters apart
            lines.append(
                ", ".join(f":lang({code})" for code in untracked)
                + " { letter-spacing: 0 !important; }"
            )
        lines.extend(_justification(self.plan, lang))
        return "\n".join(lines) + "\n"

    def files(self) -> list[Path]:
        return [f.subset for f in self.faces if f.subset is not None]


def _languages(plan: FontPlan, lang: str) -> list[str]:
    """The languages a document's font CSS may meet: its own and every group's."""
    return list(dict.fromkeys([*(c for g in plan.groups.values() for c in g.languages), lang]))


def _justification(plan: FontPlan, lang: str) -> list[str]:
    """Set `--justify`, which justified paragraphs take as their alignment (pack.css).

    A language whose spaces end phrases, not words (Thai: scripts.py), is set
    ragged; a run in another language inside it (the English fallback) is
    justified as in its own documents. Nothing without such a language.
    """
    ragged = [code for code in _languages(plan, lang) if not script_of(code).justified]
    if not ragged:
        return []
    return [
        ", ".join(f":lang({code})" for code in ragged) + " { --justify: start; }",
        "".join(f":not(:lang({code}))" for code in ragged) + " { --justify: justify; }",
    ]


def prepare_fonts(
    plan: FontPlan,
    characters: dict[str, set[str]],
    cache: FontCache,
    subsets: bool = True,
    suffix: str = "",
) -> FontSet:
    """Find every face and, with `subsets`, cut it down to the characters of its groups.

    Each face's CSS family is "<family> subset<suffix>": two stages' faces in one
    WeasyPrint font configuration (a worker's) must not share a family name, or
    a document is drawn with the other stage's subset and loses glyphs.
    """
    wanted: dict[str, set[str]] = {}
    features: dict[str, list[str]] = {}
    for group in plan.groups.values():
        chars = characters.get(group.name, set()) | characters.get("*", set()) | BASE_CHARACTERS
        needs = [f for code in group.languages for f in script_of(code).features]
        for families in group.families().values():
            for family in families:
                wanted.setdefault(family, set()).update(chars)
                features.setdefault(family, []).extend(needs)
    faces = []
    for family in wanted:
        for weight in WEIGHTS:
            file = find_font(family, weight, plan.packages.get(family, ""))
            subset = cache.subset(file, wanted[family], features[family]) if subsets else None
            faces.append(Face(f"{family} subset{suffix}", family, weight, file, subset))
    return FontSet(plan, faces, suffix)


@dataclass(frozen=True)
class Text:
    """A text the documents may show, and where it comes from, for error messages."""

    origin: str
    field: str
    lang: str
    text: str

    @property
    def characters(self) -> str:
        """The characters it may reach a page with: as written and in capitals.

        Headings, table heads and kickers are set with `text-transform:
        uppercase`, which asks for letters (Ы, Ю, Ц) the text itself may not have.
        """
        return "".join(dict.fromkeys(self.text + self.text.upper()))
