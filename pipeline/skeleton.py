"""A new statement file: every field present, every text empty until filled in."""

from __future__ import annotations

from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from pipeline.errors import UsageError
from pipeline.files import create_exclusive, make_folder, write_atomically
from pipeline.models import RESERVED_IDS, Id

SKELETON = """\
# yaml-language-server: $schema=../schemas/statement.schema.json
# A new joint statement. Fill in every "" and every 0, copy the text word for
# word from the source, then run: briefing validate {path}
kind: statement
id: {id}
title: ""            # the title the packs use, such as: Joint Statement of the 5th General Meeting
heading:             # the heading lines exactly as published
  - ""
issuing_body: ""
meeting:
  ordinal: 0         # 5 for the 5th General Meeting
  city: ""
  country: ""        # ISO 3166 code: KR, JP, MN, US, GB...
  start: 2000-01-01
  end: 2000-01-01
adopted: 2000-01-01
language: en
sources:
  - source: ""       # a source id: a record in sources/
    part: ""
overview: ""         # editorial: two or three plain sentences on what the statement asks
themes: []           # ids from vocabulary.yaml
preamble:
  - text: ""
resolutions:
  - number: 1
    text: ""
    addressees: []   # actor ids from vocabulary.yaml
    themes: []
    ask:             # editorial: the ask in a few words, for the tables
      verb: URGE
      summary: ""
    items: []        # sub-items: {{action: URGE, text: "...", addressees: [...]}}
"""


def write_skeleton(statement_id: str, folder: Path, force: bool = False) -> Path:
    """Write `<folder>/<id>.yaml`, refusing a bad id or an existing file unless `force`."""
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
    data = SKELETON.format(id=statement_id, path=path).encode()
    if path.exists() or path.is_symlink():
        if not force or path.is_symlink() or not path.is_file():
            raise UsageError(f"{path} already exists (--force replaces a file)")
        write_atomically(path, data)
    else:
        create_exclusive(path, data)
    return path
