"""Section 10 of `make bench`: the archive of a decade, with Typst beside it.

A generated corpus (by default 30 statements in every shipped language, and
150 fictional recipients across the coalition's countries and languages) is
built through the command line with `--jobs 2`, each scenario in its own cache
and output folder: a cold build of everything; forced builds of the language
packs and summaries alone and then with the recipients, alternated so a slow
spell of the shared machine hits both (the recipients' share is
(with - without) / without); a no-op build of everything; and one sentence of
one statement's overview changed. Pages delivered per second are the pages
of every PDF (recipient packs included, from the build's manifest) over the
forced build's wall time. Typst then typesets the same statements' text in a
fresh process on one core (`bench.typst_compare`), and the two rates are
compared against the issue's targets.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.corpus import edit_overview, make_corpus, make_recipients
from bench.measure import REPO, Run, briefing_command, built_files, environment, run
from bench.report import Check, seconds, table
from pipeline.i18n.languages import available_languages

if TYPE_CHECKING:
    from bench.__main__ import Bench

# Every language the project ships: each catalog under locales/.
LANGUAGES = tuple(available_languages(REPO / "locales"))

SHARE_TARGET = 0.5  # 150 recipient packs add at most 50 % to the packs' forced build
TYPST_PACKS_TARGET = 6.0  # Typst's pages/s at most 6× our forced packs'
DELIVERED_TARGET = 1.0  # our pages delivered/s at least Typst's
NOOP_TARGET = 0.3  # seconds, no-op build of everything with the recipients
MEMORY_TARGET = 600  # MB, the largest build process
JOBS = "2"  # the 2-core machine's build


class _Scenario:
    """One cache and output folder, and the builds run in it."""

    def __init__(self, bench: Bench, folder: Path, records: Path, recipients: Path) -> None:
        self.bench, self.folder, self.records, self.recipients = bench, folder, records, recipients
        self.cache, self.out = folder / "cache", folder / "out"

    def copy_of(self, folder: Path) -> _Scenario:
        """Return a new scenario starting from this one's cache and outputs.

        Outputs are hard links: a build replaces a file by renaming a new
        one over it, never by writing into it, so neither copy changes the other.
        """
        other = _Scenario(self.bench, folder, self.records, self.recipients)
        shutil.copytree(self.cache, other.cache)
        shutil.copytree(self.out, other.out, copy_function=os.link)
        return other

    def build(self, *args: str, recipients: bool = True, memory: bool = False) -> Run:
        command = [
            *briefing_command(),
            "build",
            "--records",
            str(self.records),
            "--out",
            str(self.out),
            "--jobs",
            JOBS,
            *(["--recipients", str(self.recipients)] if recipients else []),
            *args,
        ]
        env = environment(self.bench.code, self.cache)
        return run(command, env, self.bench.code, sample_memory=memory).check()

    def manifest(self) -> list[dict[str, Any]]:
        data = json.loads((self.out / "manifest.json").read_text(encoding="utf-8"))
        files: list[dict[str, Any]] = data["files"]
        return files


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _pages(files: list[dict[str, Any]], kinds: tuple[str, ...] = ()) -> int:
    return sum(f["pages"] for f in files if not kinds or f["kind"] in kinds)


def _median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def _row(name: str, runs: list[Run], files: int, pages: int) -> tuple[str, ...]:
    wall = _median(runs)
    return (
        name,
        str(len(runs)),
        seconds(wall),
        seconds(statistics.median(r.cpu_seconds for r in runs)),
        str(files),
        f"{pages:,}",
        f"{pages / wall:.1f}" if pages else "",
        f"{max(r.max_rss_mb for r in runs):.0f} MB",
    )


def measure_scale(bench: Bench) -> dict[str, Any]:
    """Build the scale corpus in every scenario, then Typst; add the checks and the table."""
    settings = bench.settings
    base = bench.root / "scale"
    corpus = make_corpus(bench.records, base / "statements", settings.scale_statements, LANGUAGES)
    people = make_recipients(
        bench.code / "examples" / "recipients.yaml",
        bench.records,
        base / "recipients.yaml",
        settings.scale_recipients,
        LANGUAGES,
    )
    checked = run(
        [*briefing_command(), "validate", str(corpus.folder), str(people.path)],
        environment(bench.code),
        bench.code,
    ).check()
    size = f"{len(corpus.statements)} statements × {len(LANGUAGES)} languages"
    log(f"  corpus: {size}, {people.count} recipients ({checked.stderr.strip()})")

    cold = _Scenario(bench, base / "cold", corpus.folder, people.path)
    cold_run = cold.build(memory=True)
    files = cold.manifest()
    log(f"  cold: {cold_run.seconds:.1f} s, {len(files)} PDFs")

    warm = cold.copy_of(base / "warm")
    packs: list[Run] = []
    full: list[Run] = []
    for repeat in range(settings.scale_runs):
        packs.append(warm.build("--force", recipients=False, memory=repeat == 0))
        full.append(warm.build("--force", memory=repeat == 0))
        log(f"  forced: packs {packs[-1].seconds:.1f} s, with recipients {full[-1].seconds:.1f} s")
    files = warm.manifest()
    noops = [warm.build() for _ in range(settings.noop_runs)]
    noop_rebuilt = sorted({f for r in noops for f in built_files(r.stdout, warm.out)[0]})

    # The edit runs on a copy of the records, on the warm folders themselves; a copied
    # project (records named by their place in it) must rebuild nothing before the edit.
    edited = base / "edited"
    shutil.copytree(corpus.folder, edited / "statements")
    shutil.copytree(corpus.folder.parent / "sources", edited / "sources")
    edit = _Scenario(bench, warm.folder, edited / "statements", people.path)
    baseline = edit.build()  # the copied records are up to date: nothing should be rebuilt
    statement, old, new = edit_overview(edit.records)
    edit_run = edit.build()
    rebuilt = sorted(built_files(edit_run.stdout, edit.out)[0])
    expected = sorted(
        f["path"]
        for f in files
        if f["kind"] not in ("summary", "pack") or statement in f["statements"]
    )
    log(f"  edit: {edit_run.seconds:.1f} s, {len(rebuilt)} rebuilt")

    typst = _typst(bench, corpus.folder, base / "typst")
    pack_pages = _pages(files, ("summary", "pack"))
    all_pages = _pages(files)
    t_packs, t_full = _median(packs), _median(full)
    share = (t_full - t_packs) / t_packs
    ours_pps, packs_pps, typst_pps = (
        all_pages / t_full,
        pack_pages / t_packs,
        typst["pages_per_second"],
    )
    builds = [cold_run, *packs, *full, *noops, edit_run]
    largest = max(builds, key=lambda r: r.max_rss_mb)
    tree = max(r.peak_tree_pss_mb or 0 for r in builds)
    noop = statistics.median(r.seconds for r in noops)
    kinds = Counter(f["kind"] for f in files)
    bench.checks.extend(
        [
            Check(
                "10",
                f"Scale: cold build, {size}, {people.count} recipients",
                seconds(cold_run.seconds),
                note=f"{len(files)} PDFs, {all_pages:,} pages, CPU {seconds(cold_run.cpu_seconds)}",
            ),
            Check(
                "10",
                f"Scale: recipients' share of the forced build (median of {len(full)})",
                f"{share:+.0%}",
                f"≤ +{SHARE_TARGET:.0%}",
                share <= SHARE_TARGET,
                f"packs & summaries {seconds(t_packs)}, with {people.count} recipients "
                f"{seconds(t_full)}: {(t_full - t_packs) / people.count:.2f} s a recipient pack",
            ),
            Check(
                "10",
                "Scale: pages delivered/s, recipient packs included, vs Typst",
                f"{ours_pps:.1f} vs {typst_pps:.1f} p/s",
                f"≥ {DELIVERED_TARGET:g}× Typst",
                ours_pps >= DELIVERED_TARGET * typst_pps,
                f"{ours_pps / typst_pps:.2f}× Typst; {all_pages:,} pages in {seconds(t_full)} "
                f"(--jobs {JOBS}); Typst {typst['pages']} pages in "
                f"{seconds(typst['median_seconds'])} (one core)",
            ),
            Check(
                "10",
                "Scale: forced packs & summaries pages/s, Typst's over ours",
                f"{typst_pps / packs_pps:.1f}×",
                f"≤ {TYPST_PACKS_TARGET:g}×",
                typst_pps <= TYPST_PACKS_TARGET * packs_pps,
                f"ours {packs_pps:.1f} p/s ({pack_pages:,} pages in {seconds(t_packs)}), "
                f"Typst {typst_pps:.1f} p/s",
            ),
            Check(
                "10",
                f"Scale: no-op build with recipients (median of {len(noops)})",
                seconds(noop),
                f"≤ {seconds(NOOP_TARGET)}",
                noop <= NOOP_TARGET and not noop_rebuilt,
                f"rebuilt {len(noop_rebuilt)} files",
            ),
            Check(
                "10",
                "Scale: peak memory (max RSS of one process, all builds)",
                f"{largest.max_rss_mb:.0f} MB",
                f"≤ {MEMORY_TARGET} MB",
                largest.max_rss_mb <= MEMORY_TARGET,
                f"all build processes together: {tree:.0f} MB PSS at most",
            ),
            Check(
                "10",
                "Scale: rebuild after one word of one overview changed",
                seconds(edit_run.seconds),
                "its summaries, packs, recipient packs",
                rebuilt == expected,
                f"rebuilt {len(rebuilt)} of {len(files)} (expected {len(expected)}); after copying "
                f"the records {len(built_files(baseline.stdout, edit.out)[0])} rebuilt",
            ),
        ],
    )
    bench.details.append(
        f"Scale corpus (10): {size}, {people.count} recipients "
        f"({', '.join(f'{k} {v}' for k, v in sorted(people.countries.items()))}; "
        f"{', '.join(f'{k} {v}' for k, v in sorted(people.languages.items()))}); "
        f"--jobs {JOBS}; medians\n"
        + table(
            ("scenario", "runs", "wall", "CPU", "PDFs", "pages", "pages/s", "max RSS"),
            [
                _row("cold, everything", [cold_run], len(files), all_pages),
                _row(
                    "forced, packs & summaries", packs, kinds["summary"] + kinds["pack"], pack_pages
                ),
                _row("forced, with recipients", full, len(files), all_pages),
                _row("no-op, with recipients", noops, 0, 0),
                _row("one overview edited", [edit_run], len(rebuilt), 0),
                (
                    "Typst, same text, one core",
                    str(len(typst["seconds"])),
                    seconds(typst["median_seconds"]),
                    seconds(typst["median_cpu_seconds"]),
                    str(len(LANGUAGES)),
                    f"{typst['pages']:,}",
                    f"{typst_pps:.1f}",
                    f"{typst['max_rss_mb']:.0f} MB",
                ),
            ],
            right=range(1, 8),
        )
    )
    return {
        "statements": len(corpus.statements),
        "languages": list(LANGUAGES),
        "translations": corpus.translations,
        "recipients": {
            "count": people.count,
            "countries": people.countries,
            "languages": people.languages,
        },
        "files": dict(kinds),
        "pages": {"all": all_pages, "packs_and_summaries": pack_pages, "by_kind": _by_kind(files)},
        "cold": cold_run.summary(),
        "forced_packs": [r.summary() for r in packs],
        "forced_with_recipients": [r.summary() for r in full],
        "recipients_share": share,
        "pages_per_second": {
            "delivered": ours_pps,
            "packs_and_summaries": packs_pps,
            "typst": typst_pps,
        },
        "noop": {
            "median_seconds": noop,
            "runs": [r.summary() for r in noops],
            "rebuilt": noop_rebuilt,
        },
        "edit": {
            **edit_run.summary(),
            "statement": statement,
            "word": [old, new],
            "rebuilt": rebuilt,
            "expected": expected,
            "baseline_seconds": baseline.seconds,
            "baseline_rebuilt": built_files(baseline.stdout, edit.out)[0],
        },
        "peak_memory_mb": {"max_rss": largest.max_rss_mb, "tree_pss": tree},
        "typst": typst,
    }


def _by_kind(files: list[dict[str, Any]]) -> dict[str, int]:
    found: Counter[str] = Counter()
    for f in files:
        found[f["kind"]] += f["pages"]
    return dict(found)


def _typst(bench: Bench, records: Path, folder: Path) -> dict[str, Any]:
    """Typst in a fresh process per run, on one core: median wall time and its pages."""
    runs: list[Run] = []
    report: dict[str, Any] = {}
    for number in range(max(bench.settings.scale_runs, 3)):
        path = folder / f"report-{number}.json"
        runs.append(
            run(
                [
                    sys.executable,
                    "-m",
                    "bench.typst_compare",
                    "--records",
                    str(records),
                    "--fonts-yaml",
                    str(bench.code / "templates" / "fonts.yaml"),
                    *(arg for lang in LANGUAGES for arg in ("--lang", lang)),
                    "--out",
                    str(folder),
                    "--report",
                    str(path),
                ],
                environment(bench.code),
                bench.code,
            ).check()
        )
        report = json.loads(path.read_text(encoding="utf-8"))
    wall = _median(runs)
    return {
        **report,
        "seconds": [r.seconds for r in runs],
        "median_seconds": wall,
        "median_cpu_seconds": statistics.median(r.cpu_seconds for r in runs),
        "max_rss_mb": max(r.max_rss_mb for r in runs),
        "pages_per_second": report["pages"] / wall,
        "compile_pages_per_second": report["pages"] / report["compile_seconds"],
    }
