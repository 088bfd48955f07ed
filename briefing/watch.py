"""Watch mode: build, then rebuild what each saved change affects, keeping the process warm.

One process keeps the pipeline imported, parsed YAML (by content hash, load.py)
and file hashes memoised (by size, mtime and inode) and (with
-j > 1) a pool of workers that keep WeasyPrint's font configuration and the
font subsets across rebuilds. A change is picked up 50 ms after the last
write of a burst (watchfiles' `step`), and each rebuild prints one line:
what was written and how long it took from the change being seen. "watching"
is printed once the workers have warmed up (fonts, a page in each language,
the maps and charts last drawn), so the first edit costs what the later ones do.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import outputs
from .errors import EXIT_OK, ContentError, display_path, print_problems
from .files import BRIEFS, FONTS, TEMPLATES

if TYPE_CHECKING:
    import threading
    from concurrent.futures import Executor

    from watchfiles import Change

STEP_MS = 50  # quiet time after the last change before rebuilding


def watched(args: argparse.Namespace) -> list[Path]:
    roots = [Path(args.content), TEMPLATES, FONTS]
    roots += sorted({p.resolve().parent for p in args.briefs}) or [BRIEFS]
    return [p for p in roots if p.exists()]


def _relevant(_change: Change, path: str) -> bool:
    name = Path(path).name
    return not name.startswith(".") and not name.endswith((".tmp", "~", ".swp"))


def rebuild(
    args: argparse.Namespace, pool: Executor | None, log: outputs.Log = print, quiet: bool = False
) -> str:
    """One incremental build; return its one-line report."""
    started = time.perf_counter()
    try:
        result = outputs.run(args, log=(lambda _: None) if quiet else log, pool=pool)
    except ContentError as exc:
        print_problems(exc.problems)
        return f"build failed: {len(exc.problems)} problem(s); no output was changed ({time.perf_counter() - started:.2f}s)"
    seconds = time.perf_counter() - started
    if not result.files:
        return f"no output changed ({seconds:.2f}s)"
    names = ", ".join(display_path(p) for p in result.written[:4]) + (" …" if len(result.written) > 4 else "")
    return f"rebuilt {result.files} file(s) in {seconds:.2f}s: {names}"


def _load_everything(args: argparse.Namespace) -> None:
    """Plan once against the manifest (nothing is rendered that is up to date, nothing
    written): the pipeline imported, every file parsed and checked, templates compiled."""
    from . import incremental, render
    from .plan import plan

    with contextlib.suppress(Exception):  # a problem is for the next rebuild to report
        plan(args, incremental.Manifest(Path(args.out).resolve()), warn=lambda _: None)
        templates = Path(args.templates)
        env = render.environment(templates, incremental.shared_digests(templates, FONTS)["templates"])
        for template in sorted(templates.glob("*.html.j2")):
            env.get_template(template.name)


def watch(args: argparse.Namespace, stop_event: threading.Event | None = None) -> int:
    import watchfiles

    # Warm from the start, so the first edit costs what the later ones do: the workers
    # (or this process, with -j 1) import the writers and lay out a page in each language,
    # and this process loads and checks every file (a first build with nothing to do
    # stops before loading anything).
    out = Path(args.out).resolve()
    formats = set(args.format or ("pdf", "docx", "html"))
    pool = outputs.make_pool(args.jobs, formats, warm=out, layout=True) if args.jobs > 1 else None
    try:
        print(rebuild(args, pool), flush=True)
        args.force = False  # --force applies to the first build only
        if pool is None:
            outputs.warm_writers(formats, out, layout=True)
        _load_everything(args)
        if pool is not None:  # an edit made now would wait for them: say "watching" when they are ready
            with contextlib.suppress(Exception):  # a broken pool is for the first rebuild to report
                outputs.wait_until_warm(pool, args.jobs)
        roots = watched(args)
        print(f"watching {', '.join(display_path(r) for r in roots)} (Ctrl-C to stop)", flush=True)
        for _changes in watchfiles.watch(
            *roots,
            watch_filter=_relevant,
            step=STEP_MS,
            debounce=1600,
            stop_event=stop_event,
            raise_interrupt=False,
        ):
            print(rebuild(args, pool, log=lambda _: None), flush=True)
    except BaseException:
        if pool is not None:
            outputs.stop_pool(pool)  # Ctrl-C or SIGTERM: end the workers now, mid-task if need be
        raise
    if pool is not None:
        pool.shutdown(cancel_futures=True)
    return EXIT_OK
