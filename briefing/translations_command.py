"""`build.py translations`: which translations need review, accept a cosmetic edit, exchange PO files.

    build.py translations                          report; exit 1 when a field needs review
    build.py translations --accept FILE[:FIELD]    mark the current pair reviewed
    build.py translations --export-po DIR          DIR/ar.po, DIR/en.po: the fields that need work
    build.py translations --import-po DIR          their finished translations, back into the YAML

The report exits 1 when a field needs review; an action (accept, export,
import) exits 0 when it was done and 1 when it was refused. Every run also fingerprints fields it has not seen and records the new states
in the lock files (translations.py); nothing else is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from . import files, translations_po
from .errors import EXIT_CONTENT, EXIT_OK, display_path, print_problems
from .translations import LOCK_NAME, Translations, briefs_tree, content_tree, reviewer

EXIT_REVIEW = EXIT_CONTENT  # something needs review, or an action was refused


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py translations",
        description="Report the bilingual fields whose translation needs review (the other language "
        "changed since it was translated or reviewed, or the numbers differ), with a word diff of "
        "the change; accept cosmetic edits; exchange the texts to review with translators as PO files.",
        epilog="Exit codes: 0 nothing needs review (or the action succeeded), 1 something needs review "
        "or was refused, 2 usage error. State is kept in content/translations.lock and "
        "briefs/translations.lock: commit them with the content.",
    )
    parser.add_argument(
        "--accept",
        metavar="FILE[:FIELD]",
        action="append",
        default=[],
        help="mark the current pair as reviewed (after a cosmetic edit): every field of FILE that needs "
        "review, or the one FIELD (as printed, e.g. eu_relations.summary); may be repeated",
    )
    parser.add_argument(
        "--by",
        metavar="NAME",
        help="who reviews (--accept; default: git's user.name) or translated (--import-po, when the PO "
        "names no Last-Translator)",
    )
    exchange = parser.add_mutually_exclusive_group()
    exchange.add_argument(
        "--export-po",
        metavar="DIR",
        type=Path,
        help="write DIR/ar.po and DIR/en.po with the fields to review",
    )
    exchange.add_argument(
        "--import-po",
        metavar="DIR",
        type=Path,
        help="take back the finished entries of DIR/*.po (refused if the content changed since the export)",
    )
    parser.add_argument("--content", type=Path, default=files.CONTENT, help=argparse.SUPPRESS)
    parser.add_argument("--briefs", type=Path, default=files.BRIEFS, help=argparse.SUPPRESS)
    parser.add_argument("--today", help=argparse.SUPPRESS)  # tests: a fixed date for the lock
    args = parser.parse_args(argv)
    if args.accept and (args.export_po or args.import_po):
        parser.error("--accept cannot be combined with --export-po or --import-po")
    if args.import_po is not None and not args.import_po.is_dir():
        parser.error(f"--import-po: no folder {args.import_po}")
    return args


def report(translations: Translations, out: TextIO | None = None) -> int:
    """One line per field that needs review, with the word diff of the change; the count last."""
    out = out or sys.stdout
    pending = translations.needs_review()
    for status in pending:
        print(status.problem(), file=out)
        diff = status.diff()
        if diff:
            print(f"    {diff}", file=out)
    total = len(translations.statuses)
    if pending:
        files = len({s.field.path for s in pending})
        print(
            f"translations: {len(pending)} of {total} bilingual field(s) need review, in {files} file(s); "
            "after a cosmetic edit: build.py translations --accept FILE[:FIELD]",
            file=out,
        )
        return EXIT_REVIEW
    reviewed = sum(s.state == "reviewed" for s in translations.statuses)
    print(f"translations: all {total} bilingual field(s) up to date ({reviewed} reviewed)", file=out)
    return EXIT_OK


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    trees = [content_tree(args.content)]
    if args.briefs.is_dir():
        trees.append(briefs_tree(args.briefs))
    translations = Translations.scan(trees, args.today)
    if translations.problems:
        print_problems(
            sorted(set(translations.problems)), "translations: {n} problem(s); nothing was written"
        )
        return EXIT_REVIEW
    code = None
    if args.accept:
        by = args.by or reviewer()
        problems = []
        for selector in args.accept:
            accepted, found = translations.accept(selector, by)
            problems += found
            if not accepted and not found:
                print(f"nothing to accept in {selector}: no field there needs review")
            for status in accepted:
                print(f"reviewed: {display_path(status.field.path)}:{status.field.line}: {status.field.key}")
        code = EXIT_OK
        if problems:
            print_problems(problems)
            code = EXIT_REVIEW
    elif args.export_po is not None:
        for path, count in translations_po.export_po(translations, args.export_po):
            print(f"wrote {display_path(path)}: {count} field(s) to review")
        code = EXIT_OK
    elif args.import_po is not None:
        written, problems = translations_po.import_po(translations, args.import_po, by=args.by)
        if problems:
            print_problems(problems, "import refused: {n} problem(s); nothing was written")
            return EXIT_REVIEW
        for status in written:
            print(
                f"imported: {display_path(status.field.path)}:{status.field.line}: {status.field.key} "
                f"({status.record.state})"
            )
        code = EXIT_OK
    for lock in translations.save():
        new = sum(s.new for s in translations.statuses if s.field.root / LOCK_NAME == lock)
        print(f"updated {display_path(lock)}" + (f": {new} new field(s) fingerprinted" if new else ""))
    result = report(translations)
    return code if code is not None else result
