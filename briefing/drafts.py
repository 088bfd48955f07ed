"""Draft fields: texts of a brief still to fill in, marked by starting with `DRAFT:`.

A kind that declares `drafts = True` (the pre-meeting brief) builds a brief
holding one with a DRAFT marking on every page and a warning naming each field
as `file:line:col`; `build.py --final` refuses it with the same lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import Problem
from .load import Document, load

PREFIX = "DRAFT:"


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
