"""A build's unit of work: one document in one edition, and where its files may go.

Planning (plan.py) makes the Jobs; writing (outputs.py) carries them out. Only
the standard library is imported here, so a build that finds nothing changed
never loads the pipeline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from . import files
from .errors import ContentError, Problem, display_path

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class Metadata(TypedDict):
    """A document's properties, as the writers record them."""

    title: str
    authors: list[str]
    subject: str
    lang: str
    as_of: dt.date  # the brief's: the files' dates come from it, so a rebuild gives the same bytes
    generator: str
    pdf_a: bool  # the PDF also claims PDF/A-3a (pdf_tags.variant)
    web: dict[str, Any]  # what the HTML page puts around the document: links, labels (write_html.py)


@dataclass
class Job:
    """One document in one edition: the formats to write, and those already up to date."""

    brief: str
    doc_id: str
    edition: str
    formats: tuple[str, ...]  # to build
    html: str | None  # None when no format needs building (nothing was rendered)
    metadata: Metadata
    expected_pages: int | None
    source_file: str
    inputs: str = ""  # hash of what the HTML is made from (incremental.py)
    keys: dict[str, str] = field(default_factory=dict)  # format -> hash of what that output is made from
    declared: list[str] = field(default_factory=list)  # the content files it reads, for the manifest
    kept: tuple[str, ...] = ()  # formats whose output is up to date
    held: list[str] = field(default_factory=list)  # the texts to review it shows (translations.py)
    pages_per_language: int | None = None
    template: str = "templates"
    listing: dict[str, Any] = field(default_factory=dict)  # what the library page says of it (library.py)

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


def brief_files(args: argparse.Namespace) -> list[Path]:
    """The briefs the command line names, or every briefs/*.yaml."""
    return args.briefs or sorted(files.BRIEFS.glob("*.yaml"))
