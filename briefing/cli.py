"""The build command: load and validate everything, render, then write PDFs and DOCX.

Two phases, as in MkDocs: nothing is written until all content and briefs are
known to be good; then every output is staged as a temp file beside its
target and renamed into place only when all of them have succeeded, so a
failed build leaves the previous outputs as they were.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import re
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import ContentError, Problem, display_path

ROOT = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
LOCK_NAME = ".build.lock"
_UMASK = os.umask(0o022)
os.umask(_UMASK)
# Our temp files: "." + target name + "." + mkstemp's random part + ".tmp".
STALE_TMP = re.compile(r"\.[A-Za-z0-9][A-Za-z0-9._-]*\.(pdf|docx)\.[A-Za-z0-9_]+\.tmp")


@dataclass
class Job:
    """One document in one edition: the formats to write, and those already up to date."""

    brief: str
    doc_id: str
    edition: str
    formats: tuple[str, ...]  # to build
    html: str | None  # None when no format needs building (nothing was rendered)
    metadata: dict
    expected_pages: int | None
    source_file: str
    inputs: str = ""  # hash of what the HTML is made from (incremental.py)
    keys: dict = field(default_factory=dict)  # format -> hash of what that output is made from
    declared: list = field(default_factory=list)  # the content files it reads, for the manifest
    kept: tuple[str, ...] = ()  # formats whose output is up to date
    pages_per_language: int | None = None
    template: str = "templates"

    def target(self, out: Path, fmt: str) -> Path:
        return safe_target(out, self.brief, f"{self.doc_id}.{self.edition}.{fmt}")

    def rel(self, fmt: str) -> str:
        return f"{self.brief}/{self.doc_id}.{self.edition}.{fmt}"


def _unresolved(path: Path) -> str:
    """A path as written (symlinks not followed), relative to the working directory when below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


class UnsafePath(ContentError):
    pass


def safe_target(out: Path, *parts: str) -> Path:
    """out/<parts…>, refused unless every part is a plain name and the result stays inside `out`
    (after symlinks are followed): no id or brief name can make the build write elsewhere."""
    for part in parts:
        if not SAFE_NAME.fullmatch(part) or part in (".", ".."):
            raise UnsafePath(
                [
                    Problem(
                        "--out",
                        1,
                        1,
                        "",
                        f"refusing to write {'/'.join(parts)!r}: {part!r} is not a plain file name",
                    )
                ]
            )
    out = Path(out).resolve()
    target = out.joinpath(*parts)
    if not target.resolve().is_relative_to(out):
        raise UnsafePath(
            [
                Problem(
                    "--out",
                    1,
                    1,
                    "",
                    f"refusing to write {_unresolved(target)}: it resolves to "
                    f"{display_path(target.resolve())}, outside {display_path(out)}",
                )
            ]
        )
    return target


@dataclass
class Result:
    files: int = 0  # written
    pages: int = 0  # PDF pages written
    kept: int = 0  # outputs already up to date
    documents: int = 0  # document editions selected
    peak_rss_mb: float = 0.0  # largest resident memory of a process that wrote a file
    written: list = field(default_factory=list)  # paths written


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py",
        usage="%(prog)s [options] [BRIEF ...]\n       %(prog)s new-brief --meeting TEXT --date DATE --place TEXT --with ID[,ID] "
        "(see: %(prog)s new-brief --help)",
        description="Build EU–Central Asia briefing documents (Arabic, English, bilingual; PDF and DOCX) "
        "from the facts in content/ and the document specs in briefs/. "
        "`build.py new-brief …` writes a starter pre-meeting brief to fill in instead.",
        epilog="Exit codes: 0 success, 1 content error (one line per problem: file:line:col: field: message), "
        "2 usage error. Outputs: OUT/<brief>/<document>.<edition>.<pdf|docx>.",
    )
    parser.add_argument(
        "briefs", nargs="*", type=Path, help="brief files to build (default: every briefs/*.yaml)"
    )
    parser.add_argument("--only", metavar="ID[,ID]", help="build only these documents (e.g. kz,uz)")
    parser.add_argument(
        "--country",
        metavar="ID",
        help="restrict briefs that support it (the roadmap tracker) "
        "to items involving one country, e.g. kz; overrides the brief's `country:`",
    )
    parser.add_argument(
        "--edition", metavar="ED[,ED]", help="editions to build: ar, en, ar-en (default: the brief's)"
    )
    parser.add_argument(
        "--format", metavar="FMT[,FMT]", help="formats to build: pdf, docx (default: the brief's)"
    )
    parser.add_argument("--check", action="store_true", help="validate content and briefs, write nothing")
    parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild every output, even those whose inputs are unchanged "
        "(by default a build writes only what changed: OUT/.manifest.json records what each output was built from)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="build, then rebuild what each saved change affects, until Ctrl-C",
    )
    parser.add_argument(
        "--final",
        action="store_true",
        help="refuse briefs that still hold draft fields (texts "
        "starting with DRAFT:), listing each as file:line:col; without it they build marked DRAFT",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "out", help="output folder (default: out/)")
    parser.add_argument(
        "-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)"
    )
    parser.add_argument("--content", type=Path, default=ROOT / "content", help=argparse.SUPPRESS)
    parser.add_argument("--templates", type=Path, default=ROOT / "templates", help=argparse.SUPPRESS)
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)
    for name, allowed in (("edition", {"ar", "en", "ar-en"}), ("format", {"pdf", "docx"})):
        value = getattr(args, name)
        if value is not None:
            items = [v.strip() for v in value.split(",") if v.strip()]
            bad = [v for v in items if v not in allowed]
            if bad or not items:
                shown = ", ".join(bad) or repr(value)
                parser.error(f"--{name}: {shown} is not one of {', '.join(sorted(allowed))}")
            setattr(args, name, items)
    if args.only is not None:
        args.only = [v.strip() for v in args.only.split(",") if v.strip()]
    if args.jobs < 1:
        parser.error("-j must be at least 1")
    for brief in args.briefs:
        if not brief.is_file():
            parser.error(f"brief not found: {brief}")
    return args


def _warn(line: str) -> None:
    print(line, file=sys.stderr)


def plan(args: argparse.Namespace, manifest=None, shared: dict | None = None, warn=_warn) -> list[Job]:
    """Phase one: load and validate everything, render what is out of date; raise ContentError on any problem.

    With a manifest (incremental.Manifest), a document whose inputs are unchanged
    is not rendered, and a format whose output would be the same is not built.
    """
    from . import incremental, render
    from .validate import load_brief, load_content

    templates = args.templates
    problems: list[Problem] = []
    try:
        content = load_content(args.content)
    except ContentError as exc:
        problems += exc.problems
        content = None
    try:
        labels = render.load_labels(templates)
    except ContentError as exc:
        problems += exc.problems
    brief_files = args.briefs or sorted((ROOT / "briefs").glob("*.yaml"))
    if not brief_files:
        problems.append(Problem("briefs/", 1, 1, "", "no brief files found"))
    briefs = []
    for path in brief_files:
        if not SAFE_NAME.fullmatch(path.stem) or path.stem in (".", ".."):
            problems.append(
                Problem(
                    display_path(path),
                    1,
                    1,
                    "",
                    f"brief file name {path.name!r} cannot name an output "
                    "folder: use letters, digits, '-', '_' or '.' (e.g. country-profiles.yaml)",
                )
            )
            continue
        if content is None:
            break
        try:
            briefs.append((path, load_brief(path, content, templates)))
        except ContentError as exc:
            problems += exc.problems
    for path, brief in briefs:  # fields still to fill: a warning, or with --final a refusal
        if getattr(render.KINDS[brief.kind], "drafts", False):
            from .premeeting import drafts_in_file

            drafts = drafts_in_file(path)
            if drafts and getattr(args, "final", False):
                problems += drafts
            elif drafts:
                warn(
                    f"warning: {display_path(path)}: {len(drafts)} draft field(s) still to fill; built with a DRAFT "
                    "marking on every page (build.py --final refuses it):"
                )
                for draft in drafts:
                    warn(f"  {draft}")
    if problems:
        raise ContentError(problems)

    env = render.environment(templates)
    jobs: list[Job] = []
    matched_only: set[str] = set()
    if args.country is not None:
        if args.country not in content.countries:
            raise ContentError(
                [
                    Problem(
                        "--country",
                        1,
                        1,
                        "",
                        f"unknown country {args.country!r}; expected one of: "
                        f"{', '.join(sorted(content.countries))}",
                    )
                ]
            )
        filtered = [
            (path, b.model_copy(update={"country": args.country}))
            for path, b in briefs
            if "country" in type(b).model_fields
        ]
        if not filtered:
            raise ContentError(
                [Problem("--country", 1, 1, "", "none of the selected briefs can be restricted to a country")]
            )
        briefs = filtered
    shared = shared or incremental.shared_digests(templates, ROOT / "fonts")
    force = manifest is None or getattr(args, "force", False)
    for path, brief in briefs:
        kind = render.KINDS[brief.kind]
        doc_ids = kind.documents(brief, content)
        if args.only:
            matched_only.update(set(args.only) & set(doc_ids))
            doc_ids = [d for d in doc_ids if d in args.only]
        editions = [e for e in brief.editions if not args.edition or e in args.edition]
        formats = tuple(f for f in brief.formats if not args.format or f in args.format)
        brief_key = incremental.digest(incremental.file_hash(path), brief.model_dump(mode="json"))
        for doc_id in doc_ids:
            declared = kind.inputs(brief, content, doc_id)
            inputs = incremental.digest(shared, brief_key, doc_id, incremental.files_digest(declared))
            for edition in editions:
                langs = render.EDITIONS[edition]
                job = Job(
                    brief=path.stem,
                    doc_id=doc_id,
                    edition=edition,
                    formats=formats,
                    html=None,
                    metadata={
                        "title": " / ".join(kind.title(brief, content, doc_id, lang) for lang in langs),
                        "authors": [" / ".join(getattr(brief.organisation, lang) for lang in langs)],
                        "lang": langs[0],
                        "as_of": brief.as_of,
                        "generator": f"briefing {__version__}",
                    },
                    expected_pages=len(langs) * kind.pages_per_language if kind.pages_per_language else None,
                    source_file=display_path(kind.source_file(content, doc_id)),
                    inputs=incremental.digest(inputs, edition),
                    declared=[display_path(p, content.root) for p in declared],
                    pages_per_language=kind.pages_per_language,
                    template=display_path(templates / f"{brief.template}.html.j2"),
                )
                if not force and all(
                    manifest.outputs.get(job.rel(f), {}).get("inputs") == job.inputs
                    and manifest.intact(job.rel(f))
                    for f in formats
                ):
                    job.formats, job.kept = (), formats
                    jobs.append(job)
                    continue
                try:
                    job.html = render.render(env, labels, brief, content, doc_id, edition)
                except Exception as exc:  # template problems name the template and line
                    problems.append(_template_problem(exc, path))
                    continue
                for fmt in formats:
                    job.keys[fmt] = incremental.digest(
                        incremental.output_digests(shared), fmt, job.html, job.metadata, job.expected_pages
                    )
                if not force:
                    job.kept = tuple(
                        f
                        for f in formats
                        if manifest.outputs.get(job.rel(f), {}).get("key") == job.keys[f]
                        and manifest.intact(job.rel(f))
                    )
                    job.formats = tuple(f for f in formats if f not in job.kept)
                jobs.append(job)
    for job in jobs:  # every target inside --out, before anything is written
        for fmt in job.formats + job.kept:
            try:
                job.target(args.out, fmt)
            except UnsafePath as exc:
                problems += exc.problems
    if args.only:
        for missing in sorted(set(args.only) - matched_only):
            problems.append(Problem("--only", 1, 1, "", f"no document {missing!r} in the selected briefs"))
    if problems:
        raise ContentError(problems)
    return jobs


def _template_problem(exc: Exception, brief: Path) -> Problem:
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(
            display_path(Path(exc.filename or exc.name or "template")),
            exc.lineno or 1,
            1,
            "(template)",
            exc.message or str(exc),
        )
    tb = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in tb if f.filename.endswith(".j2")]
    if frames:
        return Problem(
            display_path(Path(frames[-1].filename)),
            frames[-1].lineno or 1,
            1,
            "(template)",
            f"{type(exc).__name__}: {exc}",
        )
    return Problem(display_path(brief), 1, 1, "(render)", f"{type(exc).__name__}: {exc}")


# -- phase two: workers ------------------------------------------------------
# Each worker process keeps its PDF writer (WeasyPrint's font configuration,
# parsed fonts and font subsets) across the documents it is given.
_pdf_writer = None


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _locate(templates: Path, template: str, needle: str) -> tuple[str, int, int]:
    """Where a refused URL is written: the document's template first, then the other
    templates and stylesheets (file, line, column); the template at 1:1 if nowhere literally."""
    first = templates / template
    for path in [first, *sorted(p for p in templates.iterdir() if p.is_file() and p != first)]:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if needle[:60].removesuffix("...") in line:
                return display_path(path), number, line.index(needle[:60].removesuffix("...")) + 1
    return display_path(first), 1, 1


LANG_NAMES = {"ar": "Arabic", "en": "English"}


def overflow_message(name: str, pages: int, expected: int, o) -> str:
    return (
        f"{name}: one-pager runs to {pages} pages, expected {expected} (one per language): the "
        f"{LANG_NAMES.get(o.lang, o.lang)} page overflows by {o.extra_mm:g} mm ({o.extra_lines} line"
        f"{'s' if o.extra_lines != 1 else ''}) onto {'a second page' if o.pages == 2 else f'{o.pages - 1} more pages'}: "
        "shorten its content by at least that much"
    )


def run_task(
    job: Job, fmt: str, out: Path, templates: Path = ROOT / "templates"
) -> tuple[Path, Path, int, float, float]:
    """Write one format of one job into a temp file beside its target; return
    (temp, target, pages, seconds, peak memory of this process in MB)."""
    global _pdf_writer
    started = time.perf_counter()
    target = job.target(out, fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp)
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
            name = f"{job.brief}/{job.doc_id}.{job.edition}"
            problems = [
                Problem(
                    *_locate(templates, Path(job.template).name, url),
                    "(fetch)",
                    f"{name}: refused {url!r}: {reason}",
                )
                for url, reason in _pdf_writer.refused
            ]
            if job.expected_pages is not None and pages != job.expected_pages:
                problems += [
                    Problem(
                        job.source_file,
                        1,
                        1,
                        "(layout)",
                        overflow_message(name, pages, job.expected_pages, o),
                    )
                    for o in _pdf_writer.overflows
                ] or [
                    Problem(
                        job.source_file,
                        1,
                        1,
                        "(layout)",
                        f"{name}: one-pager runs to {pages} pages, expected {job.expected_pages}",
                    )
                ]
            if problems:
                raise ContentError(problems)
        else:
            from . import write_docx

            from . import docx_fonts

            docx_fonts.cache_dir = out / ".cache" / "docx-fonts"
            write_docx.write(job.html, tmp, job.metadata)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual mode
    return tmp, target, pages, time.perf_counter() - started, _peak_rss_mb()


def _cost(job: Job, fmt: str) -> float:
    """A rough relative cost, to start the longest tasks first: PDFs are the heavy part."""
    return len(job.html or "") * (3.0 if fmt == "pdf" else 1.0)


def make_pool(workers: int, formats: set[str]):
    """Worker processes, forked after the writers' modules are imported here, so each
    starts with WeasyPrint / python-docx loaded instead of importing them itself."""
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing

    if "pdf" in formats:
        from . import write_pdf  # noqa: F401
    if "docx" in formats:
        from . import write_docx  # noqa: F401
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


class BuildLocked(Exception):
    pass


@contextlib.contextmanager
def locked(out: Path):
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


def build(
    jobs: list[Job],
    out: Path,
    workers: int,
    log=print,
    pool=None,
    manifest=None,
    templates: Path = ROOT / "templates",
) -> Result:
    """Phase two, under the out folder's lock: write every pending output; rename into
    place only when all have succeeded, then record them in the manifest."""
    with locked(out):
        clean_stale(out)
        return _build(jobs, out, workers, log, pool, manifest, templates)


def _build(jobs: list[Job], out: Path, workers: int, log, pool, manifest, templates: Path) -> Result:
    tasks = [(job, fmt) for job in jobs for fmt in job.formats]
    result = Result(documents=len(jobs), kept=sum(len(j.kept) for j in jobs))
    staged: list[tuple[Job, str, Path, Path, int]] = []
    problems: list[Problem] = []
    total = len(tasks)

    def collect(job, fmt, value):
        tmp, target, pages, seconds, rss = value
        staged.append((job, fmt, tmp, target, pages))
        result.peak_rss_mb = max(result.peak_rss_mb, rss)
        extra = f"{pages} page{'s' if pages != 1 else ''}" if fmt == "pdf" else "docx"
        log(f"[{len(staged):>{len(str(total))}}/{total}] {display_path(target)}  {extra}  {seconds:.2f}s")

    own_pool = None
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
    for job, fmt, tmp, target, pages in staged:
        os.replace(tmp, target)
        result.files += 1
        result.pages += pages
        result.written.append(target)
    if manifest is not None:
        for job, fmt, tmp, target, pages in staged:
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
    briefs = [p.resolve() for p in args.briefs] or sorted((ROOT / "briefs").glob("*.yaml"))
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


def run(args: argparse.Namespace, log=print, pool=None) -> Result:
    """Build what is out of date (everything with --force); raise ContentError on content problems."""
    from . import incremental

    out = args.out.resolve()
    manifest = incremental.Manifest(out)
    key, briefs = selection(args)
    templates = Path(args.templates).resolve()
    tree = incremental.tree_digest(Path(args.content), briefs, templates, ROOT / "fonts")
    if not args.force and not args.final:  # --final must look at the briefs' draft fields
        outputs = manifest.up_to_date(key, tree)
        if outputs is not None:  # nothing changed: stop before importing the pipeline
            return Result(kept=len(outputs))
    jobs = plan(args, manifest)
    result = build(jobs, out, args.jobs, log=log, pool=pool, manifest=manifest, templates=templates)
    manifest.selections[key] = {
        "tree": tree,
        "outputs": sorted(j.rel(f) for j in jobs for f in j.formats + j.kept),
    }
    manifest.save()
    return result


def summary(result: Result, seconds: float) -> str:
    if not result.files and not result.documents:
        return f"Up to date: {result.kept} file(s), in {seconds:.2f}s"
    line = (
        f"Built {result.files} file(s) from {result.documents} document edition(s), {result.pages} PDF page(s), "
        f"in {seconds:.1f}s"
    )
    if result.kept:
        line += f"; {result.kept} up to date"
    if result.files:
        line += f"; peak memory {result.peak_rss_mb:.0f} MB per worker"
    return line


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["new-brief"]:  # a subcommand; every other first word is a brief path or an option
        from . import scaffold

        return scaffold.main(argv[1:])
    args = parse_args(argv)
    if args.watch:
        from .watch import watch

        return watch(args)
    started = time.perf_counter()
    try:
        if args.check:
            jobs = plan(args)
            print(
                f"OK: content and {len({j.brief for j in jobs})} brief(s) valid; {len(jobs)} document edition(s) would be built"
            )
            return EXIT_OK
        result = run(args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(exc.problems)} problem(s); no output was changed", file=sys.stderr)
        return EXIT_CONTENT
    except BuildLocked as exc:
        print(f"build refused: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("interrupted; no output was changed", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not a content problem: say so plainly
        if args.debug:
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)", file=sys.stderr
        )
        return EXIT_CONTENT
    print(summary(result, time.perf_counter() - started))
    return EXIT_OK
