"""Fields still to fill: draft texts of a brief, and fields of content or a brief with no value.

A draft text starts with `DRAFT:`. A kind that declares `drafts = True` (the
pre-meeting brief) builds a brief holding one with a DRAFT marking on every page
and a warning naming each field as `file:line:col`; `build.py --final` refuses it
with the same lines.

A field with no value holds the word `unknown` (a placeholder the schema allows
where a source is still to be found). No kind prints "unknown": a draft build
shows a DRAFT mark in its place (Page.gap) and warns with `file:line:col`, and
`build.py --final` refuses it, for every kind. A fact that does not exist is left
out of content instead (an optional field), and its row is not printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import Problem
from .load import Document, load

PREFIX = "DRAFT:"
GAP = "unknown"


def is_draft(text: object) -> bool:
    return isinstance(text, str) and text.lstrip().startswith(PREFIX)


def draft_fields(data: Any, loc: tuple = ()) -> Iterator[tuple]:
    """The field path of every draft text in loaded (or dumped) brief data."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from draft_fields(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from draft_fields(value, loc + (i,))
    elif is_draft(data):
        yield loc


def draft_problems(doc: Document) -> list[Problem]:
    """One line per draft field, `file:line:col: field: …`, in file order."""
    return sorted(
        doc.problem(loc, "draft: still to fill in (text starting with DRAFT:)")
        for loc in draft_fields(doc.data)
    )


def in_file(path: Path) -> list[Problem]:
    return draft_problems(load(path))


def gap_fields(data: Any, loc: tuple = ()) -> Iterator[tuple]:
    """The field path of every value that is the placeholder `unknown`."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from gap_fields(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from gap_fields(value, loc + (i,))
    elif data == GAP:
        yield loc


def gap_problems(doc: Document) -> list[Problem]:
    """One line per field with no value, `file:line:col: field: …`, in file order."""
    return sorted(
        doc.problem(loc, "no value (`unknown`): shown as a DRAFT mark; fill it from a source")
        for loc in gap_fields(doc.data)
    )


def gaps_in(paths: list[Path]) -> list[Problem]:
    """The fields with no value in these files (each read once), in file order."""
    return [p for path in dict.fromkeys(paths) if path.suffix == ".yaml" for p in gap_problems(load(path))]
