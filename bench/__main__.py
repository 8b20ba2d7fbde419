"""`make bench`: how fast and how big the builds are on this machine, against the targets.

Every measurement runs the real command line in a fresh process, in a
temporary folder with its own font cache (`BRIEFING_CACHE`), so nothing in
`.cache/` or `output/` is read or changed except `output/bench.json`. The
code, templates, catalogs and records are copied into that folder first and
run from there, so edits made to the working tree while the benchmark runs
(it takes several minutes) cannot mix two versions into one report. A
section that fails is reported as such and the others still run: this is a
report, and it always exits 0.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.corpus import edit_overview, make_corpus
from bench.deliver import measure_deliver
from bench.measure import (
    REPO,
    Run,
    Series,
    briefing_command,
    built_files,
    environment,
    fingerprint,
    load_average,
    machine_info,
    parallel_capacity,
    repeat,
    run,
    snapshot,
)
from bench.report import Check, checks_table, error_check, kilobytes, seconds, table
from bench.scale import measure_scale
from pipeline.i18n.languages import available_languages

# Every language the project ships: each catalog under locales/ (no list to keep in step).
LANGUAGES = tuple(available_languages(REPO / "locales"))

WARM_SUMMARY_TARGET = 0.25  # seconds, one summary in a warm worker
WARM_PACK_TARGET = 1.5  # seconds, the full pack in a warm worker
SUMMARY_SIZE_TARGET = 80 * 1024  # bytes, a Japanese or Korean summary
VALIDATE_TARGET = 2.0  # seconds, `briefing validate` of 1,000 statement files
SPEEDUP_TARGET = 1.7  # --jobs 1 time over --jobs 2 time
MEMORY_TARGET = 600  # MB, max RSS of a full build


@dataclass(frozen=True)
class Settings:
    runs: int
    default_runs: int
    noop_runs: int
    validate_files: int
    validate_runs: int
    jobs_statements: int
    jobs_repeats: int
    report: Path
    keep: bool
    only: tuple[str, ...] = ()
    scale_statements: int = 30
    scale_recipients: int = 150
    scale_runs: int = 2


@dataclass
class Bench:
    """The workspace, and everything measured so far (JSON data, checks, detail tables)."""

    settings: Settings
    root: Path
    code: Path
    data: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def records(self) -> Path:
        return self.code / "statements"

    def env(self, cache: bool = True) -> dict[str, str]:
        """Run the snapshot's code, with the benchmark's font cache unless `cache` is False."""
        return environment(self.code, self.cache if cache else None)

    def run(self, command: list[str], sample_memory: bool = False) -> Run:
        return run(command, self.env(), self.code, sample_memory).check()

    def build(self, *args: str | Path, records: Path | None = None) -> list[str]:
        return [
            *briefing_command(),
            "build",
            "--records",
            str(records or self.records),
            *map(str, args),
        ]

    def section(self, key: str, title: str, measure: Measure) -> None:
        """Run one section; an exception becomes a failed check, and the next section runs."""
        log(f"[{key}] {title} ...")
        start = time.perf_counter()
        try:
            self.data[key] = measure(self)
        except Exception as error:  # a report, not a test: say what broke and go on
            self.data[key] = {"error": f"{type(error).__name__}: {error}"}
            self.checks.append(error_check(key, title, error))
            log(f"[{key}] failed: {error}")
        self.data[key]["section_seconds"] = time.perf_counter() - start
        log(f"[{key}] done in {self.data[key]['section_seconds']:.0f} s")


Measure = Callable[[Bench], dict[str, Any]]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pdf_sizes(out: Path) -> dict[str, int]:
    """The PDFs built, not their copies served with the web edition (site/)."""
    return {
        p.relative_to(out).as_posix(): p.stat().st_size
        for p in sorted(out.rglob("*.pdf"))
        if p.relative_to(out).parts[0] != "site"
    }


# --- 0. The machine -----------------------------------------------------------


def measure_machine(bench: Bench) -> dict[str, Any]:
    """Record the machine and how much two processes really get from its two cores."""
    info = machine_info()
    info["parallel"] = parallel_capacity()
    ceiling = info["parallel"]["speedup_ceiling"]
    bench.checks.append(
        Check(
            "0",
            "CPU: two processes vs one (ceiling for --jobs 2)",
            f"{ceiling:.2f}×",
            note=f"load average {info['load_average']}",
        )
    )
    return info


# --- 1, 8, 9. Cold build -----------------------------------------------------------


def measure_cold_build(bench: Bench) -> dict[str, Any]:
    """A first build on a new machine: empty font cache, empty output folder, all languages."""
    result = bench.run(bench.build("--out", bench.out), sample_memory=True)
    built, _ = built_files(result.stdout, bench.out)
    sizes = pdf_sizes(bench.out)
    bench.checks.append(
        Check(
            "1",
            f"Cold full build, {len(LANGUAGES)} languages, empty font cache",
            seconds(result.seconds),
            note=f"{len(built)} PDFs, CPU {seconds(result.cpu_seconds)}",
        )
    )
    pss = result.peak_tree_pss_mb or 0
    bench.checks.append(
        Check(
            "8",
            "Peak memory of a full build (max RSS of one process)",
            f"{result.max_rss_mb:.0f} MB",
            f"≤ {MEMORY_TARGET} MB",
            result.max_rss_mb <= MEMORY_TARGET,
            f"all build processes together: {pss:.0f} MB PSS, {result.peak_tree_rss_mb or 0:.0f} "
            "MB RSS",
        )
    )
    size_checks(bench, sizes)
    return {**result.summary(), "files": len(built), "sizes": sizes}


def size_checks(bench: Bench, sizes: dict[str, int]) -> None:
    """Section 9: every PDF of the build, and the Japanese and Korean summary target."""
    statements = sorted(
        {Path(p).name.removesuffix("-summary.pdf") for p in sizes if p.endswith("-summary.pdf")}
    )
    rows = [
        (
            lang,
            *(kilobytes(sizes.get(f"{lang}/{s}-summary.pdf", 0)) for s in statements),
            kilobytes(sizes.get(f"{lang}/briefing-pack.pdf", 0)),
        )
        for lang in LANGUAGES
    ]
    bench.details.append(
        "PDF sizes of the cold build (9)\n"
        + table(
            ("lang", *(f"summary {s}" for s in statements), "pack"),
            rows,
            right=range(1, len(statements) + 2),
        )
    )
    cjk = {
        p: size
        for p, size in sizes.items()
        if p.endswith("-summary.pdf") and p.split("/")[0] in ("ja", "ko")
    }
    largest = max(cjk, key=cjk.__getitem__)
    over = [p for p, size in cjk.items() if size > SUMMARY_SIZE_TARGET]
    bench.checks.append(
        Check(
            "3/9",
            "Largest Japanese/Korean summary PDF",
            kilobytes(cjk[largest]),
            f"≤ {kilobytes(SUMMARY_SIZE_TARGET)}",
            not over,
            f"{len(cjk) - len(over)} of {len(cjk)} within target; over: "
            + (", ".join(f"{p} {cjk[p] / 1024:.1f} KB" for p in sorted(over)) or "none"),
        )
    )
    bench.checks.append(
        Check(
            "9",
            "All PDFs of the build",
            kilobytes(sum(sizes.values())),
            note=f"{len(sizes)} files; packs "
            + ", ".join(
                kilobytes(sizes[f"{lang}/briefing-pack.pdf"])
                for lang in LANGUAGES
                if f"{lang}/briefing-pack.pdf" in sizes
            ),
        )
    )


# --- 4. No-op rebuild -------------------------------------------------------------


def measure_noop(bench: Bench) -> dict[str, Any]:
    """Nothing changed: how long `briefing build` takes to say so, and what it imports."""
    bench.run(bench.build("--out", bench.out))  # a no-op after the cold build
    series = repeat(
        bench.settings.noop_runs, bench.build("--out", bench.out), bench.env(), bench.code
    )
    rebuilt = sorted({f for r in series.runs for f in built_files(r.stdout, bench.out)[0]})
    report = bench.root / "probe.json"
    probe = bench.run(
        [
            sys.executable,
            "-m",
            "bench.probe",
            str(report),
            "build",
            "--records",
            str(bench.records),
            "--out",
            str(bench.out),
        ]
    )
    imported = json.loads(report.read_text(encoding="utf-8"))
    importtime = bench.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "pipeline",
            "build",
            "--records",
            str(bench.records),
            "--out",
            str(bench.out),
        ]
    )
    imports = slowest_imports(importtime.stderr)
    bench.checks.append(
        Check(
            "4",
            f"No-op rebuild, whole process (median of {len(series.runs)})",
            seconds(series.median),
            note=f"rebuilt {len(rebuilt)} files; imports: "
            + ", ".join(f"{name} {ms:.0f} ms" for name, ms in list(imports.items())[:3]),
        )
    )
    heavy = [name for name, present in imported["imported"].items() if present]
    bench.checks.append(
        Check(
            "4",
            "No-op rebuild imports WeasyPrint",
            "yes" if imported["imported"]["weasyprint"] else "no",
            "no",
            not imported["imported"]["weasyprint"] and not rebuilt,
            "also imported: " + (", ".join(h for h in heavy if h != "weasyprint") or "none"),
        )
    )
    return {
        **series.summary(),
        "rebuilt": rebuilt,
        "probe": imported,
        "probe_seconds": probe.seconds,
        "slowest_imports_ms": imports,
    }


def slowest_imports(stderr: str, top: int = 6) -> dict[str, float]:
    """Return milliseconds of import by top-level package, from `python -X importtime`.

    Each module's own ("self") time is added to its package, so nested imports
    are not counted twice and `pipeline` shows only its own modules' cost.
    """
    found: dict[str, float] = {}
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s+(\S+)$", line)
        if match:
            name = match.group(2).split(".")[0]
            found[name] = found.get(name, 0) + int(match.group(1)) / 1000
    return dict(sorted(found.items(), key=lambda kv: -kv[1])[:top])


# --- 2, 3. Warm per-document time -------------------------------------------------


def measure_warm(bench: Bench) -> dict[str, Any]:
    """Each document in a warm worker, with the project's subsets and with system fonts."""
    runs = {"subsets": bench.settings.runs, "default": bench.settings.default_runs}
    modes = {mode: warm_mode(bench, mode, count) for mode, count in runs.items()}
    subsets, default = (modes[m]["jobs"] for m in ("subsets", "default"))
    if [(j["kind"], j["lang"], j["statements"]) for j in subsets] != [
        (j["kind"], j["lang"], j["statements"]) for j in default
    ]:
        raise RuntimeError("the two font modes planned different documents")
    header = (
        "lang",
        "document",
        "layouts",
        "subsets",
        "layout / pdf s",
        "edited: layouts",
        "edited",
        "default fonts",
        "default/subsets",
        "size subsets",
        "size default",
    )
    rows = [warm_row(ours, theirs) for ours, theirs in zip(subsets, default, strict=True)]
    bench.details.append(
        f"Warm typesetting per document (2, 3): medians of {runs['subsets']} runs (subsets) and "
        f"{runs['default']} runs (default fonts), each after a warm-up. 'edited': the same "
        "summary\nwith its remembered density removed (cache/fit/), as after an edit of its "
        "statement.\n" + table(header, rows, right=range(2, 11))
    )
    warm_checks(bench, subsets, default)
    return modes


def warm_row(ours: dict[str, Any], theirs: dict[str, Any]) -> tuple[str, ...]:
    what = ours["kind"] if ours["kind"] == "pack" else f"summary {ours['statements'][0]}"
    fresh = ours["fresh_fit"]
    return (
        ours["lang"],
        what,
        f"{ours['median_layouts']:g}",
        seconds(ours["median_seconds"]),
        f"{ours['median_layout_seconds']:.2f} / {ours['median_pdf_seconds']:.2f}",
        f"{fresh['median_layouts']:g}" if fresh else "",
        seconds(fresh["median_seconds"]) if fresh else "",
        seconds(theirs["median_seconds"]),
        f"{theirs['median_seconds'] / ours['median_seconds']:.2f}×",
        kilobytes(ours["bytes"]),
        kilobytes(theirs["bytes"]),
    )


def warm_mode(bench: Bench, mode: str, runs: int) -> dict[str, Any]:
    report = bench.root / f"warm-{mode}.json"
    fresh = ["--fresh-fits"] if mode == "subsets" else []
    result = bench.run(
        [
            sys.executable,
            "-m",
            "bench.warm",
            "--records",
            str(bench.records),
            "--cache",
            str(bench.cache),
            "--out",
            str(bench.root / "warm-out"),
            "--fonts",
            mode,
            "--runs",
            str(runs),
            "--report",
            str(report),
            *fresh,
        ]
    )
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    data["process"] = result.summary()
    return data


def warm_checks(bench: Bench, subsets: list[dict[str, Any]], default: list[dict[str, Any]]) -> None:
    summaries = [j for j in subsets if j["kind"] == "summary"]
    slow = [j for j in summaries if j["median_seconds"] > WARM_SUMMARY_TARGET]
    slowest = max(summaries, key=lambda j: j["median_seconds"])
    bench.checks.append(
        Check(
            "2",
            "Warm summary, project subsets (slowest median)",
            seconds(slowest["median_seconds"]),
            f"≤ {seconds(WARM_SUMMARY_TARGET)}",
            not slow,
            f"{slowest['lang']} {slowest['statements'][0]}, {slowest['median_layouts']:g} layouts; "
            f"{len(summaries) - len(slow)} of {len(summaries)} within target",
        )
    )
    fresh = [j for j in summaries if j["fresh_fit"]]
    if fresh:
        worst = max(fresh, key=lambda j: j["fresh_fit"]["median_seconds"])
        within = sum(j["fresh_fit"]["median_seconds"] <= WARM_SUMMARY_TARGET for j in fresh)
        bench.checks.append(
            Check(
                "2",
                "Warm summary just edited (density searched again)",
                seconds(worst["fresh_fit"]["median_seconds"]),
                note=f"{worst['lang']} {worst['statements'][0]}, "
                f"{worst['fresh_fit']['median_layouts']:g} layouts; {within} of {len(fresh)} "
                f"within {seconds(WARM_SUMMARY_TARGET)}",
            )
        )
    packs = {j["lang"]: j["median_seconds"] for j in subsets if j["kind"] == "pack"}
    bench.checks.append(
        Check(
            "2",
            "Warm pack, project subsets (slowest median)",
            seconds(max(packs.values())),
            f"≤ {seconds(WARM_PACK_TARGET)}",
            max(packs.values()) <= WARM_PACK_TARGET,
            ", ".join(f"{k} {seconds(v)}" for k, v in packs.items()),
        )
    )
    for kind in ("summary", "pack"):
        ratios = sorted(
            (
                b["median_seconds"] / a["median_seconds"],
                a["lang"],
                a["statements"][0] if kind == "summary" else "",
            )
            for a, b in zip(subsets, default, strict=True)
            if a["kind"] == kind
        )
        bench.checks.append(
            Check(
                "3",
                f"Default fonts / subsets, warm {kind} time",
                f"{ratios[0][0]:.2f}–{ratios[-1][0]:.2f}×",
                note=", ".join(
                    f"{lang} {what} {ratio:.2f}×".replace("  ", " ") for ratio, lang, what in ratios
                )
                if kind == "pack"
                else f"highest {ratios[-1][1]} {ratios[-1][2]}, lowest "
                f"{ratios[0][1]} {ratios[0][2]}",
            )
        )
    bench.checks.append(
        Check(
            "3",
            "Pack size, subsets vs default fonts",
            "",
            note=", ".join(
                f"{a['lang']} {kilobytes(a['bytes'])} vs {kilobytes(b['bytes'])}"
                for a, b in zip(subsets, default, strict=True)
                if a["kind"] == "pack"
            ),
        )
    )


# --- 5. One statement edited ------------------------------------------------------


def measure_edit(bench: Bench) -> dict[str, Any]:
    """Change one word of one overview: only what shows that overview should be rebuilt."""
    records, out = bench.root / "records-edit", bench.root / "out-edit"
    shutil.copytree(bench.records, records)
    if not (records.parent / "sources").exists():  # the records cite them, beside the folder
        shutil.copytree(bench.records.parent / "sources", records.parent / "sources")
    if bench.out.is_dir():
        shutil.copytree(bench.out, out)  # the cold build's outputs: same inputs, other folder
    baseline = bench.run(bench.build("--out", out, records=records))
    statement, old, new = edit_overview(records)
    result = bench.run(bench.build("--out", out, records=records))
    built, skipped = built_files(result.stdout, out)
    expected = sorted(
        [
            *(f"{lang}/{statement}-summary.pdf" for lang in LANGUAGES),
            *(f"{lang}/briefing-pack.pdf" for lang in LANGUAGES),
        ]
    )
    data = {
        **result.summary(),
        "statement": statement,
        "word": [old, new],
        "rebuilt": built,
        "up_to_date": skipped,
        "expected": expected,
        "baseline_rebuilt": built_files(baseline.stdout, out)[0],
        "baseline_seconds": baseline.seconds,
    }
    pages = [name for name in built if name.startswith("site/")]  # the web edition's
    extra = sorted(set(built) - set(expected) - set(pages))
    missing = sorted(set(expected) - set(built))
    bench.checks.append(
        Check(
            "5",
            "Rebuild after one word of one overview changed",
            seconds(result.seconds),
            "its 4 summaries + 4 packs",
            not extra and not missing,
            f"rebuilt {len(built)} ({len(pages)} of the web edition), up to date {len(skipped)}"
            + (f"; unexpected {extra}" if extra else "")
            + (f"; missing {missing}" if missing else ""),
        )
    )
    return data


# --- 11. The web edition ----------------------------------------------------------------


def measure_web(bench: Bench) -> dict[str, Any]:
    """`build --only web` of every language, its PDFs up to date: the site alone, made again."""
    out = bench.root / "out-web"
    if bench.out.is_dir():
        shutil.copytree(bench.out, out)  # the cold build's PDFs: only the site is made
    bench.run(bench.build("--only", "web", "--out", out))  # PDFs the site serves, if not yet
    times = []
    for _ in range(bench.settings.runs):
        shutil.rmtree(out / "site")
        times.append(bench.run(bench.build("--only", "web", "--out", out)).seconds)
    median = sorted(times)[len(times) // 2]
    files = sum(1 for p in (out / "site").rglob("*") if p.is_file())
    bench.checks.append(
        Check(
            "11",
            f"The web edition alone, {len(LANGUAGES)} languages, PDFs up to date",
            seconds(median),
            "< 2 s",
            median < 2,
            f"{files} files, median of {len(times)} runs",
        )
    )
    return {"seconds": times, "median": median, "files": files}


# --- 6. Validating 1,000 statements ------------------------------------------------


def measure_validate(bench: Bench) -> dict[str, Any]:
    """`briefing validate` of a folder of 1,000 cloned statements, as a pre-commit hook sees it."""
    corpus = make_corpus(
        bench.records, bench.root / "validate-corpus", bench.settings.validate_files
    )
    series = repeat(
        bench.settings.validate_runs,
        [*briefing_command(), "validate", str(corpus.folder)],
        bench.env(cache=False),
        bench.code,
    )
    data = {
        **series.summary(),
        "statements": len(corpus.statements),
        "files": corpus.files,
        "bytes": corpus.bytes,
        "said": series.runs[0].stderr.strip(),
    }
    bench.checks.append(
        Check(
            "6",
            f"validate {len(corpus.statements):,} statements (median of {len(series.runs)})",
            seconds(series.median),
            f"≤ {seconds(VALIDATE_TARGET)}",
            series.median <= VALIDATE_TARGET,
            f"{corpus.files} files, {corpus.bytes / 2**20:.1f} MB",
        )
    )
    return data


# --- 7. --jobs 2 over --jobs 1 ----------------------------------------------------


def measure_jobs(bench: Bench) -> dict[str, Any]:
    """The same forced build with one worker and with two, on a generated corpus.

    With `--jobs-repeats` above 1 the two are alternated and their medians
    compared, so a slow spell of the (shared, virtual) machine hits both.
    """
    count = bench.settings.jobs_statements
    corpus = make_corpus(bench.records, bench.root / "jobs-corpus", count, ("ja", "ko"))
    out = bench.root / "out-jobs"
    # A first build warms the caches both timed builds then share: the font stage of
    # this corpus and the density that fits each summary on one page (cache/fit/).
    warmup = bench.run(bench.build("--out", out, records=corpus.folder))
    ceiling = parallel_capacity()["speedup_ceiling"]
    runs: dict[int, Series] = {1: Series(), 2: Series()}
    for _ in range(bench.settings.jobs_repeats):
        for jobs in (1, 2):
            load = load_average()
            runs[jobs].runs.append(
                bench.run(
                    bench.build(
                        "--out", out, "--force", "--jobs", str(jobs), records=corpus.folder
                    ),
                    sample_memory=True,
                )
            )
            log(f"  --jobs {jobs}: {runs[jobs].runs[-1].seconds:.1f} s (load before: {load})")
    files = len(built_files(runs[1].runs[0].stdout, out)[0])
    speedup = runs[1].median / runs[2].median
    single, double = runs[1].runs[0], runs[2].runs[0]
    bench.checks.append(
        Check(
            "7",
            f"--jobs 2 speed-up, {count} statements × {len(LANGUAGES)} languages ({files} PDFs)",
            f"{speedup:.2f}×",
            f"≥ {SPEEDUP_TARGET}×",
            speedup >= SPEEDUP_TARGET,
            f"jobs 1 {seconds(runs[1].median)}, jobs 2 {seconds(runs[2].median)}; CPU used "
            f"{seconds(runs[1].median_cpu)} vs {seconds(runs[2].median_cpu)}; machine ceiling "
            f"now {ceiling:.2f}×",
        )
    )
    bench.checks.append(
        Check(
            "8",
            f"Peak memory, --jobs 1 build of {count} statements",
            f"{single.max_rss_mb:.0f} MB",
            note=f"--jobs 2: {double.max_rss_mb:.0f} MB largest process, "
            f"{double.peak_tree_pss_mb or 0:.0f} MB PSS all together",
        )
    )
    return {
        "statements": count,
        "translations": corpus.translations,
        "languages": list(LANGUAGES),
        "files": files,
        "speedup": speedup,
        "cpu_ratio": runs[2].median_cpu / runs[1].median_cpu,
        "speedup_ceiling": ceiling,
        "warmup_seconds": warmup.seconds,
        "jobs_1": runs[1].summary(),
        "jobs_2": runs[2].summary(),
        "memory": {jobs: [r.summary() for r in series.runs] for jobs, series in runs.items()},
    }


SECTIONS: list[tuple[str, str, Measure]] = [
    ("machine", "0 machine", measure_machine),
    ("cold", "1/8/9 cold full build", measure_cold_build),
    ("noop", "4 no-op rebuild", measure_noop),
    ("warm", "2/3 warm per-document typesetting", measure_warm),
    ("edit", "5 one-statement-edited rebuild", measure_edit),
    ("validate", "6 validate 1,000 statements", measure_validate),
    ("jobs", "7 --jobs 2 over --jobs 1", measure_jobs),
    ("scale", "10 scale corpus with recipients, Typst beside it", measure_scale),
    ("deliver", "11 briefing send: 150 members' packs to a local SMTP server", measure_deliver),
    ("web", "12 the web edition alone", measure_web),
]


def parse_args(argv: list[str] | None) -> Settings:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        help="warm runs per document with the project's subsets (≥ 5)",
    )
    parser.add_argument(
        "--default-runs",
        type=int,
        default=3,
        help="warm runs per document with WeasyPrint's own font handling "
        "(3 by default to keep `make bench` near 10 minutes)",
    )
    parser.add_argument("--noop-runs", type=int, default=5)
    parser.add_argument("--validate-files", type=int, default=1000)
    parser.add_argument("--validate-runs", type=int, default=3)
    parser.add_argument(
        "--jobs-statements",
        type=int,
        default=6,
        help="statements in the --jobs corpus (each with ja and ko)",
    )
    parser.add_argument(
        "--jobs-repeats",
        type=int,
        default=2,
        help="alternate --jobs 1 and --jobs 2 this many times (medians)",
    )
    parser.add_argument(
        "--scale-statements", type=int, default=30, help="statements in the scale corpus"
    )
    parser.add_argument(
        "--scale-recipients", type=int, default=150, help="recipients in the scale corpus"
    )
    parser.add_argument(
        "--scale-runs",
        type=int,
        default=2,
        help="alternate the scale corpus's forced builds (packs, with recipients) this many times",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SECTION",
        choices=[key for key, _, _ in SECTIONS],
        help="run only this section (repeatable); the machine is always described",
    )
    parser.add_argument("--report", type=Path, default=REPO / "output" / "bench.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    return Settings(
        args.runs,
        args.default_runs,
        args.noop_runs,
        args.validate_files,
        args.validate_runs,
        args.jobs_statements,
        args.jobs_repeats,
        args.report,
        args.keep,
        tuple(args.only),
        args.scale_statements,
        args.scale_recipients,
        args.scale_runs,
    )


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    try:
        bench = Bench(settings, root, snapshot(root / "code"))
        bench.data["code"] = {"measured": fingerprint(bench.code)}
        for key, title, measure in SECTIONS:
            if key == "machine" or not settings.only or key in settings.only:
                bench.section(key, title, measure)
    finally:
        if settings.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    elapsed = time.perf_counter() - started
    code = bench.data["code"]
    code["working_tree_at_end"] = fingerprint(REPO)
    code["changed_during_run"] = code["measured"] != code["working_tree_at_end"]
    print_report(bench, elapsed)
    write_report(bench, elapsed)
    return 0


def print_report(bench: Bench, elapsed: float) -> None:
    machine = bench.data.get("machine", {})
    print(
        f"\nbriefing benchmark — {machine.get('date', '')}, {machine.get('cpu_count')} cores "
        f"({machine.get('cpu_model', '?')}), Python {machine.get('python')}, WeasyPrint "
        f"{machine.get('weasyprint')}, git {machine.get('git')}"
        f"{' (uncommitted changes)' if machine.get('git_dirty') else ''}\n"
    )
    if bench.data["code"]["changed_during_run"]:
        print(
            "Note: the working tree changed during the run; every section measured the "
            f"snapshot taken at the start (fingerprint {bench.data['code']['measured']}).\n"
        )
    print(checks_table(bench.checks))
    for detail in bench.details:
        print(f"\n{detail}")
    judged = [c for c in bench.checks if c.passed is not None]
    passed = sum(1 for c in judged if c.passed)
    print(
        f"\n{passed} of {len(judged)} targets met; load average now {load_average()}; "
        f"benchmark took {elapsed / 60:.1f} min. Report: {bench.settings.report}"
    )


def write_report(bench: Bench, elapsed: float) -> None:
    bench.settings.report.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "settings": {
            k: str(v) if isinstance(v, Path) else v for k, v in vars(bench.settings).items()
        },
        "elapsed_seconds": elapsed,
        "machine": bench.data.get("machine", {}),
        "checks": [c.as_dict() for c in bench.checks],
        "sections": {k: v for k, v in bench.data.items() if k != "machine"},
    }
    bench.settings.report.write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    sys.exit(main())
