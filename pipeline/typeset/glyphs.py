"""The glyph gate: a chosen face for every character a document may show, or what to add.

A problem is one line a user can act on: a language whose script has no group
in templates/fonts.yaml (with a group to add, from the faces fontconfig has
for the language), or the characters one role of a group cannot draw.
"""

from __future__ import annotations

import functools
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.i18n.scripts import script_of
from pipeline.typeset.fonts import FontCache, FontPlan, Text, find_font

SHOWN = 12  # characters named in one line; the rest are counted
_SPACES = frozenset(ord(c) for c in " \t\n\r\u00a0\u2028\u2029\u200b")


@dataclass(frozen=True)
class MissingGlyph:
    """Characters no face of one role of one group has, or a language whose script has no group."""

    group: str
    role: str  # "text", "heading"; "" for a language with no group of its script (every role)
    families: tuple[str, ...]
    characters: tuple[str, ...]
    places: tuple[Text, ...]  # where the first character occurs
    language: str = ""  # the language without a group of its script
    script: str = ""
    example: str = ""  # a group to add, as it would read in fonts.yaml

    def __str__(self) -> str:
        if self.language:
            return (
                f"language {self.language} (script {self.script}) has no group in "
                f"templates/fonts.yaml; add one, for example {self.example}. Until then its "
                f"texts have {_count(self.characters)} in no face of {self.group}: "
                f"{_listed(self.characters)}, {_where(self.places)}"
            )
        where = "any group" if self.group == "*" else f"group {self.group}"
        role = "" if self.group == "*" else f"{self.role} "
        add = (
            "a family that has them to `text` of a group"
            if self.group == "*"
            else f"a family that has them to `{self.role}` of {self.group}"
        )
        return (
            f"{_count(self.characters)} {'is' if len(self.characters) == 1 else 'are'} "
            f"in no {role}face of {where} "
            f"({', '.join(self.families)}): {_listed(self.characters)}, {_where(self.places)}. "
            f"Add {add} in templates/fonts.yaml, or change the text"
        )


def _count(characters: tuple[str, ...]) -> str:
    return "1 character" if len(characters) == 1 else f"{len(characters)} characters"


def _listed(characters: tuple[str, ...]) -> str:
    named = [f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in characters[:SHOWN]]
    more = f" and {len(characters) - SHOWN} more" if len(characters) > SHOWN else ""
    return ", ".join(named) + more


def _where(places: tuple[Text, ...]) -> str:
    first = places[0]
    more = f" and {len(places) - 1} more places" if len(places) > 1 else ""
    return f"the first used in {first.origin}, field {first.field}, language {first.lang}{more}"


def missing_glyphs(texts: Iterable[Text], plan: FontPlan, cache: FontCache) -> list[MissingGlyph]:
    """Every problem of coverage, one per group and role (or per language without a group).

    Every role (text and heading, which also sets the summaries) must draw every
    character with one of its families: otherwise fontconfig would fall back to a
    font the project did not choose. A text in language "*" (the templates' own
    characters) needs only some face of some group. A language in no group whose
    script is not one of the default group's needs a group of its own, not a
    family added to the default group: that is what it is told.
    """
    covered: dict[str, frozenset[int]] = {}

    def cmap(family: str) -> frozenset[int]:
        if family not in covered:
            covered[family] = cache.cmap(find_font(family, 400, plan.packages.get(family, "")))
        return covered[family]

    def drawn(character: str, families: tuple[str, ...]) -> bool:
        return any(ord(character) in cmap(family) for family in families)

    default = plan.groups[plan.default_group]
    grouped = {lang for group in plan.groups.values() for lang in group.languages}
    default_scripts = {script_of(lang).code for lang in default.languages}
    every = tuple(dict.fromkeys(f for g in plan.groups.values() for f in g.text))
    # (group, role, families, language without a group) -> character -> where it occurs
    found: dict[tuple[str, str, tuple[str, ...], str], dict[str, list[Text]]] = {}
    checked: dict[tuple[str, tuple[str, ...]], bool] = {}
    for text in texts:
        homeless = ""
        if text.lang == "*":
            needs = [("*", "text", every)]
        else:
            group = plan.group_of(text.lang)
            needs = [(group.name, role, families) for role, families in group.families().items()]
            if text.lang not in grouped and script_of(text.lang).code not in default_scripts:
                homeless = text.lang
        for character in text.characters:
            if (character.isspace() and character != "\u3000") or ord(character) in _SPACES:
                continue
            for group_name, role, families in needs:
                if (character, families) not in checked:
                    checked[(character, families)] = drawn(character, families)
                if not checked[(character, families)]:
                    # A language without a group: one problem, whatever the role.
                    key = (
                        (group_name, "", (), homeless)
                        if homeless
                        else (group_name, role, families, "")
                    )
                    found.setdefault(key, {}).setdefault(character, []).append(text)
    problems = []
    for (group_name, role, families, homeless), characters in found.items():
        first = next(iter(characters.values()))
        if homeless:
            script = script_of(homeless).code
            problems.append(
                MissingGlyph(
                    group_name,
                    "",
                    (),
                    tuple(characters),
                    tuple(dict.fromkeys(first)),
                    homeless,
                    script,
                    suggest_group(homeless, script, plan),
                )
            )
        else:
            problems.append(
                MissingGlyph(
                    group_name, role, families, tuple(characters), tuple(dict.fromkeys(first))
                )
            )
    return problems


def suggest_group(lang: str, script: str, plan: FontPlan) -> str:
    """A group for a language's script, from the Noto faces fontconfig has for the language.

    Each role falls back to the default group's face of that role, for the Latin
    letters and digits a face of another script lacks (as for Arabic).
    """
    from babel import Locale

    name = (Locale("en").scripts.get(script) or script).lower().replace(" ", "-")
    faces = _installed_faces(lang)
    serif = _plainest(faces, "Noto Serif ")
    sans = _plainest(faces, "Noto Sans ")
    default = plan.groups[plan.default_group]
    if not (serif or sans):
        return (
            f"a group `{name}` listing families that fontconfig has for {lang} "
            f"(`fc-list :lang={lang} family`); none is installed here (on Debian, "
            "fonts-noto-core and fonts-noto-extra cover most scripts)"
        )
    text = [serif or sans, *default.text]
    heading = [sans or serif, *default.heading]
    group = (
        f"`{name}: {{languages: [{lang}], text: [{', '.join(text)}], "
        f"heading: [{', '.join(heading)}]}}` under groups"
    )
    packages = [
        f"`{family}: {faces[family]}`"
        for family in dict.fromkeys(f for f in (serif, sans) if f)
        if faces[family]
    ]
    return group + (f", and {' and '.join(packages)} under packages" if packages else "")


def _plainest(faces: dict[str, str], prefix: str) -> str:
    """The shortest family name with a prefix ("Noto Sans Thai" before "Noto Sans Thai Looped")."""
    named = [f for f in faces if f.startswith(prefix) and not {"Mono", "UI"} & set(f.split())]
    return min(named, key=lambda f: (len(f), f)) if named else ""


@functools.cache
def _installed_faces(lang: str) -> dict[str, str]:
    """Each family fontconfig has for a language, with its Debian package ("" if unknown)."""
    try:
        out = subprocess.run(
            ["fc-list", f":lang={lang}", "family", "file"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    files: dict[str, str] = {}
    for line in out.splitlines():
        path, _, families = line.partition(": ")
        family = families.split(",")[0].strip()
        if family:
            files.setdefault(family, path)
    return {family: _package(path) for family, path in files.items()}


def _package(path: str) -> str:
    try:
        out = subprocess.run(
            ["dpkg-query", "-S", path], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.split(":")[0].strip() if ":" in out else ""
