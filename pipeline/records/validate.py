"""Rules that span files: unique ids, known references, aligned translations."""

from __future__ import annotations

import difflib
import functools
import hashlib
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import SOURCES, Paths, sources_folder
from pipeline.errors import Problem, RecordError
from pipeline.records.load import (
    Loaded,
    LoadedFile,
    find_record_files,
    load_file,
    load_records,
    paused_gc,
)
from pipeline.records.models import (
    DEFAULT_PACK,
    RESERVED_IDS,
    Ask,
    Coalition,
    CoalitionTranslation,
    MeetingRecord,
    Packs,
    ParagraphTranslation,
    Recipients,
    ResolutionTranslation,
    SourceDocument,
    Statement,
    StatementTranslation,
    Vocabulary,
    VocabularyTranslation,
    printed_verb,
)
from pipeline.records.overlay import Aligned, aligned
from pipeline.records.project import Project
from pipeline.records.textpolicy import text_problems

CONTEXT_FILES = ("vocabulary.yaml", "coalition.yaml")

if TYPE_CHECKING:
    from pipeline.records.instruments import Instruments


def check_records(paths: Sequence[Path], folders: Paths) -> tuple[Project, list[Problem], int]:
    """Load and check every record under `paths`; return the project, problems, file count.

    `folders` are the command's own (catalogs, instruments): a record is checked
    against the languages and instruments the build will use, not the tool's.
    """
    with paused_gc():
        return _check_records(paths, folders)


def _check_records(paths: Sequence[Path], folders: Paths) -> tuple[Project, list[Problem], int]:
    instruments = _instruments(folders.instruments)
    loaded = load_records(paths)
    given = {f.path for f in loaded.files}
    _add_context(loaded)
    problems = list(loaded.problems)
    # Statements whose file has problems of its own: not "unknown" where they are referred to.
    unreadable = {p.path.name.rsplit(".", 1)[0] for p in loaded.problems}
    problems += _unique_ids(loaded, instruments)
    problems += _required_records(loaded)
    for loaded_file in loaded.files:
        problems += text_problems(loaded_file)
    vocabulary = _single(loaded, Vocabulary, problems)
    coalition = _single(loaded, Coalition, problems)
    statements = {f.record.id: f for f in loaded.of_kind(Statement)}
    sources: dict[str, SourceDocument] = {}
    for loaded_file in loaded.of_kind(SourceDocument):
        problems += _source_problems(loaded_file, sources)
        sources.setdefault(loaded_file.record.id, loaded_file.record)
    if vocabulary is not None:
        for loaded_file in loaded.of_kind(Statement):
            problems += _references(loaded_file, vocabulary.record)
    for loaded_file in statements.values():
        problems += [
            loaded_file.problem(("sources", index, "source"), _unknown_source(ref.source, sources))
            for index, ref in enumerate(loaded_file.record.sources)
            if ref.source not in sources
        ]
    if coalition is not None:
        if coalition.path in given:  # read only as context, it need not list just these
            problems += _coalition_references(
                coalition, statements.keys() | unreadable, sources.keys()
            )
        for loaded_file in statements.values():
            problems += _statement_against_coalition(
                loaded_file, coalition.record, coalition.record.meetings
            )
    translations: dict[tuple[str, str], StatementTranslation] = {}
    for loaded_file in loaded.of_kind(StatementTranslation):
        record: StatementTranslation = loaded_file.record
        original = statements.get(record.statement)
        if original is None:
            if record.statement not in unreadable:
                problems.append(
                    loaded_file.problem(("statement",), f"unknown statement {record.statement!r}")
                )
            continue
        problems += _alignment(loaded_file, original.record)
        problems += _official_quotations(loaded_file, original.record, instruments)
        problems += _stale_translations(loaded_file, original.record)
        translations[(record.statement, record.translation.language)] = record
    for loaded_file in loaded.of_kind(Recipients):
        problems += recipient_problems(loaded_file, folders.locales)
    packs = _single(loaded, Packs, problems)
    if packs is not None:
        by_date = sorted(statements.values(), key=lambda f: f.record.adopted)
        problems += pack_problems(packs, [f.record.id for f in by_date], unreadable)
    for loaded_file in statements.values():
        country = loaded_file.record.meeting.country
        if country is not None and country not in known_countries():
            problems.append(
                loaded_file.problem(("meeting", "country"), f"unknown country code {country!r}")
            )
    extra: dict[tuple[str, str], object] = {}
    for loaded_file in loaded.of_kind(VocabularyTranslation) + loaded.of_kind(CoalitionTranslation):
        record_t = loaded_file.record
        base = "vocabulary" if isinstance(record_t, VocabularyTranslation) else "coalition"
        extra[(base, record_t.translation.language)] = record_t
        if base == "vocabulary" and vocabulary is not None:
            problems += _vocabulary_alignment(loaded_file, vocabulary.record)
        if base == "coalition" and coalition is not None:
            known = {n.id for n in coalition.record.notes}
            for index, note in enumerate(record_t.notes):
                if note.id not in known:
                    problems.append(
                        loaded_file.problem(("notes", index, "id"), f"unknown note {note.id!r}")
                    )
    files = {_file_key(f.record): f.path for f in loaded.files}
    # Documents of one day keep the order the coalition record lists them in, not their files'.
    order = {
        statement_id: index
        for index, statement_id in enumerate(
            s for m in (coalition.record.meetings if coalition else []) for s in m.documents
        )
    }
    project = Project(
        statements={
            k: f.record
            for k, f in sorted(
                statements.items(),
                key=lambda kv: (kv[1].record.adopted, order.get(kv[0], len(order))),
            )
        },
        translations=translations,
        coalition=coalition.record if coalition else None,
        vocabulary=vocabulary.record if vocabulary else None,
        files=files,
        extra=extra,
        sources=sources,
        packs=packs.record if packs else None,
    )
    checked = len({f.path for f in loaded.files} | {p.path for p in loaded.problems})
    return project, sorted(set(problems)), checked


def load_project(paths: Sequence[Path], folders: Paths) -> Project:
    """Return the project's records, or raise every problem found in them."""
    project, problems, _ = check_records(paths, folders)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise RecordError(errors)
    return project


def _add_context(loaded: Loaded) -> None:
    """Read the vocabulary, coalition and originals beside the files given, if not given."""
    given = {f.path for f in loaded.files} | {p.path for p in loaded.problems}
    wanted = {
        folder / name for folder in {f.path.parent for f in loaded.files} for name in CONTEXT_FILES
    }
    wanted |= {
        f.path.with_name(f"{f.record.statement}.yaml")
        for f in loaded.files
        if isinstance(f.record, StatementTranslation)
    }
    wanted |= {  # the statements a pack names, so that packs.yaml can be checked alone
        f.path.with_name(f"{statement}.yaml")
        for f in loaded.files
        if isinstance(f.record, Packs)
        for pack in f.record.packs
        for choice in (pack.full, pack.summaries)
        if isinstance(choice, list)
        for statement in choice
    }
    folders = {sources_folder(f.path.parent) for f in loaded.files}
    wanted |= set(find_record_files([folder for folder in folders if folder.is_dir()])[0])
    have: set[Path] | None = None  # resolved: asked for only when a name was not given as is
    for path in sorted(wanted):
        if path in given or not path.is_file():
            continue
        if have is None:
            have = {p.resolve() for p in given}
        if path.resolve() not in have:
            have.add(path.resolve())
            record, problems = load_file(path)
            if record is not None:
                loaded.files.append(record)
            loaded.problems.extend(problems)


def _single(loaded: Loaded, model: type, problems: list[Problem]) -> LoadedFile | None:
    found = loaded.of_kind(model)
    for extra in found[1:]:
        problems.append(
            extra.problem(
                ("kind",), f"a second {model.__name__.lower()} record; the first is {found[0].path}"
            )
        )
    return found[0] if found else None


def _required_records(loaded: Loaded) -> list[Problem]:
    """Statements need a vocabulary and a coalition record beside them: the build reads both."""
    needing = loaded.of_kind(Statement) + loaded.of_kind(StatementTranslation)
    if not needing:
        return []
    folder = needing[0].path.parent
    problems = []
    for model, name in ((Vocabulary, "vocabulary.yaml"), (Coalition, "coalition.yaml")):
        if not loaded.of_kind(model) and not any(p.path.name == name for p in loaded.problems):
            problems.append(
                Problem(
                    folder / name,
                    1,
                    1,
                    "",
                    f"required record missing: the statements need {name} "
                    f"in {folder}/ (kind: {name.removesuffix('.yaml')})",
                )
            )
    return problems


def _unique_ids(loaded: Loaded, instruments: Instruments) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, LoadedFile] = {}
    reserved = RESERVED_IDS | instruments.records.keys()
    for loaded_file in loaded.of_kind(Statement):
        key = loaded_file.record.id
        if key in reserved:
            problems.append(
                loaded_file.problem(
                    ("id",),
                    f"{key!r} is reserved: it names another record "
                    f"({', '.join(sorted(reserved))}); choose another id",
                )
            )
        if key in first:
            other = first[key]
            line = other.document.position(("id",))[0]
            problems.append(
                loaded_file.problem(
                    ("id",), f"duplicate id {key!r}: also used in {other.path}:{line}"
                )
            )
        else:
            first[key] = loaded_file
    for loaded_file in loaded.of_kind(Vocabulary):
        for list_name in ("actors", "themes"):
            seen: set[str] = set()
            for index, entry in enumerate(getattr(loaded_file.record, list_name)):
                if entry.id in seen:
                    problems.append(
                        loaded_file.problem(
                            (list_name, index, "id"), f"duplicate {list_name[:-1]} id {entry.id!r}"
                        )
                    )
                seen.add(entry.id)
    first_source: dict[str, Path] = {}
    for loaded_file in loaded.of_kind(SourceDocument):
        source_id = loaded_file.record.id
        if source_id in first_source:
            problems.append(
                loaded_file.problem(
                    ("id",),
                    f"duplicate source id {source_id!r} (first in {first_source[source_id]})",
                )
            )
        first_source.setdefault(source_id, loaded_file.path)
    for loaded_file in loaded.of_kind(Coalition):
        record: Coalition = loaded_file.record
        for list_name, key in (("notes", "id"), ("meetings", "ordinal")):
            known: set[object] = set()
            for index, entry in enumerate(getattr(record, list_name)):
                value = getattr(entry, key)
                if value in known:
                    problems.append(
                        loaded_file.problem(
                            (list_name, index, key), f"duplicate {list_name[:-1]} {key} {value!r}"
                        )
                    )
                known.add(value)
    return problems


def _references(loaded_file: LoadedFile, vocabulary: Vocabulary) -> list[Problem]:
    """Every addressee, concern and theme must be in the vocabulary."""
    actors = {a.id for a in vocabulary.actors}
    themes = {t.id for t in vocabulary.themes}
    statement: Statement = loaded_file.record
    problems: list[Problem] = []

    def check(where: tuple[str | int, ...], values: list[str], known: set[str], what: str) -> None:
        for index, value in enumerate(values):
            if value not in known:
                problems.append(
                    loaded_file.problem(
                        (*where, index), f"unknown {what} {value!r}{_suggest(value, known)}"
                    )
                )

    check(("issuers",), statement.issuers, actors, "actor")
    coalition = [a.id for a in vocabulary.actors if a.kind == "coalition"]
    if statement.issuers and not set(statement.issuers) & set(coalition):
        problems.append(
            loaded_file.problem(
                ("issuers",),
                f"the coalition ({', '.join(coalition) or 'an actor of kind coalition'}) is "
                "not among the issuers: the packs hold only documents the coalition adopted, "
                "and a document it received (one addressed to it) is not its statement; "
                "keep such a document in sources/, not in the statements",
            )
        )
    check(("themes",), statement.themes, themes, "theme")
    for p_index, paragraph in enumerate(statement.preamble):
        check(("preamble", p_index, "themes"), paragraph.themes, themes, "theme")

    def printed(
        where: tuple[str | int, ...], text: str, action: str | None, ask: Ask | None
    ) -> None:
        if ask is None or printed_verb(text, action, ask) is not None:
            return
        verb = ask.printed or ask.verb
        problems.append(
            loaded_file.problem(
                (*where, "ask"),
                (
                    f"the verb {verb!r} is not in the paragraph, so the documents show no verb "
                    "for this ask; give the verb as the document prints it in `ask.printed`"
                )
                if verb
                else "the ask has no verb: give it as the document prints it in `ask.printed`",
                severity="warning",
            )
        )

    for r_index, resolution in enumerate(statement.resolutions):
        base: tuple[str | int, ...] = ("resolutions", r_index)
        printed(base, resolution.text, None, resolution.ask)
        for i_index, item in enumerate(resolution.items):
            printed((*base, "items", i_index), item.text, item.action, item.ask)
        check((*base, "addressees"), resolution.addressees, actors, "actor")
        check((*base, "concerns"), resolution.concerns, actors, "actor")
        check((*base, "themes"), resolution.themes, themes, "theme")
        for i_index, item in enumerate(resolution.items):
            item_base = (*base, "items", i_index)
            check((*item_base, "addressees"), item.addressees, actors, "actor")
            check((*item_base, "concerns"), item.concerns, actors, "actor")
            check((*item_base, "themes"), item.themes, themes, "theme")
    return problems


def _suggest(value: str, known: set[str]) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _coalition_references(
    coalition: LoadedFile, statements: Collection[str], sources: Collection[str]
) -> list[Problem]:
    record: Coalition = coalition.record
    problems: list[Problem] = []
    cited: list[tuple[tuple[str | int, ...], str]] = [
        (("other_names", i, "source"), r.source) for i, r in enumerate(record.other_names)
    ]
    cited += [
        (("founded", "sources", i, "source"), r.source)
        for i, r in enumerate(record.founded.sources)
    ]
    cited += [
        (("founding_countries", i, "source"), r.source)
        for i, r in enumerate(record.founding_countries)
    ]
    cited += [(("membership", i, "source"), r.source) for i, r in enumerate(record.membership)]
    for index, meeting in enumerate(record.meetings):
        if meeting.statement and statements and meeting.statement not in statements:
            problems.append(
                coalition.problem(
                    ("meetings", index, "statement"), f"unknown statement {meeting.statement!r}"
                )
            )
        for s_index, statement_id in enumerate(meeting.statements):
            if statements and statement_id not in statements:
                problems.append(
                    coalition.problem(
                        ("meetings", index, "statements", s_index),
                        f"unknown statement {statement_id!r}",
                    )
                )
        if meeting.start and meeting.end and meeting.end < meeting.start:
            problems.append(
                coalition.problem(("meetings", index, "end"), "the meeting ends before it starts")
            )
        cited += [
            (("meetings", index, "sources", i, "source"), r.source)
            for i, r in enumerate(meeting.sources)
        ]
    for index, note in enumerate(record.notes):
        cited += [
            (("notes", index, "readings", i, "source"), r.source)
            for i, r in enumerate(note.readings)
        ]
        for s_index, statement_id in enumerate(note.statements):
            if statements and statement_id not in statements:
                problems.append(
                    coalition.problem(
                        ("notes", index, "statements", s_index),
                        f"unknown statement {statement_id!r}",
                    )
                )
    problems += [
        coalition.problem(where, _unknown_source(source, sources))
        for where, source in cited
        if source not in sources
    ]
    return problems


def _unknown_source(source: str, known: Collection[str]) -> str:
    return f"unknown source {source!r}{_suggest(source, set(known))}"


def _source_problems(loaded_file: LoadedFile, seen: dict[str, SourceDocument]) -> list[Problem]:
    """A source's id is unique and its archived file is still the one recorded."""
    record: SourceDocument = loaded_file.record
    if record.id in seen:
        return [loaded_file.problem(("id",), f"duplicate source id {record.id!r}")]
    path = loaded_file.path.parent / record.file
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        return [
            loaded_file.problem(
                ("file",), f"cannot read the archived copy {path}: {error.strerror or error}"
            )
        ]
    if digest != record.sha256:
        return [
            loaded_file.problem(
                ("sha256",),
                f"{path} has SHA-256 {digest}, not the one recorded: the archived "
                "copy changed (restore it, or check the records against the new copy and record "
                "its hash)",
            )
        ]
    return []


def _statement_against_coalition(
    loaded_file: LoadedFile, coalition: Coalition, meetings: list[MeetingRecord]
) -> list[Problem]:
    """A statement's meeting, place and date must agree with the coalition record."""
    statement: Statement = loaded_file.record
    given = statement.meeting
    problems: list[Problem] = []
    if given.kind == "conference":
        meeting = next(
            (m for m in meetings if m.kind == "conference" and m.name == given.name), None
        )
        if meeting is None:
            return [
                loaded_file.problem(
                    ("meeting", "name"), f"the coalition record has no conference {given.name!r}"
                )
            ]
    else:
        meeting = next(
            (m for m in meetings if m.kind == "general-meeting" and m.ordinal == given.ordinal),
            None,
        )
        if meeting is None:
            return [
                loaded_file.problem(
                    ("meeting", "ordinal"),
                    f"the coalition record has no general meeting number {given.ordinal}",
                )
            ]
    what = "the coalition record"
    for name in ("city", "country", "start", "end"):
        ours, theirs = getattr(given, name), getattr(meeting, name)
        if ours is not None and theirs is not None and ours != theirs:
            problems.append(
                loaded_file.problem(
                    ("meeting", name), f"{name} {ours} differs from {what} ({theirs})"
                )
            )
        elif ours is not None and theirs is None and name in ("city", "country"):
            problems.append(
                loaded_file.problem(
                    ("meeting", name),
                    f"{what} does not name the meeting's {name}: add it there, with its source",
                )
            )
    if meeting.year != statement.adopted.year:
        problems.append(
            loaded_file.problem(
                ("adopted",),
                f"adopted in {statement.adopted.year}, but {what} dates the meeting to "
                f"{meeting.year}",
            )
        )
    if meeting.documents and statement.id not in meeting.documents:
        problems.append(
            loaded_file.problem(
                ("meeting",),
                f"{what} does not list {statement.id!r} among the meeting's documents "
                f"({', '.join(meeting.documents)})",
            )
        )
    return problems


def _alignment(loaded_file: LoadedFile, original: Statement) -> list[Problem]:
    """A translation has the same preamble, resolutions and items as its original."""
    record: StatementTranslation = loaded_file.record
    problems: list[Problem] = []
    if record.translation.language == original.language:
        problems.append(
            loaded_file.problem(
                ("translation", "language"), f"the original is already in {original.language!r}"
            )
        )
    for pair in aligned(original, record):
        if pair.at is not None:
            problems += _misaligned(loaded_file, original, pair.where, pair.at, pair)
    return problems


_COUNTS = {"preamble": "preamble paragraphs", "quotations": "quotations", "items": "items"}


def _misaligned(
    loaded_file: LoadedFile,
    original: Statement,
    where: tuple[str | int, ...],
    at: tuple[str | int, ...],
    pair: Aligned,
) -> list[Problem]:
    """The problems of one field of a translation that does not line up with its original."""
    ours, theirs, name = pair.original, pair.translated, where[-1]
    if name == "action" and (ours is None) != (theirs is None):
        message = "the action verb must be translated exactly where the original has one"
        return [loaded_file.problem(at[:-1], message)]
    if isinstance(theirs, ResolutionTranslation) and ours is None:
        known = any(r.number == theirs.number for r in original.resolutions)
        message = (
            f"resolution {theirs.number} is translated twice"
            if known
            else f"the original has no resolution {theirs.number}"
        )
        return [loaded_file.problem((*at, "number"), message)]
    if isinstance(ours, list) and isinstance(theirs, list) and name in _COUNTS:
        if len(ours) == len(theirs):
            return []
        whose = "the original"
        if name == "items":
            whose = f"resolution {original.resolutions[int(where[1])].number} of the original"
        return [
            loaded_file.problem(at, f"{len(theirs)} {_COUNTS[str(name)]}; {whose} has {len(ours)}")
        ]
    if isinstance(theirs, ParagraphTranslation) and ours is not None and theirs.text is not None:
        return [
            loaded_file.problem(
                (*at, "quotations", index, "text"),
                "the quotation is not in the translated paragraph",
            )
            for index, quotation in enumerate(theirs.quotations or [])
            if quotation.text not in theirs.text
        ]
    return []


def _vocabulary_alignment(loaded_file: LoadedFile, vocabulary: Vocabulary) -> list[Problem]:
    """A vocabulary translation names only known actors and themes."""
    record: VocabularyTranslation = loaded_file.record
    problems: list[Problem] = []
    for list_name, known in (
        ("actors", {a.id for a in vocabulary.actors}),
        ("themes", {t.id for t in vocabulary.themes}),
    ):
        for index, entry in enumerate(getattr(record, list_name)):
            if entry.id not in known:
                problems.append(
                    loaded_file.problem(
                        (list_name, index, "id"),
                        f"unknown {list_name[:-1]} {entry.id!r}{_suggest(entry.id, known)}",
                    )
                )
    return problems


def _file_key(record: object) -> str:
    """Name a record file by what it holds: `<id>`, `<id>.<lang>`, `vocabulary.<lang>`..."""
    if isinstance(record, Statement):
        return record.id
    if isinstance(record, StatementTranslation):
        return f"{record.statement}.{record.translation.language}"
    if isinstance(record, VocabularyTranslation):
        return f"vocabulary.{record.translation.language}"
    if isinstance(record, CoalitionTranslation):
        return f"coalition.{record.translation.language}"
    if isinstance(record, Vocabulary):
        return "vocabulary"
    if isinstance(record, Coalition):
        return "coalition"
    if isinstance(record, SourceDocument):
        return f"{SOURCES}/{record.id}"
    if isinstance(record, Packs):
        return "packs"
    return str(getattr(record, "id", type(record).__name__))


@functools.cache
def known_countries() -> frozenset[str]:
    """ISO 3166 alpha-2 codes, as CLDR knows them."""
    from babel import Locale

    return frozenset(str(code) for code in Locale("en").territories if len(str(code)) == 2)


def recipient_problems(loaded_file: LoadedFile, locales: Path) -> list[Problem]:
    """Unique ids, real countries, and languages that have a catalog."""
    from pipeline.i18n.languages import available_languages

    record: Recipients = loaded_file.record
    languages = available_languages(locales)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, recipient in enumerate(record.recipients):
        where: tuple[str | int, ...] = ("recipients", index)
        if recipient.id in seen:
            line = loaded_file.document.position(("recipients", seen[recipient.id], "id"))[0]
            problems.append(
                loaded_file.problem(
                    (*where, "id"),
                    f"duplicate recipient id {recipient.id!r} (first at line {line})",
                )
            )
        seen.setdefault(recipient.id, index)
        if recipient.country not in known_countries():
            problems.append(
                loaded_file.problem(
                    (*where, "country"), f"unknown country code {recipient.country!r}"
                )
            )
        if recipient.language not in languages:
            problems.append(
                loaded_file.problem(
                    (*where, "language"),
                    f"no catalog for language {recipient.language!r}; "
                    f"packs can be made in {', '.join(languages)}",
                )
            )
    return problems


def pack_problems(
    loaded_file: LoadedFile, statements: list[str], unreadable: Collection[str] = ()
) -> list[Problem]:
    """Unique, unreserved pack ids naming known statements, each in full or as summary, never empty.

    `statements` are the project's statement ids, oldest first, against which
    `latest` and `earlier` are resolved.
    """
    record: Packs = loaded_file.record
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, pack in enumerate(record.packs):
        where: tuple[str | int, ...] = ("packs", index)
        if pack.id in seen:
            line = loaded_file.document.position(("packs", seen[pack.id], "id"))[0]
            problems.append(
                loaded_file.problem(
                    (*where, "id"), f"duplicate pack id {pack.id!r} (first at line {line})"
                )
            )
        seen.setdefault(pack.id, index)
        if reason := _reserved_pack(pack.id, pack.full, pack.summaries):
            problems.append(loaded_file.problem((*where, "id"), reason))
        unknown = 0
        for name in ("full", "summaries"):
            choice = getattr(pack, name)
            if not isinstance(choice, list):
                continue
            for position, statement in enumerate(choice):
                if statement not in statements and statement not in unreadable:
                    unknown += 1
                    problems.append(
                        loaded_file.problem(
                            (*where, name, position),
                            f"unknown statement {statement!r}"
                            + _suggest(statement, set(statements)),
                        )
                    )
        full, summaries = pack.chosen(statements)
        for statement in [s for s in summaries if s in full]:
            at: tuple[str | int, ...] = (*where, "summaries")
            if isinstance(pack.summaries, list):
                at = (*at, pack.summaries.index(statement))
            problems.append(
                loaded_file.problem(
                    at, f"statement {statement!r} is both in full and as a summary only"
                )
            )
        if (
            not full
            and not summaries
            and not unknown
            and (statements or not (pack.full or pack.summaries))
        ):
            problems.append(
                loaded_file.problem(
                    (*where, "id"), f"pack {pack.id!r} holds no statement: name some in `full`"
                )
            )
    return problems


def _reserved_pack(pack_id: str, full: object, summaries: object) -> str | None:
    """Say why a pack may not take this id (another document's file name), if it may not."""
    if pack_id == DEFAULT_PACK:
        if full == "all" and summaries == []:
            return None
        return (
            f"{DEFAULT_PACK!r} is today's pack, every statement in full (`full: all`); "
            "give this pack another id"
        )
    if pack_id.startswith(f"{DEFAULT_PACK}-") or pack_id.endswith("-summary"):
        return f"the id {pack_id!r} is reserved for the file of another document"
    return None


def load_recipients(path: Path, locales: Path) -> Recipients:
    """Read and check a recipients file, or raise every problem in it (languages of `locales`)."""
    loaded, problems = load_file(path)
    if loaded is not None and not isinstance(loaded.record, Recipients):
        problems.append(loaded.problem(("kind",), "this is not a recipients file"))
    if loaded is not None and not problems:
        problems = recipient_problems(loaded, locales) + text_problems(loaded)
    if problems or loaded is None:
        raise RecordError(problems)
    return loaded.record  # type: ignore[no-any-return]


def _stale_translations(loaded_file: LoadedFile, original: Statement) -> list[Problem]:
    """A text whose original changed since it was translated, or that does not say.

    A warning, not an error: a corrected original must not wait for every
    translator, and the documents mark such texts until one confirms them.
    """
    from pipeline.records.originals import stale_texts

    if loaded_file.record.originals is None:
        return [
            loaded_file.problem(
                ("translation",),
                "records no originals, so a later change of the original "
                "cannot be found; check it against today's original and run `briefing i18n "
                f"confirm {loaded_file.path}`",
                severity="warning",
            )
        ]
    problems = []
    for stale in stale_texts(original, loaded_file.record):
        pair = stale.pair
        if stale.recorded is None:
            message = (
                f"does not record which original it translates (now {pair.original!r}); "
                "check it and run `briefing i18n confirm`"
            )
        else:
            message = (
                f"translates an earlier version of its original: was "
                f"{stale.recorded!r}, now {pair.original!r}; update the translation, "
                "then run `briefing i18n confirm`"
            )
        problems.append(loaded_file.problem(pair.where, message, severity="warning"))
    return problems


def _official_quotations(
    loaded_file: LoadedFile, original: Statement, instruments: Instruments
) -> list[Problem]:
    """A translated quotation of an instrument is its official text, never a new translation."""
    record: StatementTranslation = loaded_file.record
    lang = record.translation.language
    if lang == original.language:
        return []  # reported already: a translation into the original's own language
    problems: list[Problem] = []
    for p_index, (theirs, ours) in enumerate(
        zip(record.preamble or [], original.preamble, strict=False)
    ):
        for q_index, (quotation, source) in enumerate(
            zip(theirs.quotations or [], ours.quotations, strict=False)
        ):
            official = instruments.text_of(source.instrument, source.article, lang)
            if official is not None and quotation.text != official:
                problems.append(
                    loaded_file.problem(
                        ("preamble", p_index, "quotations", q_index, "text"),
                        f"not the official {lang} text of {source.instrument} article "
                        f"{source.article}: quote {official[:30]!r}… as published",
                    )
                )
    return problems


@functools.cache
def _instruments(folder: Path) -> Instruments:
    from pipeline.records.instruments import Instruments

    return Instruments.load(folder)
