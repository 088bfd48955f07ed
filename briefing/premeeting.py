"""Pre-meeting briefs (issue #5): what a brief draws from content.

Pure functions over the content model, no rendering, so the rules are tested
directly (the kind itself, its schema and checks, is briefing/kinds/pre_meeting.py;
draft fields, texts starting with `DRAFT:`, are drafts.py):

- the *state of play* is the open roadmap items involving a counterpart, with
  their status as of the brief's `as_of` (tracker.py's rules: an item not yet
  on record then is left out; done and dropped items are closed), and the last
  three events in content/events/ that list a counterpart in `countries` and
  had certainly taken place by `as_of` (a partial date counts from its last
  day), the meeting's own event left out;
- attendees and key figures are references into content/events/, resolved at
  build time, so a fact corrected there changes every brief that shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import model, tracker
from .validate import Content

ENGAGEMENTS = 3  # how many recent engagements the state of play shows


# -- references --------------------------------------------------------------------
def split_ref(ref: str, default_event: str | None) -> tuple[str | None, str]:
    """`issetov` -> (default_event, 'issetov'); `event-id/issetov` -> ('event-id', 'issetov')."""
    event, _, item = ref.rpartition("/")
    return (event or default_event), item


def participant(content: Content, ref: str, default_event: str | None) -> model.EventParticipant | None:
    event_id, pid = split_ref(ref, default_event)
    event = content.events.get(event_id) if event_id else None
    return next((p for p in event.participants if p.id == pid), None) if event else None


def figure(content: Content, ref: str) -> model.EventFigure | None:
    event_id, fid = split_ref(ref, None)
    event = content.events.get(event_id) if event_id else None
    return next((f for f in event.figures if f.id == fid), None) if event else None


# -- state of play -------------------------------------------------------------------
@dataclass(frozen=True)
class OpenItem:
    roadmap: model.Roadmap
    item: model.ActionItem
    entry: model.StatusEntry
    overdue: bool


def open_items(
    content: Content, counterparts: list[str], when: dt.date, only: list[str] | None = None
) -> list[OpenItem]:
    """Roadmap items involving any counterpart, on record and not closed on `when`;
    with `only`, those items (any parties) in that order."""
    found = {}
    for rid in sorted(content.roadmaps):
        roadmap = content.roadmaps[rid]
        for item in roadmap.items:
            if only is None and not any(c in item.parties for c in counterparts):
                continue
            entry = tracker.entry_at(item, when)
            if entry is None or (only is None and entry.status in tracker.CLOSED):
                continue
            found[item.id] = OpenItem(roadmap, item, entry, tracker.is_overdue(item, when))
    return [found[i] for i in only if i in found] if only is not None else list(found.values())


def recent_events(
    content: Content,
    counterparts: list[str],
    when: dt.date,
    exclude: str | None = None,
    n: int = ENGAGEMENTS,
) -> list[model.Event]:
    """The last `n` events involving any counterpart that had taken place by `when`, latest first."""
    events = [
        e
        for e in content.events.values()
        if e.id != exclude
        and e.date.start != "unknown"
        and set(e.countries) & set(counterparts)
        and model.last_day(e.date.end or e.date.start) <= when
    ]
    # Latest first, by the day each had certainly begun (the same rule as the filter).
    events.sort(key=lambda e: (model.last_day(e.date.start), e.id), reverse=True)
    return events[:n]
