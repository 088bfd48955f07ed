#!/usr/bin/env python3
"""Build-speed benchmark for the current tree (`make bench`): every target of issue #20, met or not.

Works on a copy of the project in a temp folder (code, templates, fonts, briefs,
content), so an edited country file is never the real one. Two content trees:
the six countries, and 120 (the six and 114 copies of kz.yaml under other ids).
The country-profiles brief of the copy lists the six countries, so both trees
build the same 54 files and differ only in how much content is loaded and checked.

Every figure is a wall time of a fresh process, as a user runs it (process start
included). Figures that a target compares are measured in the same round, one
after the other, and rounds are repeated (--rounds): each ratio is printed as
min / median / max over the rounds, and a target is met when its median is.
The load average is printed at the start, at each round and at the end: on a
shared machine a round run under load says so.

The edit's build is broken down by phase (the build prints them with BRIEFING_TIMINGS
set, cli.py): start-up, imports, load and check, render, write (each format's task
time), commit; with `python -c pass` measured in the same round for the interpreter.

The edit is one word of a talking point of kz.yaml (shown only in kz's one-pager:
its en and ar-en editions change, 2 PDFs, 2 DOCX and 2 HTML files; an English text,
so the ar edition is not even rendered), a different word each
time; one edit before the rounds puts the text into "needs review", which marks
documents, so the rounds measure the edit alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
COUNTRY = "kz"
COPIES = 114  # six countries and these: 120
# The tree before issue #20's work: the tracker DOCX target ("halved") is a ratio to it,
# measured in the same rounds (--against '' skips it).
BEFORE = "cfd5c98"
PROJECT = [
    "build.py",
    "briefing",
    "templates",
    "fonts",
    "briefs",
    "content",
    "requirements.txt",
    "constraints.txt",
]
WORDS = ["major", "vital", "central", "leading"]  # never "key", the accepted text: its review state stays


def load() -> float:
    return os.getloadavg()[0]


def timed(args: list[str], cwd: Path, check: bool = True) -> tuple[float, str]:
    seconds, stdout, _ = timed_with_stderr(args, cwd, check)
    return seconds, stdout


def timed_with_stderr(args: list[str], cwd: Path, check: bool = True) -> tuple[float, str, str]:
    started = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=ENV)
    seconds = time.perf_counter() - started
    if check and result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}")
    return seconds, result.stdout, result.stderr


# A build prints its phases to stderr with this set (cli.py): the edit's breakdown.
ENV = {**os.environ, "BRIEFING_TIMINGS": "1"}
PHASES = [  # what the breakdown prints, in order: (key, label)
    ("python", "python -c pass (interpreter start and exit)"),
    ("startup", "start-up and exit (wall less the build)"),
    ("imports", "imports of the pipeline"),
    ("plan", "load and check (plan)"),
    ("render", "decide and render"),
    ("write", "write, wall (workers)"),
    ("pdf", "  PDF, task time summed"),
    ("docx", "  DOCX, task time summed"),
    ("html", "  HTML, task time summed"),
    ("commit", "commit, library, locks"),
]


def phases_of(stderr: str) -> dict[str, float]:
    m = re.search(r"^timings (\{.*\})$", stderr, re.M)
    return json.loads(m.group(1)) if m else {}


def build(project: Path, *args: str) -> tuple[float, str]:
    return timed([PY, "build.py", *args], project)


def files_written(stdout: str) -> int:
    m = re.search(r"Built (\d+) file\(s\)", stdout)
    return int(m.group(1)) if m else 0


def make_project(tmp: Path) -> Path:
    project = tmp / "project"
    project.mkdir()
    for name in PROJECT:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("*.tmp"))
        else:
            shutil.copy2(src, project / name)
    brief = project / "briefs" / "country-profiles.yaml"
    six = sorted(p.stem for p in (project / "content" / "countries").glob("*.yaml"))
    text = re.sub(r"(?m)^countries: all$", f"countries: [{', '.join(six)}]", brief.read_text("utf-8"))
    brief.write_text(text, "utf-8")
    big = project / "content120"
    shutil.copytree(project / "content", big)
    source = (big / "countries" / f"{COUNTRY}.yaml").read_text("utf-8")
    for i in range(COPIES):
        cid = f"copy-{i:03d}"
        (big / "countries" / f"{cid}.yaml").write_text(
            re.sub(rf"(?m)^id: {COUNTRY}$", f"id: {cid}", source), "utf-8"
        )
    return project


_edits: dict[Path, int] = {}


def edit(content: Path) -> None:
    """One word of kz's second talking point, a different one from this file's previous edit."""
    path = content / "countries" / f"{COUNTRY}.yaml"
    n = _edits[path] = _edits.get(path, -1) + 1
    text = path.read_text("utf-8")
    word = WORDS[n % len(WORDS)]
    new, count = re.subn(r"make Kazakhstan a \w+ partner", f"make Kazakhstan a {word} partner", text)
    assert count == 1, "the edited sentence is no longer in kz.yaml: update bench.edit"
    path.write_text(new, "utf-8")


# One process: the first DOCX it writes (font subsets from the build's cache, as a build
# worker has them), then the same document again (warm), then each tracker edition.
DOCX = r"""
import json, statistics, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from briefing import cli, docx_fonts, write_docx
from briefing.plan import plan
args = cli.parse_args(["--content", sys.argv[2], "--out", sys.argv[3], "--only", "kz,tracker", "--format", "docx"])
jobs = plan(args)
docx_fonts.cache_dir = Path(sys.argv[3]) / ".cache" / "docx-fonts"
tmp = Path(sys.argv[3]) / "bench.docx"
one = next(j for j in jobs if j.doc_id == "kz" and j.edition == "en")
t = time.perf_counter(); write_docx.write(one.html, tmp, one.metadata); first = time.perf_counter() - t
warm = []
for _ in range(3):
    t = time.perf_counter(); write_docx.write(one.html, tmp, one.metadata); warm.append(time.perf_counter() - t)
tracker = []
for job in jobs:
    if job.doc_id == "tracker":
        t = time.perf_counter(); write_docx.write(job.html, tmp, job.metadata); tracker.append(time.perf_counter() - t)
tmp.unlink()
json.dump({"first": first, "warm": statistics.median(warm), "tracker": statistics.median(tracker)}, sys.stdout)
"""


def docx_times(tree: Path, content: Path, out: Path) -> dict:
    _, stdout = timed([PY, "-c", DOCX, str(tree), str(content), str(out)], tree)
    return json.loads(stdout)


def reference_tree(tmp: Path, rev: str) -> Path | None:
    """The project at `rev` (git archive), with its own output folder for the DOCX font cache."""
    tree = tmp / "before"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True)
    if archive.returncode != 0:
        print(f"(no reference tree: git archive {rev} failed: {archive.stderr.decode().strip()})")
        return None
    (tmp / "before.tar").write_bytes(archive.stdout)
    with tarfile.open(tmp / "before.tar") as tar:
        tar.extractall(tree, filter="data")
    (tree / "out").mkdir()
    return tree


def watch_session(project: Path, content: Path, out: Path, edits: int) -> list[float]:
    """Seconds from a saved edit to the rebuild line (printed once the files are in place):
    the first edit after start, then `edits - 1` more."""
    cmd = [PY, "build.py", "--watch", "-j", "2", "--content", str(content), "--out", str(out)]
    latencies = []
    with subprocess.Popen(
        cmd, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            while not proc.stdout.readline().startswith("watching "):
                if proc.poll() is not None:
                    raise SystemExit("build.py --watch ended before watching")
            time.sleep(1.0)  # the watcher is up
            for _ in range(edits):
                started = time.perf_counter()
                edit(content)
                line = proc.stdout.readline().strip()
                latencies.append(time.perf_counter() - started)
                if not line.startswith("rebuilt"):
                    raise SystemExit(f"watch: unexpected line {line!r}")
                time.sleep(0.5)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return latencies


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--against", default=BEFORE, help=f"git revision for the tracker DOCX comparison (default {BEFORE})"
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress, as it comes
    sys.path.insert(0, str(ROOT))
    from briefing.write_pdf import SUBSETTER

    tmp = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    print(
        f"briefing benchmark: {os.cpu_count()} cores, load average {load():.2f} at start, "
        f"font subsetter {SUBSETTER}, {args.rounds} interleaved rounds; figures are min / median / max"
    )
    try:
        project = make_project(tmp)
        small, big = project / "content", project / "content120"
        out6, out120 = tmp / "out6", tmp / "out120"
        seconds, stdout = build(project, "-j", "2", "--content", str(small), "--out", str(out6))
        print(f"clean build -j 2, 6 countries: {seconds:.1f} s  ({stdout.strip().splitlines()[-1]})")
        shutil.copytree(out6, out120)  # the same 54 outputs: the 120-country build keeps them
        seconds, stdout = build(project, "--content", str(big), "--out", str(out120))
        print(f"first build of the 120-country tree over those outputs: {seconds:.1f} s")
        for content, out in ((small, out6), (big, out120)):  # into "needs review" (see the docstring)
            edit(content)
            build(project, "--content", str(content), "--out", str(out))
        before = reference_tree(tmp, args.against) if args.against else None

        rows: dict[str, list[float]] = {}
        written: dict[str, set[int]] = {"edit6": set(), "edit120": set()}
        breakdown: dict[str, dict[str, list[float]]] = {}  # tree -> phase -> seconds per round
        for r in range(args.rounds):
            rows.setdefault("load", []).append(load())
            rows.setdefault("import", []).append(timed([PY, "-c", "import weasyprint"], project)[0])
            rows.setdefault("python", []).append(timed([PY, "-c", "pass"], project)[0])
            for name, content, out in (("6", small, out6), ("120", big, out120)):
                edit(content)
                seconds, stdout, stderr = timed_with_stderr(
                    [PY, "build.py", "--content", str(content), "--out", str(out)], project
                )
                rows.setdefault("edit" + name, []).append(seconds)
                written["edit" + name].add(files_written(stdout))
                phases = phases_of(stderr)
                phases["startup"] = seconds - phases.get("main", seconds)
                phases["python"] = rows["python"][-1]
                for key, _ in PHASES:
                    breakdown.setdefault(name, {}).setdefault(key, []).append(phases.get(key, 0.0))
                rows.setdefault("noop" + name, []).append(
                    build(project, "--content", str(content), "--out", str(out))[0]
                )
                rows.setdefault("check" + name, []).append(
                    build(project, "--check", "--content", str(content), "--out", str(out))[0]
                )
            d = docx_times(project, small, out6)
            rows.setdefault("docx_first", []).append(d["first"])
            rows.setdefault("docx_warm", []).append(d["warm"])
            rows.setdefault("tracker_docx", []).append(d["tracker"])
            if before is not None:
                b = docx_times(before, before / "content", before / "out")
                rows.setdefault("tracker_docx_before", []).append(b["tracker"])
            print(f"  round {r + 1}: load average {rows['load'][-1]:.2f}")
        watch_first, watch_steady = [], []
        for _ in range(args.rounds):
            latencies = watch_session(project, small, out6, 3)
            watch_first.append(latencies[0])
            watch_steady.append(statistics.median(latencies[1:]))

        def ratio(a: str, b: str) -> list[float]:
            return [x / y for x, y in zip(rows[a], rows[b], strict=True)]

        print()
        print(f"python -c 'import weasyprint':        {spread(rows['import'])} s")
        for name in ("6", "120"):
            n = "/".join(map(str, sorted(written["edit" + name])))
            print(
                f"edit kz.yaml, build.py, {name:>3} countries: {spread(rows['edit' + name])} s  ({n} files written)"
            )
        print("  the edit's breakdown, median s (6 countries | 120); the write phase runs in the workers,")
        print("  which start before planning and import the writers meanwhile:")
        for key, label in PHASES:
            print(
                f"    {label:<44} {statistics.median(breakdown['6'][key]):6.2f} | "
                f"{statistics.median(breakdown['120'][key]):6.2f}"
            )
        for name in ("6", "120"):
            print(f"no-op build.py, {name:>3} countries:         {spread(rows['noop' + name])} s")
        for name in ("6", "120"):
            print(f"build.py --check, {name:>3} countries:       {spread(rows['check' + name])} s")
        print(f"watch, first edit after start:        {spread(watch_first)} s")
        print(f"watch, later edits (median of 2):      {spread(watch_steady)} s")
        print(f"DOCX kz.en, first of a process:       {spread(rows['docx_first'], '{:.3f}')} s")
        print(f"DOCX kz.en, warm:                     {spread(rows['docx_warm'], '{:.3f}')} s")
        print(f"DOCX tracker (median of 3 editions):  {spread(rows['tracker_docx'], '{:.3f}')} s")
        if "tracker_docx_before" in rows:
            print(
                f"DOCX tracker, tree {args.against}:        {spread(rows['tracker_docx_before'], '{:.3f}')} s"
            )

        targets: list[tuple[str, list[float], float, str]] = [
            ("edit, 6 countries / import weasyprint", ratio("edit6", "import"), 1.3, "<="),
            ("edit, 120 countries / import weasyprint", ratio("edit120", "import"), 1.3, "<="),
            ("edit, 120 countries / 6 countries", ratio("edit120", "edit6"), 1.25, "<="),
            ("--check, 120 countries / 6 countries", ratio("check120", "check6"), 2.0, "<="),
            (
                "watch, first edit / later edits",
                [f / s for f, s in zip(watch_first, watch_steady, strict=True)],
                1.25,
                "<=",
            ),
            ("watch, later edits of a one-pager (s)", watch_steady, 0.6, "<="),
            ("DOCX, first of a process / warm", ratio("docx_first", "docx_warm"), 2.0, "<="),
        ]
        if "tracker_docx_before" in rows:
            targets.append(
                (
                    f"DOCX tracker / tree {args.against}",
                    ratio("tracker_docx", "tracker_docx_before"),
                    0.5,
                    "<=",
                )
            )
        print()
        print("targets (issue #20; met when the median is):")
        for label, values, limit, _ in targets:
            met = statistics.median(values) <= limit
            print(f"  {label:<42} {spread(values)}  (target <= {limit:g})  {'met' if met else 'NOT MET'}")
        print(f"load average per round: {', '.join(f'{v:.2f}' for v in rows['load'])}; at end {load():.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
