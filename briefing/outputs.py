"""Writing outputs (phase two of a build): lock the output folder, write every pending
file in worker processes, and put them in place only when all have succeeded.

Every output is staged as a temp file beside its target (files.stage) and
renamed into place (files.commit) only when every one of them was written, so
a failed build leaves the previous outputs as they were. The manifest is saved
only after that.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import files, incremental
from .errors import ContentError, Problem, display_path
from .files import TEMPLATES
from .jobs import Job, brief_files

if TYPE_CHECKING:  # imported where used: a build with nothing to do loads neither these nor WeasyPrint
    from concurrent.futures import Executor, ProcessPoolExecutor

    from .write_pdf import PdfWriter

Log = Callable[[str], None]  # gets each progress line

LOCK_NAME = ".build.lock"
# Our temp files: "." + target name + "." + mkstemp's random part + ".tmp".
STALE_TMP = re.compile(r"\.[A-Za-z0-9][A-Za-z0-9._-]*\.(pdf|docx)\.[A-Za-z0-9_]+\.tmp")


@dataclass
class Result:
    files: int = 0  # written
    pages: int = 0  # PDF pages written
    kept: int = 0  # outputs already up to date
    documents: int = 0  # document editions selected
    peak_rss_mb: float = 0.0  # largest resident memory of a process that wrote a file
    written: list[Path] = field(default_factory=list)  # paths written


# -- workers ------------------------------------------------------------------
# Each worker process keeps its PDF writer (WeasyPrint's font configuration,
# parsed fonts and font subsets) across the documents it is given.
_pdf_writer: PdfWriter | None = None


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_task(
    job: Job, fmt: str, out: Path, templates: Path = TEMPLATES
) -> tuple[Path, Path, int, float, float]:
    """Write one format of one job into a temp file beside its target; return
    (temp, target, pages, seconds, peak memory of this process in MB)."""
    global _pdf_writer
    started = time.perf_counter()
    target = job.target(out, fmt)
    assert job.html is not None  # a job with formats to write was rendered
    tmp = files.stage(target)
    try:
        pages = 0
        if fmt == "pdf":
            if _pdf_writer is None:
                from .write_pdf import PdfWriter

                _pdf_writer = PdfWriter(cache=out / ".cache" / "fonts")
            pages = _pdf_writer.write(
                job.html,
                tmp,
                base_url=templates,
                metadata=job.metadata,
                pages_per_language=job.pages_per_language,
            )
            problems = _pdf_writer.problems(
                f"{job.brief}/{job.doc_id}.{job.edition}",
                pages,
                job.expected_pages,
                templates=templates,
                template=Path(job.template).name,
                source_file=job.source_file,
            )
            if problems:
                raise ContentError(problems)
        else:
            from . import docx_fonts, write_docx

            docx_fonts.cache_dir = out / ".cache" / "docx-fonts"
            write_docx.write(job.html, tmp, job.metadata)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, target, pages, time.perf_counter() - started, _peak_rss_mb()


def _cost(job: Job, fmt: str) -> float:
    """A rough relative cost, to start the longest tasks first: PDFs are the heavy part."""
    return len(job.html or "") * (3.0 if fmt == "pdf" else 1.0)


def make_pool(workers: int, formats: set[str]) -> ProcessPoolExecutor:
    """Worker processes, forked after the writers' modules are imported here, so each
    starts with WeasyPrint / python-docx loaded instead of importing them itself."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "pdf" in formats:
        from . import write_pdf  # noqa: F401
    if "docx" in formats:
        from . import write_docx  # noqa: F401
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


# -- the output folder's lock -----------------------------------------------------
class BuildLocked(Exception):
    pass


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on OUT/.build.lock for the whole write phase.

    A second build into the same folder does not wait: it stops at once with
    exit code 1 and says another build is running (waiting could hang a
    script; a clear refusal can be retried). The lock is released by the
    kernel when the process ends, however it ends, so a killed build never
    leaves a stale lock.
    """
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            # A POSIX record lock (lockf), not flock: it belongs to this process
            # alone, so the workers it forks while holding it (watch mode keeps
            # them) do not keep the folder locked after the build.
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise BuildLocked(
                f"another build is running into {display_path(out)} (pid {holder}); "
                "nothing was written: run again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def clean_stale(out: Path) -> list[Path]:
    """Remove temp files a killed build left behind (ours only: `.<name>.<pdf|docx>.<random>.tmp`)."""
    removed = []
    for path in out.rglob(".*.tmp"):
        if STALE_TMP.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


# -- writing every job ------------------------------------------------------------
def build(
    jobs: list[Job],
    out: Path,
    workers: int,
    log: Log = print,
    pool: Executor | None = None,
    manifest: incremental.Manifest | None = None,
    templates: Path = TEMPLATES,
) -> Result:
    """Under the out folder's lock: write every pending output; rename into place
    only when all have succeeded, then record them in the manifest."""
    with locked(out):
        clean_stale(out)
        return _build(jobs, out, workers, log, pool, manifest, templates)


def _build(
    jobs: list[Job],
    out: Path,
    workers: int,
    log: Log,
    pool: Executor | None,
    manifest: incremental.Manifest | None,
    templates: Path,
) -> Result:
    tasks = [(job, fmt) for job in jobs for fmt in job.formats]
    result = Result(documents=len(jobs), kept=sum(len(j.kept) for j in jobs))
    staged: list[tuple[Job, str, Path, Path, int]] = []
    problems: list[Problem] = []
    total = len(tasks)

    def collect(job: Job, fmt: str, value: tuple[Path, Path, int, float, float]) -> None:
        tmp, target, pages, seconds, rss = value
        staged.append((job, fmt, tmp, target, pages))
        result.peak_rss_mb = max(result.peak_rss_mb, rss)
        extra = f"{pages} page{'s' if pages != 1 else ''}" if fmt == "pdf" else "docx"
        log(f"[{len(staged):>{len(str(total))}}/{total}] {display_path(target)}  {extra}  {seconds:.2f}s")

    own_pool: Executor | None = None
    try:
        if workers == 1 or len(tasks) <= 1:
            for job, fmt in tasks:
                try:
                    collect(job, fmt, run_task(job, fmt, out, templates))
                except ContentError as exc:
                    problems += exc.problems
        else:
            from concurrent.futures import as_completed

            if pool is None:
                pool = own_pool = make_pool(min(workers, len(tasks)), {fmt for _, fmt in tasks})
            tasks.sort(key=lambda t: -_cost(*t))  # longest first: balanced across workers
            futures = {pool.submit(run_task, job, fmt, out, templates): (job, fmt) for job, fmt in tasks}
            for future in as_completed(futures):
                try:
                    collect(*futures[future], future.result())
                except ContentError as exc:
                    problems += exc.problems
        if problems:
            raise ContentError(problems)
    except BaseException:
        for _, _, tmp, *_ in staged:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        if own_pool is not None:
            own_pool.shutdown(cancel_futures=True)
    for _, _, tmp, target, pages in staged:
        files.commit(tmp, target)
        result.files += 1
        result.pages += pages
        result.written.append(target)
    if manifest is not None:
        for job, fmt, _, _, pages in staged:
            manifest.record(
                job.rel(fmt), inputs=job.inputs, key=job.keys.get(fmt, ""), pages=pages, declared=job.declared
            )
        for job in jobs:
            for fmt in job.kept:  # unchanged output, possibly from changed inputs: remember the new ones
                entry = manifest.outputs[job.rel(fmt)]
                entry["inputs"], entry["declared"] = job.inputs, job.declared
    return result


# -- one build, as the command and watch mode run it -------------------------
def selection(args: argparse.Namespace) -> tuple[str, list[Path]]:
    """A key for what the command line selects, and the brief files it reads."""
    briefs = [p.resolve() for p in args.briefs] or brief_files(args)
    key = repr(
        (
            sorted(map(str, args.briefs and briefs)),
            args.only,
            args.edition,
            args.format,
            args.country,
            str(Path(args.content).resolve()),
        )
    )
    return key, briefs


def run(args: argparse.Namespace, log: Log = print, pool: Executor | None = None) -> Result:
    """Build what is out of date (everything with --force); raise ContentError on content problems."""
    out = args.out.resolve()
    manifest = incremental.Manifest(out)
    key, briefs = selection(args)
    templates = Path(args.templates).resolve()
    tree = incremental.tree_digest(Path(args.content), briefs, templates, files.FONTS)
    if not args.force and not args.final:  # --final must look at the briefs' draft fields
        outputs = manifest.up_to_date(key, tree)
        if outputs is not None:  # nothing changed: stop before importing the pipeline
            return Result(kept=len(outputs))
    from .plan import plan  # only now: the no-op path above never imports the pipeline

    later: list[str] = []  # warnings about fields with no value: printed once the build succeeded
    jobs = plan(args, manifest, after=later.append)
    result = build(jobs, out, args.jobs, log=log, pool=pool, manifest=manifest, templates=templates)
    for line in later:
        print(line, file=sys.stderr)
    manifest.selections[key] = {
        "tree": tree,
        "outputs": sorted(j.rel(f) for j in jobs for f in j.formats + j.kept),
    }
    manifest.save()
    if jobs.translations is not None:  # new texts fingerprinted, states changed: translations.py
        for lock in jobs.translations.save():
            log(f"updated {display_path(lock)}")
    return result
