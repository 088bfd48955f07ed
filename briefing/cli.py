"""The build command: arguments in, one line per file written and a summary out.

A build has two phases, as in MkDocs: planning (plan.py) loads and checks all
content and briefs and renders what is out of date, writing nothing; writing
(outputs.py) stages every output as a temp file beside its target and renames
them into place only when all have succeeded, so a failed build leaves the
previous outputs as they were. This module only reads the command line, runs
them and prints.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import __version__, files
from .errors import EXIT_CONTENT, EXIT_OK, ContentError, UsageError, display_path, print_problems
from .outputs import BuildLocked, Result, Terminated, run, stop_on_sigterm


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        usage="%(prog)s [options] [BRIEF ...]\n       %(prog)s new-brief --meeting TEXT --date DATE --place TEXT --with ID[,ID] "
        "(see: %(prog)s new-brief --help)\n       %(prog)s translations [--accept FILE[:FIELD]] "
        "[--export-po DIR | --import-po DIR] (see: %(prog)s translations --help)",
        description="Build EU–Central Asia briefing documents (Arabic, English, bilingual; PDF, DOCX and HTML) "
        "from the facts in content/ and the document specs in briefs/. "
        "`build.py new-brief …` writes a starter pre-meeting brief to fill in instead.",
        epilog="Exit codes: 0 success, 1 content error (one line per problem: file:line:col: field: message), "
        "2 usage error. Outputs: OUT/<brief>/<document>.<edition>.<pdf|docx|html>, and the library OUT/index.html.",
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
        "--format", metavar="FMT[,FMT]", help="formats to build: pdf, docx, html (default: the brief's)"
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
        help="refuse briefs that still hold draft fields (texts starting with DRAFT:) and documents "
        "that show a text whose translation needs review (build.py translations), listing each as "
        "file:line:col; without it they build marked DRAFT or TRANSLATION TO REVIEW",
    )
    parser.add_argument("--out", type=Path, default=files.ROOT / "out", help="output folder (default: out/)")
    parser.add_argument(
        "-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)"
    )
    parser.add_argument("--content", type=Path, default=files.CONTENT, help=argparse.SUPPRESS)
    parser.add_argument("--templates", type=Path, default=files.TEMPLATES, help=argparse.SUPPRESS)
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = make_parser()
    args = parser.parse_args(argv)
    for name, allowed in (("edition", {"ar", "en", "ar-en"}), ("format", {"pdf", "docx", "html"})):
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
    # The build writes into --out and removes its own temp files there: never among its inputs.
    out = args.out.resolve()
    for folder in (args.content, args.templates, files.BRIEFS, files.FONTS):
        folder = Path(folder).resolve()
        if out.is_relative_to(folder) or folder.is_relative_to(out):
            where = "is inside" if out.is_relative_to(folder) else "holds"
            parser.error(
                f"--out {args.out} {where} {display_path(folder)}/, an input folder: "
                "outputs need a folder of their own (default: out/)"
            )
    return args


def summary(result: Result, seconds: float) -> str:
    if not result.files and not result.documents:
        return f"Up to date: {result.kept} file(s), in {seconds:.2f}s"
    if not result.files and result.removed:
        return (
            f"Up to date: {result.kept} file(s); removed {len(result.removed)} old one(s), in {seconds:.2f}s"
        )
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
    if argv[:1] == ["new-brief"]:  # subcommands; every other first word is a brief path or an option
        from . import scaffold

        return scaffold.main(argv[1:])
    if argv[:1] == ["translations"]:
        from . import translations_command

        return translations_command.main(argv[1:])
    args = parse_args(argv)
    # A supervisor's SIGTERM unwinds like Ctrl-C: temp files removed, workers ended.
    try:
        with stop_on_sigterm():
            if args.watch:
                from .watch import watch

                return watch(args)
            return _build(args)
    except UsageError as exc:  # an id on the command line that content does not have
        make_parser().error(str(exc))
    except (KeyboardInterrupt, Terminated) as exc:
        what = "interrupted" if isinstance(exc, KeyboardInterrupt) else "terminated"
        print(f"{what}; no output was changed", file=sys.stderr)
        return 130 if isinstance(exc, KeyboardInterrupt) else 143


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        if args.check:
            from .plan import plan

            jobs = plan(args)
            print(
                f"OK: content and {len({j.brief for j in jobs})} brief(s) valid; {len(jobs)} document edition(s) would be built"
            )
            return EXIT_OK
        result = run(args)
    except ContentError as exc:
        print_problems(exc.problems, "build failed: {n} problem(s); no output was changed")
        return EXIT_CONTENT
    except BuildLocked as exc:
        print(f"build refused: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except UsageError:
        raise
    except Exception as exc:  # a bug, not a content problem: say so plainly
        if args.debug:
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)", file=sys.stderr
        )
        return EXIT_CONTENT
    print(summary(result, time.perf_counter() - started))
    if os.environ.get("BRIEFING_TIMINGS"):  # the bench's breakdown of a build (bench/bench.py)
        import json

        phases = {"main": time.perf_counter() - started, **result.phases}
        print("timings " + json.dumps({k: round(v, 4) for k, v in phases.items()}), file=sys.stderr)
    return EXIT_OK
