"""Which templates a template is made from: what a document's inputs include."""

from __future__ import annotations

from pathlib import Path


def template_files(templates: Path, main: str) -> list[Path]:
    """Return a template and every template it includes, imports or extends."""
    from jinja2 import Environment, meta

    environment = Environment(autoescape=True)
    pending, seen = [main], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        path = templates / name
        if path.is_file():
            found = meta.find_referenced_templates(
                environment.parse(path.read_text(encoding="utf-8"))
            )
            pending += [n for n in found if n is not None]
    return [templates / n for n in sorted(seen)]
