"""The JSON Schemas of the records, for editors and for other tools."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.files import make_folder, write_atomically
from pipeline.records.load import KINDS


def schema_texts() -> dict[str, str]:
    """Return each schema file's name and its exact text."""
    texts = {}
    for kind, model in KINDS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind}.schema.json"
        texts[f"{kind}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema to `folder`; return the paths written.

    Only the schema files themselves are written, each atomically and never
    through a symbolic link; a folder that is a file is a usage error.
    """
    make_folder(folder)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        if path.exists() and not path.is_file():
            raise UsageError(f"{path} is not a file; remove it and run the command again")
        write_atomically(path, text.encode())
        written.append(path)
    return written


def check_schemas(folder: Path) -> list[Path]:
    """Return the schema files in `folder` that are missing or differ from the models."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder: choose a folder")
    stale = []
    for name, text in schema_texts().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
    return stale
