"""A new statement file: every field present, every text empty until filled in."""

from __future__ import annotations

from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from pipeline.errors import UsageError
from pipeline.files import create_exclusive, make_folder, write_atomically
from pipeline.records.models import RESERVED_IDS, Id

_HEAD = """\
# yaml-language-server: $schema=../schemas/statement.schema.json
# A new {what}. Fill in every "" and every 0, copy the text word for word from
# the source, then run: briefing validate {path}
kind: statement
id: {id}
document: {kind}
title: ""            # the title the packs use
heading:             # the heading lines exactly as published
  - ""
issuers: [ipcnkr]    # actor ids from vocabulary.yaml: the coalition, then any co-issuers
meeting:
  ordinal: 0         # 5 for the 5th General Meeting; for a conference, instead:
                     # kind: conference, and name: "its name as printed"
  city: ""           # leave city and country out where the document names neither
  country: ""        # ISO 3166 code: KR, JP, MN, US, GB...
adopted: 2000-01-01
language: en
sources:
  - source: ""       # a source id: a record in sources/
    part: ""
overview: ""         # editorial: two or three plain sentences on what the document says
themes: []           # ids from vocabulary.yaml
# incomplete:        # only if the text is known in part:
#   where: ""        #   what is missing, in words
#   missing: []      #   operative paragraph numbers not available
#   truncated: false #   true if the text stops before its end
"""

SKELETONS = {
    "joint-statement": (
        "joint statement",
        """\
preamble:
  - text: ""
resolutions:
  - number: 1
    text: ""
    addressees: []   # actor ids from vocabulary.yaml
    themes: []
    ask:             # editorial: the ask in a few words, for the tables
      printed: ""    # the verb as the text prints it (urge)
      verb: URGE     # optional: the same verb in capitals, to group it with others
      summary: ""
    items: []        # sub-items: {{action: URGE, text: "...", addressees: [...]}}
  - number: 2
    kind: expression # concern, condemnation, welcome: no addressees
    text: ""
    concerns: []
""",
    ),
    "action-programme": (
        "action programme",
        """\
resolutions:
  - number: 1
    kind: commitment # the coalition's own undertaking
    text: ""
    concerns: []     # actor ids: whom it concerns
    themes: []
    commitment: ""   # editorial: the commitment in a few words
""",
    ),
    "resolution": (
        "resolution in the UN's style",
        """\
opening: ""          # the opening line, as printed (The Coalition,)
preamble:
  - leading: ""      # the clause's leading words, as printed (Reaffirming)
    text: ""         # the whole clause, beginning with them
resolutions:
  - number: 1
    kind: expression # Expresses its concern...: no addressees
    text: ""
    concerns: []
  - number: 2
    text: ""         # Calls upon...
    addressees: []
    ask:
      printed: ""    # Calls upon
      summary: ""
""",
    ),
}


def write_skeleton(
    statement_id: str, folder: Path, force: bool = False, kind: str = "joint-statement"
) -> Path:
    """Write `<folder>/<id>.yaml` for a document of `kind`; refuse a bad id or an existing file.

    An existing file is replaced only with `force`.
    """
    try:
        TypeAdapter(Id).validate_python(statement_id)
    except ValidationError:
        raise UsageError(
            f"{statement_id!r} is not a valid id: use lowercase words joined by hyphens, "
            "such as ipcnkr-2008-tokyo"
        ) from None
    if statement_id in RESERVED_IDS:
        raise UsageError(f"{statement_id!r} is the name of another record; choose another id")
    make_folder(folder)
    path = folder / f"{statement_id}.yaml"
    if kind not in SKELETONS:
        raise UsageError(f"{kind!r} is not a kind of document: {', '.join(SKELETONS)}")
    what, body = SKELETONS[kind]
    data = (_HEAD.format(id=statement_id, path=path, kind=kind, what=what) + body).encode()
    if path.exists() or path.is_symlink():
        if not force or path.is_symlink() or not path.is_file():
            raise UsageError(f"{path} already exists (--force replaces a file)")
        write_atomically(path, data)
    else:
        create_exclusive(path, data)
    return path


TRANSLATION_SKELETON = """\
# yaml-language-server: $schema=../schemas/{kind}.schema.json
# {what} in {name}, unofficial until the coalition adopts them. Add entries by id
# (see {original}), name the translator, then run: briefing validate {records}
kind: {kind}
translation:
  language: {code}
  status: unofficial
  translator: "not yet named"
  date: {today}
{lists}
"""


def add_language(
    locales: Path,
    records: Path,
    instruments: Path,
    code: str,
    locale: str,
    today: str,
    force: bool = False,
) -> list[Path]:
    """Start a language: its catalog, skeleton translations of the vocabulary and the
    coalition record, and the UN's official UDHR text if the archived collection has it.

    Files that exist are kept; only the catalog can be replaced, with `force`.
    """
    from babel import Locale

    from pipeline.i18n.catalogs import init
    from pipeline.i18n.languages import available_languages
    from pipeline.records.udhr import corpus_languages, import_udhr

    written = [init(locales, code, locale, force=force)]
    name = Locale(Locale.parse(locale.replace("-", "_")).language).get_display_name("en") or code
    for kind, what, original, lists in (
        (
            "vocabulary-translation",
            "Names of the actors and themes",
            "vocabulary.yaml",
            "actors: []\nthemes: []",
        ),
        (
            "coalition-translation",
            "The secretariat's notes on the sources",
            "coalition.yaml",
            "notes: []",
        ),
    ):
        stem = kind.split("-")[0]
        target = records / f"{stem}.{code}.yaml"
        if target.exists() or target.is_symlink():
            continue
        text = TRANSLATION_SKELETON.format(
            kind=kind,
            what=what,
            name=name,
            original=original,
            records=records,
            code=code,
            today=today,
            lists=lists,
        )
        create_exclusive(target, text.encode("utf-8"))
        written.append(target)
    corpus = records.parent / "sources" / "udhr"
    if corpus.is_dir() and code in corpus_languages(corpus):
        out = instruments / "udhr.yaml"
        import_udhr(corpus, out, [*available_languages(locales), code])
        written.append(out)
    return written


PROJECT_CONFIG = """\
# The settings of this briefing project; every key is in the README's
# "Configuration" section. Options on the command line override them.
records = "statements"          # the statements, vocabulary and coalition notes
output = "output"               # where the PDFs and manifest.json go
languages = "all"               # or a list: ["en", "ja"]
paper = "A4"                    # of the summaries and packs: A4 or Letter
date = "content"                # the records' last commit; or "today", or 2025-08-01

# The members whose packs are built. Copy recipients.example.yaml to
# recipients.yaml and fill in the real members: .gitignore keeps that file
# (personal data) out of git.
# recipients = "recipients.yaml"

[send]                          # briefing send (the README's "Sending the packs")
# smtp_host = "smtp.example.org"
# from = "secretariat@example.org"

[web]                           # the web edition
# base_url = "https://briefing.example.org/"
"""

GITIGNORE = """\
# Made by briefing: rebuilt from the records at any time.
/output/
/.cache/
# Personal data: the real members and who was sent what. Never in git.
/recipients.yaml
/.briefing/
"""


def write_project(folder: Path, force: bool = False) -> list[Path]:
    """Write a new project into `folder`: config, example records, sources and members.

    A folder with files in it is refused unless `force`; no existing file is
    ever replaced (they are kept and not listed).
    """
    import shutil

    from pipeline.config import CONFIG, example_files

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file: give a folder for the new project")
    if (folder / CONFIG).exists():
        raise UsageError(f"{folder / CONFIG} exists: {folder} is a project already")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UsageError(
            f"{folder} is not empty: give a new or empty folder, or --force to add a "
            "project beside what is there (no file is replaced)"
        )
    make_folder(folder)
    written: list[Path] = []

    def write(name: str, text: str) -> None:
        target = folder / name
        if not target.exists():
            create_exclusive(target, text.encode("utf-8"))
            written.append(target)

    write(CONFIG, PROJECT_CONFIG)
    write(".gitignore", GITIGNORE)
    for name, source in example_files().items():
        target = folder / name
        if target.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, target)
        written.append(target)
    return written
