#!/usr/bin/env python3
"""Build-speed benchmark for the current tree (`make bench`). Prints figures; asserts nothing.

Works on a copy of content/ in a temp folder (so an edited country file is never
the real one) and writes to a temp out/. Wall times are of `build.py` run as a
user runs it (process start included), best of --repeat runs; per-document
times are medians over every document, in one warm process.
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
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
COUNTRY = "kz"


def sh(args: list[str], **kw) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([PY, "build.py", *args], cwd=ROOT, capture_output=True, text=True, **kw)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build.py {' '.join(args)} failed:\n{result.stderr}")
    return seconds, result.stdout


def summary(stdout: str) -> dict:
    last = stdout.strip().splitlines()[-1]
    m = re.match(r"Built (\d+) file\(s\) from (\d+) document edition\(s\), (\d+) PDF page\(s\)", last)
    mem = re.search(r"peak memory (\d+) MB", last)
    return {
        "files": int(m.group(1)) if m else 0,
        "documents": int(m.group(2)) if m else 0,
        "pages": int(m.group(3)) if m else 0,
        "peak_mb": int(mem.group(1)) if mem else None,
        "line": last,
    }


def best(values):
    return min(values)


def clean_builds(tmp: Path, content: Path, repeat: int) -> dict:
    out = {}
    for jobs in (1, 2):
        times, info = [], None
        for _ in range(repeat):
            shutil.rmtree(tmp / "out", ignore_errors=True)
            seconds, stdout = sh(["--content", str(content), "--out", str(tmp / "out"), "-j", str(jobs)])
            times.append(seconds)
            info = summary(stdout)
        out[jobs] = {"seconds": best(times), "all": times, **info}
    return out


def edit_country(path: Path, n: int) -> None:
    """A real edit the English pages show (the capital's name), different each time."""
    text = path.read_text(encoding="utf-8")
    # Letters, not digits: the language-parity check (rightly) refuses a number in one language only.
    mark = "".join("abcdefghij"[int(d)] for d in str(n))
    text = re.sub(r'en: "Astana[^"]*"', f'en: "Astana{" " * (n % 2)}(edit {mark})"', text, count=1)
    path.write_text(text, encoding="utf-8")


def incremental(tmp: Path, content: Path, repeat: int) -> dict:
    base = ["--content", str(content), "--out", str(tmp / "out")]
    sh(base)  # up to date before measuring
    noop = [sh(base)[0] for _ in range(repeat)]
    kz = content / "countries" / f"{COUNTRY}.yaml"
    touched, edited, files = [], [], 0
    for i in range(repeat):
        os.utime(kz)  # touched, not changed: hashes say nothing to do
        touched.append(sh(base)[0])
        edit_country(kz, i)
        seconds, stdout = sh(base)
        edited.append(seconds)
        files = summary(stdout)["files"]
    return {
        "noop": best(noop),
        "touch": best(touched),
        "edit": best(edited),
        "edit_files": files,
        "noop_all": noop,
        "edit_all": edited,
    }


def watch_latency(tmp: Path, content: Path, repeat: int) -> dict:
    """Seconds from a saved change to the rebuild line (printed after the files are in place)."""
    cmd = [PY, "build.py", "--watch", "--content", str(content), "--out", str(tmp / "out")]
    kz = content / "countries" / f"{COUNTRY}.yaml"
    latencies, lines = [], []
    with subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as proc:
        try:
            while not proc.stdout.readline().startswith("watching "):
                pass
            time.sleep(0.5)
            for i in range(repeat + 1):  # the first edit also warms the workers' PDF writers
                started = time.perf_counter()
                edit_country(kz, 100 + i)
                line = proc.stdout.readline().strip()
                if i:
                    latencies.append(time.perf_counter() - started)
                    lines.append(line)
                time.sleep(0.3)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return {"best": best(latencies), "median": statistics.median(latencies), "lines": lines}


PER_DOC = r"""
import json, statistics, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from briefing import cli, write_docx
from briefing.write_pdf import PdfWriter
try:
    from briefing.files import TEMPLATES
    from briefing.plan import plan
except ImportError:  # a tree from before the cli split (issue #11)
    plan, TEMPLATES = cli.plan, cli.ROOT / "templates"
args = cli.parse_args(["--content", sys.argv[2]])
jobs = plan(args)
tmp = Path(tempfile.mkdtemp())
try:
    writer = PdfWriter(cache=tmp / "cache")  # an empty cache: every subset is made, as in a clean build
except TypeError:  # a tree from before the subset cache
    writer = PdfWriter()
html = {}
writer.write(jobs[0].html, tmp / "warm.pdf", base_url=TEMPLATES, metadata=jobs[0].metadata)
write_docx.write(jobs[0].html, tmp / "warm.docx", jobs[0].metadata)
pdf, docx = {}, {}
for job in jobs:
    name = f"{job.brief}/{job.doc_id}.{job.edition}"
    html[name] = job.html
    t = time.perf_counter(); writer.write(job.html, tmp / "x.pdf", base_url=TEMPLATES, metadata=job.metadata)
    pdf[name] = time.perf_counter() - t
    t = time.perf_counter(); write_docx.write(job.html, tmp / "x.docx", job.metadata); docx[name] = time.perf_counter() - t
import resource
json.dump({"pdf": pdf, "docx": docx, "html": html, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, sys.stdout)
"""

# A plain WeasyPrint call with default options, nothing of ours loaded (only the
# same bundled fonts, so the layout is the same): the baseline.
BASELINE = r"""
import json, os, sys, tempfile, time
os.environ["FONTCONFIG_FILE"] = sys.argv[1] + "/fonts/fonts.conf"
import weasyprint, weasyprint.pdf.fonts
if sys.argv[3] == "fonttools":  # as on a machine without HarfBuzz-Subset (this project before #7)
    weasyprint.pdf.fonts.harfbuzz_subset = None
import logging; logging.getLogger("weasyprint").setLevel(logging.ERROR)
html = json.load(open(sys.argv[2]))
base = sys.argv[1] + "/templates/"
tmp = tempfile.mkdtemp()
weasyprint.HTML(string=next(iter(html.values())), base_url=base).write_pdf(tmp + "/warm.pdf")
times = {}
for name, text in html.items():
    t = time.perf_counter(); weasyprint.HTML(string=text, base_url=base).write_pdf(tmp + "/x.pdf"); times[name] = time.perf_counter() - t
json.dump(times, sys.stdout)
"""


def per_document(tmp: Path, content: Path) -> dict:
    result = subprocess.run(
        [PY, "-c", PER_DOC, str(ROOT), str(content)], capture_output=True, text=True, check=True
    )
    ours = json.loads(result.stdout)
    (tmp / "html.json").write_text(json.dumps(ours["html"]))
    baselines = {}
    for subsetter in ("default", "fonttools"):
        result = subprocess.run(
            [PY, "-c", BASELINE, str(ROOT), str(tmp / "html.json"), subsetter],
            capture_output=True,
            text=True,
            check=True,
        )
        baselines[subsetter] = json.loads(result.stdout)
    return {"ours": ours, "baselines": baselines}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each wall-time figure; the best is shown"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    try:
        from briefing.write_pdf import SUBSETTER
    except ImportError:  # a tree from before #7
        from weasyprint.text.ffi import harfbuzz_subset

        SUBSETTER = "harfbuzz" if harfbuzz_subset else "fonttools"
    has_watch = (
        "--watch"
        in subprocess.run([PY, "build.py", "--help"], cwd=ROOT, capture_output=True, text=True).stdout
    )

    tmp = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    print(
        f"briefing benchmark: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start, "
        f"font subsetter: {SUBSETTER}; best of {args.repeat} run(s)"
    )
    try:
        clean = clean_builds(tmp, content, args.repeat)
        for jobs, c in clean.items():
            print(
                f"clean build -j {jobs}:          {c['seconds']:6.2f} s wall  ({c['documents']} document editions, "
                f"{c['files']} files, {c['pages']} PDF pages; peak memory {c['peak_mb']} MB per worker)"
            )
        print(f"  -j 2 / -j 1:                {clean[2]['seconds'] / clean[1]['seconds']:6.2f}")
        inc = incremental(tmp, content, args.repeat)
        print(f"no-op rebuild:                {inc['noop']:6.2f} s wall")
        print(f"touch {COUNTRY}.yaml (no change):   {inc['touch']:6.2f} s wall")
        print(
            f"edit {COUNTRY}.yaml, rebuild:       {inc['edit']:6.2f} s wall  ({inc['edit_files']} files rewritten)"
        )
        w = watch_latency(tmp, content, max(3, args.repeat)) if has_watch else None
        if w:
            print(
                f"watch: save -> files written: {w['best']:6.2f} s best, {w['median']:.2f} s median  ({w['lines'][-1]})"
            )
        d = per_document(tmp, content)
        pdf = d["ours"]["pdf"]
        docx = d["ours"]["docx"]
        med = statistics.median(pdf.values())
        print(
            f"per PDF, warm worker:         {med:6.3f} s median over {len(pdf)} (one-pagers "
            f"{statistics.median(v for k, v in pdf.items() if 'tracker' not in k):.3f}, trackers "
            f"{statistics.median(v for k, v in pdf.items() if 'tracker' in k):.3f})"
        )
        print(
            f"per DOCX, warm worker:        {statistics.median(docx.values()):6.3f} s median over {len(docx)}"
        )
        for name, times in d["baselines"].items():
            base = statistics.median(times.values())
            label = (
                "plain WeasyPrint (default options, this machine)"
                if name == "default"
                else "plain WeasyPrint, fontTools subsetting (no libharfbuzz-subset0)"
            )
            ratios = statistics.median(times[k] / pdf[k] for k in pdf)
            print(
                f"baseline {label}: {base:.3f} s median per PDF; ours is {base / med:.1f}x faster "
                f"(median of per-document ratios {ratios:.1f}x)"
            )
        print(f"peak memory, one warm process writing every document: {d['ours']['rss_mb']:.0f} MB")
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
