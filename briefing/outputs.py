"""Writing outputs (phase two of a build): lock the output folder, write every pending
file in worker processes, and put them in place only when all have succeeded.

Every output is staged as a temp file beside its target (files.stage) and
renamed into place (files.commit) only when every one of them was written, so
a failed build leaves the previous outputs as they were. The manifest is staged
too, before the first rename, and renamed last: a full disk fails the build
before anything changed, and a build killed while renaming leaves outputs the
manifest does not vouch for, which the next build therefore rebuilds.

Stopping: SIGTERM (a supervisor, an IDE, `docker stop`) ends a build like
Ctrl-C: its temp files are removed and its workers ended; each worker also
asks the kernel to end it when the build process dies, however it dies
(PR_SET_PDEATHSIG), so none is ever left running on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import functools
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import files, incremental
from .errors import ContentError, Problem, display_path
from .files import TEMPLATES
from .jobs import Job, Metadata, brief_files

if TYPE_CHECKING:  # imported where used: a build with nothing to do loads neither these nor WeasyPrint
    from concurrent.futures import Executor, ProcessPoolExecutor

    from .write_pdf import PdfWriter

Log = Callable[[str], None]  # gets each progress line

LOCK_NAME = ".build.lock"
# Ours: "." + the target's name + "." + mkstemp's random part + ".tmp", for an output,
# the manifest, a font subset in the cache, or a library file (index.html, a font, its licence).
STALE_TMP = re.compile(
    r"\.(?:[A-Za-z0-9][A-Za-z0-9._-]*\.(?:pdf|docx|html|ttf|txt)|\.manifest\.json)\.[A-Za-z0-9_]{8}\.tmp"
)


@dataclass
class Result:
    files: int = 0  # written
    pages: int = 0  # PDF pages written
    kept: int = 0  # outputs already up to date
    documents: int = 0  # document editions selected
    peak_rss_mb: float = 0.0  # largest resident memory of a process that wrote a file
    written: list[Path] = field(default_factory=list)  # paths written
    removed: list[Path] = field(default_factory=list)  # outputs of documents that no longer exist, removed
    page_findings: list[str] = field(default_factory=list)  # what the page-quality gate found, one line each
    # Seconds per phase (cli prints them with BRIEFING_TIMINGS set; the bench breaks a build down):
    # imports (the pipeline, in this process), plan (load and check), render (decide what is out of
    # date, render it), write (until every file is staged), then each format's task time summed over
    # the workers, and commit (files into place, the manifest, the library, the translation locks).
    phases: dict[str, float] = field(default_factory=dict)


# -- workers ------------------------------------------------------------------
# Each worker process keeps its PDF writer (WeasyPrint's font configuration,
# parsed fonts and font subsets) across the documents it is given.
_pdf_writer: PdfWriter | None = None


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_task(
    job: Job, fmt: str, out: Path, templates: Path = TEMPLATES
) -> tuple[Path, Path, int, float, float, list[str]]:
    """Write one format of one job into a temp file beside its target; return
    (temp, target, pages, seconds, peak memory of this process in MB, what the
    page-quality gate found on a PDF's pages)."""
    global _pdf_writer
    assert job.html is not None, "a format to build implies a rendered document (plan.py)"
    started = time.perf_counter()
    target = job.target(out, fmt)
    assert job.html is not None  # a job with formats to write was rendered
    try:
        tmp = files.stage(target)
    except OSError as exc:
        raise WriteError([write_problem(target, exc)]) from None
    findings: list[str] = []
    try:
        pages = 0
        if fmt == "pdf":
            if _pdf_writer is None:
                from .write_pdf import PdfWriter

                _pdf_writer = PdfWriter(cache=out / files.CACHE / "fonts")
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
            findings = list(_pdf_writer.page_findings)
        elif fmt == "html":
            from . import write_html

            try:
                write_html.write(job.html, tmp, job.metadata, templates=templates)
            except write_html.Refused as exc:
                name = f"{job.brief}/{job.doc_id}.{job.edition}"
                raise ContentError(
                    write_html.problems(name, exc, templates=templates, template=Path(job.template).name)
                ) from None
        else:
            from . import docx_fonts, write_docx

            docx_fonts.cache_dir = out / files.CACHE / "docx-fonts"
            write_docx.write(job.html, tmp, job.metadata)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # the disk is full, the folder went read-only…
            raise WriteError([write_problem(target, exc)]) from None
        raise
    return tmp, target, pages, time.perf_counter() - started, _peak_rss_mb(), findings


class WriteError(ContentError):
    """The output folder cannot take a file (full, read-only, not a folder): the build
    stops at the first one, as nothing else can be written either."""


def write_problem(path: Path, exc: OSError) -> Problem:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason += " (the disk is full)"
    return Problem(display_path(path), 1, 1, "(write)", f"cannot write this file: {reason}")


def _cost(job: Job, fmt: str) -> float:
    """A rough relative cost, to start the longest tasks first: PDFs are the heavy part."""
    return len(job.html or "") * {"pdf": 3.0, "docx": 1.0}.get(fmt, 0.1)


def make_pool(
    workers: int, formats: set[str], warm: Path | None = None, layout: bool = False
) -> ProcessPoolExecutor:
    """Worker processes for writing `formats`.

    Without `warm`, forked after the writers' modules are imported here, so each starts
    with WeasyPrint / python-docx loaded. With `warm` (the output folder), started at
    once and each imports them itself and makes its PDF writer (warm_writers): a build
    starts them before planning, so those imports run on the other cores while it plans,
    and this process never imports WeasyPrint. `layout`: each also writes a page in each
    language (watch mode: the first edit then costs what the later ones do).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if warm is None:
        if "pdf" in formats:
            from . import write_pdf  # noqa: F401
        if "docx" in formats:
            from . import write_docx  # noqa: F401
        if "html" in formats:
            from . import write_html  # noqa: F401
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_started,
        initargs=(os.getpid(), formats, warm, layout),
    )
    if warm is not None:
        pool.submit(int)  # with fork, every worker starts at the first task: now
    return pool


def _worker_started(parent: int, formats: set[str], warm: Path | None, layout: bool) -> None:
    """In each worker: die with the build process, and leave stopping to it; then warm up."""
    # The build forwards SIGTERM as an exception; a worker would catch that in its
    # task and carry on. The default action ends the worker; Ctrl-C (SIGINT reaches
    # the whole process group) is for the build process to handle: it ends us.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the build died before the line above: nobody to work for
        os._exit(1)
    if warm is not None:
        warm_writers(formats, warm, layout)
    freeze_what_is_loaded(collect_first=True)  # the warm-up's pages are garbage: not kept for good


def freeze_what_is_loaded(collect_first: bool = False) -> None:
    """Leave what this process has loaded so far (modules, fonts, parsed templates: it lives as long
    as the process) out of the garbage collector's full passes, once. A full pass walks every object
    a process holds, and one falls inside a document's write or a build's plan at random: with
    WeasyPrint loaded, about a tenth of the bilingual one-pager's PDF. Only once per process: what a
    watch session holds later (each rebuild's content) is collected as usual."""
    import gc

    global _frozen
    if not _frozen:
        _frozen = True
        if collect_first:
            gc.collect()
        gc.freeze()


_frozen = False


# A page in each language, with the project's stylesheet and every face of both fonts.
WARM_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="style.css"></head><body>
<article lang="ar" dir="rtl"><h1>نقاط للحديث</h1><p>وزير الخارجية <b>رئيس الحكومة</b> 2025</p></article>
<article lang="en" dir="ltr"><h1>Talking points</h1><p>Foreign minister <b>Head</b> <i>of government</i> 2025</p>
</article></body></html>"""


WARM_GRAPHICS = 24  # the most recently drawn: the six countries' maps in two languages, and more


def _warm_graphics(out: Path) -> str:
    """A page of the maps and charts last drawn (OUT/.cache/graphics, graphics.py): drawing them
    keeps them parsed (write_pdf._KeptImages, by the same data: URL the documents use) and their
    SVG paths (write_pdf._kept_svg_path) in this writer, so the first edit of a watch session
    draws its one-pager's maps as fast as the later edits do."""
    import base64

    folder = out / files.CACHE / "graphics"
    drawn = sorted(folder.glob("*.svg"), key=lambda p: p.stat().st_mtime, reverse=True)[:WARM_GRAPHICS]
    images = []
    for path in drawn:
        svg = base64.b64encode(files.read_inside(path, folder, 1_000_000, "graphics")).decode("ascii")
        images.append(f'<img alt="" src="data:image/svg+xml;base64,{svg}">')
    return f'<!DOCTYPE html><html lang="en"><body>{"".join(images)}</body></html>' if images else ""


def warm_writers(formats: set[str], out: Path, layout: bool = False, templates: Path = TEMPLATES) -> None:
    """Import the writers of `formats` and make this process's PDF writer (fonts configured);
    with `layout`, write a page in each language too (fonts loaded, shaped, subset), to a
    temp file in OUT/.cache that is removed. Only ever faster: a failure here is left for
    the real document to report."""
    global _pdf_writer
    try:
        if "docx" in formats:
            from . import write_docx  # noqa: F401
        if "html" in formats:
            from . import write_html  # noqa: F401
        if "pdf" not in formats:
            return
        if _pdf_writer is None:
            from .write_pdf import PdfWriter

            _pdf_writer = PdfWriter(cache=out / files.CACHE / "fonts")
        if layout:
            import datetime as dt

            tmp = files.stage(out / files.CACHE / "warm.pdf")
            try:
                metadata: Metadata = {
                    "title": "warm-up",
                    "authors": [],
                    "subject": "",
                    "lang": "en",
                    "as_of": dt.date(2000, 1, 1),
                    "generator": "warm-up",
                    "pdf_a": False,
                    "web": {},
                }
                _pdf_writer.write(WARM_HTML, tmp, base_url=templates, metadata=metadata)
                graphics = _warm_graphics(out)
                if graphics:
                    _pdf_writer.write(graphics, tmp, base_url=templates, metadata=metadata)
            finally:
                tmp.unlink(missing_ok=True)
    except Exception:  # a warm-up only: the real document reports what went wrong
        pass


def wait_until_warm(pool: Executor, workers: int, limit: float = 60.0) -> None:
    """Return once every worker of `pool` has warmed up (or after `limit` seconds): a worker takes
    a task only after its warm-up, so each that answers with its process id is ready."""
    ready: set[int] = set()
    deadline = time.monotonic() + limit
    while len(ready) < workers and time.monotonic() < deadline:
        ready.update(f.result() for f in [pool.submit(os.getpid) for _ in range(workers)])
        if len(ready) < workers:
            time.sleep(0.05)  # the others are still warming up


def stop_pool(pool: Executor) -> None:
    """End a pool's workers now, mid-task if need be (shutdown alone waits for running tasks)."""
    import multiprocessing

    pool.shutdown(wait=False, cancel_futures=True)
    for child in multiprocessing.active_children():  # our children are only pool workers
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(5)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread: unwinds like Ctrl-C (temp files removed, workers ended)."""


_term_requested = False


def _terminated(_signum: int, _frame: object) -> None:
    # Python runs a handler between any two bytecodes, also inside a weakref or __del__
    # callback, where the exception is printed and dropped: the flag keeps the request,
    # and raise_if_terminated() raises it again at the next safe point.
    global _term_requested
    _term_requested = True
    raise Terminated()


def _quiet_dropped_terminated(unraisable: Any, hook: Callable[[Any], None]) -> None:
    """The dropped Terminated is not an error to print: the build still stops, and says so."""
    if not isinstance(unraisable.exc_value, Terminated):
        hook(unraisable)


def raise_if_terminated() -> None:
    """Raise Terminated if a SIGTERM arrived whose exception a callback swallowed."""
    if _term_requested:
        raise Terminated()


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """While the build runs: SIGTERM raises Terminated in the main thread (its default
    action would end the process at once, leaving temp files and orphaned workers)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    global _term_requested
    _term_requested = False
    previous = signal.signal(signal.SIGTERM, _terminated)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = functools.partial(_quiet_dropped_terminated, hook=previous_hook)
    try:
        yield
        raise_if_terminated()
    finally:
        _term_requested = False
        sys.unraisablehook = previous_hook
        signal.signal(signal.SIGTERM, previous)


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
    try:
        if out.exists() and not out.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder")
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        reason = "not a folder" if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
        raise WriteError(
            [Problem("--out", 1, 1, "(write)", f"cannot write into {display_path(out)}: {reason}")]
        ) from None
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
    """Remove temp files a killed build left behind (ours only: `.<name>.<pdf|docx>.<random>.tmp`,
    and any in OUT/.cache, which only the build writes)."""
    removed = []
    for path in out.rglob(".*.tmp"):
        cached = path.relative_to(out).parts[0] == files.CACHE  # the build's own: any temp file is ours
        if (cached or STALE_TMP.fullmatch(path.name)) and path.is_file() and not path.is_symlink():
            with contextlib.suppress(OSError):  # a read-only folder: the build reports that itself
                path.unlink()
                removed.append(path)
    return removed


# -- writing every job ------------------------------------------------------------
def write_all(
    jobs: list[Job], out: Path, workers: int, pool: Executor | None = None, templates: Path = TEMPLATES
) -> list[tuple]:
    """Write every pending output into a temp file beside its target (in `workers` processes);
    return them as (job, format, temp, target, pages, seconds, peak MB, page-quality findings). On any failure every temp
    file is removed and ContentError (WriteError for the output folder) raised."""
    tasks = [(job, fmt) for job in jobs for fmt in job.formats]
    staged: list[tuple] = []
    problems: list[Problem] = []
    own_pool: Executor | None = None
    try:
        if workers == 1 or (pool is None and len(tasks) <= 1):
            for job, fmt in tasks:
                raise_if_terminated()
                try:
                    staged.append((job, fmt, *run_task(job, fmt, out, templates)))
                except WriteError as exc:  # nothing else will fit either
                    problems += exc.problems
                    break
                except ContentError as exc:
                    problems += exc.problems
        else:
            from concurrent.futures import CancelledError, as_completed

            if pool is None:
                pool = own_pool = make_pool(min(workers, len(tasks)), {fmt for _, fmt in tasks})
            tasks.sort(key=lambda t: -_cost(*t))  # longest first: balanced across workers
            futures = {pool.submit(run_task, job, fmt, out, templates): (job, fmt) for job, fmt in tasks}
            for future in as_completed(futures):
                try:
                    staged.append((*futures[future], *future.result()))
                except WriteError as exc:
                    # The first says it: the tasks already running fail the same way (a full
                    # disk), and those not started are cancelled.
                    if not any(p.field == "(write)" for p in problems):
                        problems += exc.problems
                    for other in futures:
                        other.cancel()
                except ContentError as exc:
                    problems += exc.problems
                except CancelledError:  # after a write failure: never started
                    pass
        raise_if_terminated()  # before anything is committed
        if problems:
            raise ContentError(problems)
    except BaseException as exc:
        for _, _, tmp, *_ in staged:
            tmp.unlink(missing_ok=True)
        if pool is not None and not isinstance(exc, ContentError):
            # Interrupted (Ctrl-C, SIGTERM): end the workers now, mid-task, and remove
            # the temp files they were writing (the lock is still ours).
            stop_pool(pool)
            clean_stale(out)
        raise
    finally:
        if own_pool is not None:
            own_pool.shutdown(cancel_futures=True)
    return staged


def commit_all(
    staged: list[tuple], manifest: incremental.Manifest, log: Log, result: Result, prune: list[str]
) -> None:
    """Put every staged output in place, then the manifest that vouches for them.

    The manifest is written to its temp file first (recording each output by its
    temp file, which keeps its size and times when renamed): if even that fails
    (a full disk), nothing has changed. A progress line is printed per file renamed
    into place, so a line always means a file written. `prune`: outputs this build
    made earlier for documents that no longer exist, removed.
    """
    removed = [manifest.forget(rel) for rel in prune]
    try:
        manifest_tmp = manifest.stage()
    except OSError as exc:
        for _, _, tmp, *_ in staged:
            tmp.unlink(missing_ok=True)
        raise WriteError([write_problem(manifest.path, exc)]) from None
    total, width = len(staged), len(str(len(staged)))
    try:
        for i, (job, fmt, tmp, target, pages, seconds, _, findings) in enumerate(staged, 1):
            files.commit(tmp, target)
            result.files += 1
            result.pages += pages
            result.written.append(target)
            extra = f"{pages} page{'s' if pages != 1 else ''}" if fmt == "pdf" else fmt
            log(f"[{i:>{width}}/{total}] {display_path(target)}  {extra}  {seconds:.2f}s")
            # The house style's page rules (pagecheck.py): a warning; the file is written.
            for finding in findings:
                line = f"{job.rel(fmt)}: page quality: {finding}"
                result.page_findings.append(line)
                log(f"  warning: {line}")
        for path in filter(None, removed):
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # the brief's folder, once it holds nothing
            result.removed.append(path)
            log(f"removed {display_path(path)}: its document no longer exists")
        files.commit(manifest_tmp, manifest.path)
    except OSError as exc:  # renames do not fill a disk; a folder changed under us
        for _, _, tmp, *_ in staged:
            tmp.unlink(missing_ok=True)
        manifest_tmp.unlink(missing_ok=True)
        raise WriteError([write_problem(Path(exc.filename or manifest.path), exc)]) from None


def write_library(out: Path, manifest: incremental.Manifest, templates: Path) -> None:
    """The library pages and the files they share, from the manifest the outputs were just
    committed with (library.py), then the manifest again with them recorded. Written after the
    outputs: should this fail, the outputs stand, and the next build finds the library not
    intact and writes it."""
    from . import library

    try:
        library.write(out, manifest, templates)
        files.commit(manifest.stage(), manifest.path)
    except OSError as exc:
        raise WriteError([write_problem(manifest.path, exc)]) from None


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


def plain(args: argparse.Namespace) -> bool:
    """The whole build: every brief, document, edition and format (what `out/` should hold)."""
    return not (args.briefs or args.only or args.edition or args.format or args.country is not None)


def run(args: argparse.Namespace, log: Log = print, pool: Executor | None = None) -> Result:
    """Build what is out of date (everything with --force); raise ContentError on content problems.

    Under the output folder's lock from the start: the temp files a killed build
    left are removed even when nothing else is to be done.
    """
    out = args.out.resolve()
    with locked(out):
        clean_stale(out)
        manifest = incremental.Manifest(out)
        key, briefs = selection(args)
        templates = Path(args.templates).resolve()
        tree = incremental.tree_digest(Path(args.content), briefs, templates, files.FONTS)
        if not args.force and not args.final:  # --final must look at the briefs' draft fields
            outputs = manifest.up_to_date(key, tree)
            if outputs is not None:  # nothing changed: stop before importing the pipeline
                return Result(kept=len(outputs))
        own = None
        if pool is None and args.jobs > 1:  # the workers import the writers while this process plans
            own = pool = make_pool(args.jobs, set(args.format or ("pdf", "docx", "html")), warm=out)
        try:
            mark = time.perf_counter()
            from .plan import plan  # only now: the no-op path above never imports the pipeline

            freeze_what_is_loaded()
            phases = {"imports": time.perf_counter() - mark}
            later: list[str] = []  # warnings about fields with no value: printed once the build succeeded
            mark = time.perf_counter()
            jobs = plan(args, manifest, after=later.append)
            phases["render"] = jobs.render_seconds
            phases["plan"] = time.perf_counter() - mark - jobs.render_seconds
            mark = time.perf_counter()
            staged = write_all(jobs, out, args.jobs, pool=pool, templates=templates)
            phases["write"] = time.perf_counter() - mark
        finally:
            if own is not None:  # done (or failed): idle or still warming up, they are not needed
                stop_pool(own)
        mark = time.perf_counter()
        result = Result(documents=len(jobs), kept=sum(len(j.kept) for j in jobs), phases=phases)
        for _, fmt, _, _, _, seconds, *_ in staged:
            phases[fmt] = phases.get(fmt, 0.0) + seconds
        for job, fmt, tmp, _, pages, _, rss, _ in staged:  # by the temp file, which keeps its size and times
            result.peak_rss_mb = max(result.peak_rss_mb, rss)
            manifest.record(
                job.rel(fmt),
                tmp,
                inputs=job.inputs,
                key=job.keys.get(fmt, ""),
                pages=pages,
                declared=job.declared,
                held=job.held,
                listing=job.listing,
            )
        for job in jobs:
            for fmt in job.kept:  # unchanged output, possibly from changed inputs: remember the new ones
                entry = manifest.outputs[job.rel(fmt)]
                entry["inputs"], entry["declared"] = job.inputs, job.declared
                entry["held"], entry["listing"] = job.held, job.listing
        produced = {job.rel(fmt) for job in jobs for fmt in job.formats + job.kept}
        prune = sorted(set(manifest.outputs) - produced) if plain(args) else []
        manifest.select(key, tree, produced)
        commit_all(staged, manifest, log, result, prune)
        write_library(out, manifest, templates)
        for line in later:
            print(line, file=sys.stderr)
        if jobs.translations is not None:  # new texts fingerprinted, states changed: translations.py
            for lock in jobs.translations.save():
                log(f"updated {display_path(lock)}")
        phases["commit"] = time.perf_counter() - mark
        return result
