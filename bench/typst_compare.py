"""Typst beside our build: the same statements' text typeset by Typst, on one core.

The issue's yardstick for pages per second. For each language this writes one
`.typ` document with every statement of a records folder in full (title,
heading, meeting, preamble, numbered resolutions and their items), taking
each text from the statement's translation into that language where there is
one and from the original otherwise, as our packs do. The records are read
with plain YAML, not through the pipeline: Typst gets the text, nothing of
our code. Fonts are the Noto faces `templates/fonts.yaml` names for the
language, found in the system's Noto folders (passed as font paths; the
system's own font list is ignored).

It runs as its own process (`python -m bench.typst_compare`), pinned to one
CPU before Typst is imported, so the orchestrator times a fresh process as it
times `briefing build`: start-up, font discovery, typesetting and PDF.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"))


def pin_to_one_cpu() -> int:
    """Run this process (and any thread Typst starts) on one CPU; return which."""
    os.environ["RAYON_NUM_THREADS"] = "1"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def quote(text: str) -> str:
    """Return `text` as a Typst string literal, whitespace folded as HTML would."""
    folded = " ".join(str(text).split())
    return '"' + folded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def families(fonts_yaml: Path, lang: str) -> tuple[list[str], list[str]]:
    """Return the text and heading families of `lang`, then the default group's as fallback."""
    config = yaml.safe_load(fonts_yaml.read_text(encoding="utf-8"))
    groups = config["groups"]
    default = groups[config["default_group"]]
    group = next((g for g in groups.values() if lang in g["languages"]), default)
    text = [*group["text"], *(f for f in default["text"] if f not in group["text"])]
    heading = [*group["heading"], *(f for f in default["heading"] if f not in group["heading"])]
    return text, heading


def statements(records: Path, lang: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield each statement of `records` (by file name) with its `lang` translation or {}."""
    for path in sorted(records.glob("*.yaml")):
        if path.name.count(".") != 1:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("kind") != "statement":
            continue
        translated = records / f"{data['id']}.{lang}.yaml"
        yield (
            data,
            yaml.safe_load(translated.read_text(encoding="utf-8")) if translated.exists() else {},
        )


def _pick(original: dict[str, Any], translation: dict[str, Any], key: str) -> Any:
    return translation.get(key) or original.get(key)


Entry = dict[str, Any]


def _numbered(
    original: list[Entry], translated: list[Entry], key: str
) -> list[tuple[Entry, Entry]]:
    """Pair each original entry with its translation, matched by `key` (number) or position."""
    if key:
        found = {t.get(key): t for t in translated}
        return [(o, found.get(o.get(key), {})) for o in original]
    return [(o, translated[i] if i < len(translated) else {}) for i, o in enumerate(original)]


def statement_markup(original: dict[str, Any], translation: dict[str, Any]) -> list[str]:
    """Return the Typst markup of one statement in full."""
    lines = [f"= #{quote(_pick(original, translation, 'title'))}", ""]
    for line in _pick(original, translation, "heading") or []:
        lines += [f"#strong({quote(line)})", ""]
    meeting = {**original["meeting"], **(translation.get("meeting") or {})}
    where = f"{meeting.get('city', '')} ({meeting['country']}), {original['adopted']}"
    lines += [f"#emph({quote(original.get('issuing_body', ''))}) \\", f"#{quote(where)}", ""]
    for para, para_t in _numbered(
        original.get("preamble", []), translation.get("preamble", []), ""
    ):
        lines += [f"#{quote(_pick(para, para_t, 'text'))}", ""]
    resolutions = _numbered(
        original.get("resolutions", []), translation.get("resolutions", []), "number"
    )
    for resolution, resolution_t in resolutions:
        lines.append(f"+ #{quote(_pick(resolution, resolution_t, 'text'))}")
        for item, item_t in _numbered(
            resolution.get("items", []), resolution_t.get("items", []), ""
        ):
            action = _pick(item, item_t, "action")
            label = f"#strong({quote(action)}) " if action else ""
            lines.append(f"  + {label}#{quote(_pick(item, item_t, 'text'))}")
    lines += ["", "#pagebreak(weak: true)", ""]
    return lines


def document(records: Path, fonts_yaml: Path, lang: str) -> str:
    """Return one language's Typst document: every statement of `records` in full."""
    text, heading = families(fonts_yaml, lang)
    head = [
        '#set page(paper: "a4", margin: (x: 22mm, y: 20mm), numbering: "1 / 1")',
        f'#set text(font: {tuple_literal(text)}, size: 10.5pt, lang: "{lang}")',
        "#set par(justify: true, leading: 0.75em)",
        '#set enum(numbering: "1.a.", full: false)',
        f"#show heading: set text(font: {tuple_literal(heading)})",
        "",
    ]
    body = [line for pair in statements(records, lang) for line in statement_markup(*pair)]
    return "\n".join(head + body) + "\n"


def tuple_literal(names: list[str]) -> str:
    return "(" + ", ".join(quote(n) for n in names) + ",)"


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.typst_compare", description=__doc__)
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--fonts-yaml", type=Path, required=True, help="templates/fonts.yaml")
    parser.add_argument("--lang", action="append", required=True, help="repeatable")
    parser.add_argument("--out", type=Path, required=True, help="folder for .typ and .pdf")
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args(argv)
    cpu = pin_to_one_cpu()
    started = time.perf_counter()
    import typst  # after pinning: its thread pool is made on this one CPU

    imported = time.perf_counter() - started
    font_paths = [str(d) for d in FONT_DIRS if d.is_dir()]
    args.out.mkdir(parents=True, exist_ok=True)
    results = {}
    for lang in args.lang:
        source = args.out / f"{lang}.typ"
        source.write_text(document(args.records, args.fonts_yaml, lang), encoding="utf-8")
        start = time.perf_counter()
        pdf = typst.compile(str(source), font_paths=font_paths, ignore_system_fonts=True)
        seconds = time.perf_counter() - start
        assert isinstance(pdf, bytes)
        (args.out / f"{lang}.pdf").write_bytes(pdf)
        results[lang] = {
            "seconds": seconds,
            "pages": pages(pdf),
            "bytes": len(pdf),
            "typ_bytes": source.stat().st_size,
        }
    report = {
        "cpu": cpu,
        "typst": _version(),
        "font_paths": font_paths,
        "import_seconds": imported,
        "compile_seconds": sum(r["seconds"] for r in results.values()),
        "pages": sum(r["pages"] for r in results.values()),
        "languages": results,
    }
    args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def _version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("typst")
    except metadata.PackageNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
