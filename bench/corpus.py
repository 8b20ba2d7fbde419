"""Generate record folders of any size from the project's own statements.

The benchmarks need many statements that `briefing validate` and `briefing
build` accept, of the same size and shape as the real ones, so that their
timings say something about the real records. Each clone is a seed file with
only its id (and its meeting ordinal) changed, textually: the YAML stays
byte for byte what a person wrote, so parsing costs what it costs on the
seeds. The coalition record is rewritten to list one meeting per clone, as
the cross-file rules require (`pipeline/validate.py`).
"""

from __future__ import annotations

import copy
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PREFIX = "bench"


@dataclass(frozen=True)
class Seed:
    """A statement of the project to clone, with its translations (by language)."""

    id: str
    ordinal: int
    text: str
    translations: dict[str, str]


@dataclass(frozen=True)
class Corpus:
    """What was generated, for the report."""

    folder: Path
    statements: list[str]
    translations: int
    files: int
    bytes: int


class CorpusError(Exception):
    """The seed records no longer have the shape the generator relies on."""


def clone_id(number: int) -> str:
    """Return the id of clone `number`, which is also its file stem (validate requires it)."""
    return f"{PREFIX}-{number:04d}"


def load_seeds(records: Path) -> list[Seed]:
    """Read the statements of `records` and their translations, in file-name order."""
    seeds = []
    for path in sorted(records.glob("*.yaml")):
        if path.name.count(".") != 1:
            continue  # a translation, read below with its statement
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        if not isinstance(data, dict) or data.get("kind") != "statement":
            continue
        translations = {
            t.name.split(".")[1]: t.read_text(encoding="utf-8")
            for t in sorted(records.glob(f"{data['id']}.*.yaml"))
        }
        seeds.append(Seed(data["id"], int(data["meeting"]["ordinal"]), text, translations))
    if not seeds:
        raise CorpusError(f"no statements to clone in {records}/")
    return seeds


def _replace_once(text: str, pattern: str, replacement: str, what: str) -> str:
    """Substitute one line, and fail loudly if the seed's layout changed."""
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise CorpusError(f"cannot find {pattern!r} in {what}")
    return new


def clone_statement(seed: Seed, new_id: str, ordinal: int) -> str:
    """Return the seed's text under a new id and meeting ordinal."""
    text = _replace_once(seed.text, rf"^id: {re.escape(seed.id)}$", f"id: {new_id}", seed.id)
    return _replace_once(text, r"^  ordinal: \d+$", f"  ordinal: {ordinal}", seed.id)


def clone_translation(seed: Seed, lang: str, new_id: str) -> str:
    """Return the seed's `lang` translation pointing at the clone."""
    return _replace_once(
        seed.translations[lang],
        rf"^statement: {re.escape(seed.id)}$",
        f"statement: {new_id}",
        f"{seed.id}.{lang}",
    )


def coalition_for(original: dict[str, Any], clones: list[tuple[str, Seed, int]]) -> dict[str, Any]:
    """Return the coalition record with one meeting per clone, dated as its seed's meeting.

    Editorial notes keep pointing at real things: a seed's id becomes its first
    clone's, and a seed's meeting ordinal its first clone's ordinal.
    """
    meetings = {m["ordinal"]: m for m in original["meetings"]}
    missing = {seed.id for _, seed, _ in clones if seed.ordinal not in meetings}
    if missing:
        raise CorpusError(f"coalition.yaml has no meeting for {', '.join(sorted(missing))}")
    coalition = copy.deepcopy(original)
    coalition["meetings"] = []
    first_id: dict[str, str] = {}
    first_ordinal: dict[int, int] = {}
    for new_id, seed, ordinal in clones:
        meeting = copy.deepcopy(meetings[seed.ordinal])
        meeting["ordinal"], meeting["statement"] = ordinal, new_id
        coalition["meetings"].append(meeting)
        first_id.setdefault(seed.id, new_id)
        first_ordinal.setdefault(seed.ordinal, ordinal)
    for note in coalition.get("notes", []):
        if "statements" in note:
            note["statements"] = [first_id[s] for s in note["statements"] if s in first_id]
        if "meetings" in note:
            note["meetings"] = [first_ordinal[m] for m in note["meetings"] if m in first_ordinal]
    return coalition


class _NoAliases(yaml.SafeDumper):
    """The project's reader refuses YAML aliases, so never write any."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10_000)


def make_corpus(records: Path, folder: Path, count: int, languages: tuple[str, ...] = ()) -> Corpus:
    """Write `count` statements cloned from `records` (alternating seeds) into `folder`.

    Each clone gets the id `bench-NNNN`, file `bench-NNNN.yaml`, meeting
    ordinal NNNN, and its seed's translations into `languages`. The
    vocabulary, the coalition's translations and the vocabulary's are copied, and
    the project's sources beside the folder.
    """
    seeds = load_seeds(records)
    if count < len(seeds):
        raise CorpusError(f"a corpus needs at least {len(seeds)} statements, one per seed")
    folder.mkdir(parents=True, exist_ok=True)
    clones = [(clone_id(n), seeds[(n - 1) % len(seeds)], n) for n in range(1, count + 1)]
    translations = 0
    for new_id, seed, ordinal in clones:
        (folder / f"{new_id}.yaml").write_text(
            clone_statement(seed, new_id, ordinal), encoding="utf-8"
        )
        for lang in languages:
            if lang in seed.translations:
                (folder / f"{new_id}.{lang}.yaml").write_text(
                    clone_translation(seed, lang, new_id), encoding="utf-8"
                )
                translations += 1
    original = yaml.safe_load((records / "coalition.yaml").read_text(encoding="utf-8"))
    (folder / "coalition.yaml").write_text(
        dump_yaml(coalition_for(original, clones)), encoding="utf-8"
    )
    for pattern in ("vocabulary*.yaml", "coalition.*.yaml"):
        for path in records.glob(pattern):
            shutil.copy2(path, folder / path.name)
    sources = folder.parent / "sources"  # the records cite them: `sources/` beside the folder
    if not sources.exists() and (records.parent / "sources").is_dir():
        shutil.copytree(records.parent / "sources", sources)
    files = list(folder.glob("*.yaml"))
    return Corpus(
        folder,
        [c[0] for c in clones],
        translations,
        len(files),
        sum(p.stat().st_size for p in files),
    )


@dataclass(frozen=True)
class RecipientsFile:
    """A generated recipients file, and who is in it (for the report)."""

    path: Path
    count: int
    countries: dict[str, int]
    languages: dict[str, int]


def coalition_countries(records: Path) -> list[str]:
    """Return the coalition's countries: its founding countries and where it met."""
    coalition = yaml.safe_load((records / "coalition.yaml").read_text(encoding="utf-8"))
    found = {c for entry in coalition.get("founding_countries", []) for c in entry["countries"]}
    found |= {m["country"] for m in coalition.get("meetings", []) if "country" in m}
    return sorted(found)


def _reader_pairs(countries: list[str], languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (country, language) pairs: each country in its official languages that have a
    catalog, then each remaining language with a coalition country in turn.

    A member reads their country's language (CLDR's official languages); a
    language no coalition country speaks (Chinese) is read by members abroad.
    One pair of each language comes first, so a few recipients cover every language.
    """
    from babel.languages import get_official_languages

    pairs: list[tuple[str, str]] = []
    for country in countries:
        spoken = [
            lang for lang in get_official_languages(country, de_facto=True) if lang in languages
        ]
        pairs += [(country, lang) for lang in spoken or languages[:1]]
    unread = [lang for lang in languages if lang not in {lang for _, lang in pairs}]
    pairs += [(countries[i % len(countries)], lang) for i, lang in enumerate(unread)]
    first = {lang: pair for pair in reversed(pairs) for lang in [pair[1]]}
    return sorted(pairs, key=lambda pair: first[pair[1]] != pair)  # every language early


def make_recipients(
    examples: Path, records: Path, path: Path, count: int, languages: tuple[str, ...]
) -> RecipientsFile:
    """Write `count` fictional recipients across the coalition's countries and `languages`.

    Each takes its honorific, chamber and name from an example recipient of the
    same language (its paper from one of the same country), so every recipient
    is as plainly fictional as the examples; a language without an example gets
    an English placeholder that says so.
    """
    seeds: list[dict[str, Any]] = yaml.safe_load(examples.read_text(encoding="utf-8"))["recipients"]
    by_language = {s["language"]: s for s in reversed(seeds)}
    paper = {s["country"]: s["paper"] for s in reversed(seeds)}
    pairs = _reader_pairs(coalition_countries(records), languages)
    recipients = []
    for number in range(1, count + 1):
        country, lang = pairs[(number - 1) % len(pairs)]
        seed = by_language.get(lang)
        recipients.append(
            {
                "id": f"scale-{number:04d}-{country.lower()}-{lang}",
                "name": f"{seed['name']} {number}"
                if seed
                else f"Example Member {number} (fictional)",
                "honorific": seed["honorific"] if seed else "Member",
                "chamber": seed["chamber"] if seed else "Parliament (example)",
                "country": country,
                "language": lang,
                "paper": paper.get(country, "A4"),
            }
        )
    header = (
        "# EXAMPLES ONLY: generated by bench/corpus.py for the scale benchmark. Every\n"
        "# recipient is fictional, cloned from examples/recipients.yaml; none of them is\n"
        "# a real member of parliament.\n"
    )
    document = {"kind": "recipients", "examples": True, "recipients": recipients}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + dump_yaml(document), encoding="utf-8")
    return RecipientsFile(
        path,
        count,
        dict(Counter(r["country"] for r in recipients)),
        dict(Counter(r["language"] for r in recipients)),
    )


def edit_overview(records: Path) -> tuple[str, str, str]:
    """Reverse one word of the first statement's overview: same characters, same length."""
    for path in sorted(records.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if path.name.count(".") != 1 or not re.search(r"^kind: statement$", text, re.M):
            continue
        block = re.search(r"^overview:.*\n((?:[ \t]+.*\n)+)", text, re.M)
        word = re.search(r"\b[a-z]{6,}\b", block.group(1)) if block else None
        if block is None or word is None or word.group(0) == word.group(0)[::-1]:
            continue
        start = block.start(1) + word.start()
        new = word.group(0)[::-1]
        path.write_text(text[:start] + new + text[start + len(new) :], encoding="utf-8")
        return path.stem, word.group(0), new
    raise CorpusError(f"no statement in {records} has an overview word to change")
