"""The document kinds: the one list the model, validation, planning and rendering read.

Each kind is one module in this package exporting one object, `KIND` (see
base.Kind for what it owns). Adding a kind is: its module, one line in KINDS,
its template (extending base.html.j2), its labels, and a sample brief.
The order of KINDS is the order error messages list them in.
"""

from __future__ import annotations

from typing import Any

from ..model import BriefBase
from . import country_profile, pre_meeting, roadmap_tracker, summit_backgrounder
from .base import Kind

KINDS: tuple[Kind[Any], ...] = (
    country_profile.KIND,
    roadmap_tracker.KIND,
    summit_backgrounder.KIND,
    pre_meeting.KIND,
)


def by_name(kinds: tuple[Kind[Any], ...] = KINDS) -> dict[str, Kind[Any]]:
    """The kinds by their briefs' `kind:` value."""
    return {kind.name: kind for kind in kinds}


def of(brief: BriefBase) -> Kind[Any]:
    """The kind of a loaded brief."""
    return by_name()[brief.kind]
