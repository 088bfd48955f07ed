"""Brief stage: one briefs/*.yaml -> its kind and its typed brief, checked against content.

The brief's `kind:` picks its kind from the registry (briefing/kinds); the
kind's schema types it and the kind checks what it names in content. The
checks every brief shares are here: its template exists, its source ids exist.
"""

from __future__ import annotations

from pathlib import Path

from . import kinds
from .errors import ContentError
from .load import load
from .model import BriefBase
from .validate import Content, check, unknown_sources


def load_brief(path: Path, content: Content, templates: Path) -> BriefBase:
    """Load one brief and check what it names exists; raise ContentError with every problem."""
    doc = load(path)
    registry = kinds.by_name()
    name = doc.data.get("kind") if isinstance(doc.data, dict) else None
    if name not in registry:
        raise ContentError(
            [doc.problem(("kind",), f"unknown brief kind {name!r}; expected one of: {', '.join(registry)}")]
        )
    kind = registry[name]
    brief, problems = check(kind.schema, doc)
    if brief is not None:
        if not (templates / f"{brief.template}.html.j2").is_file():
            problems.append(
                doc.problem(("template",), f"template {brief.template!r} not found in {templates.name}/")
            )
        problems.extend(kind.check(brief, doc, content))
    # A brief can state sourced text of its own (a backgrounder does): its ids must exist too.
    problems.extend(unknown_sources(doc, content.source_ids or content.sources))
    if problems:
        raise ContentError(problems)
    return brief
