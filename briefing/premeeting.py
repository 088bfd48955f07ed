"""Pre-meeting briefs (issue #5): draft fields, cross-checks, and what a brief draws from content.

Pure functions over the content model, no rendering, so the rules are tested
directly:

- a *draft field* is any text of the brief that starts with `DRAFT:` (in
  either language). A brief holding one builds with a DRAFT marking on every
  page and a warning naming each field; `build.py --final` refuses it;
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
from typing import Any, Iterator

from . import model, tracker
from .errors import Problem
from .load import Document, load

ENGAGEMENTS = 3  # how many recent engagements the state of play shows


# -- drafts ----------------------------------------------------------------------
def is_draft(text: object) -> bool:
    return isinstance(text, str) and text.lstrip().startswith(model.DRAFT_PREFIX)


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


def drafts_in_file(path) -> list[Problem]:
    return draft_problems(load(path))


# -- references --------------------------------------------------------------------
def split_ref(ref: str, default_event: str | None) -> tuple[str | None, str]:
    """`issetov` -> (default_event, 'issetov'); `event-id/issetov` -> ('event-id', 'issetov')."""
    event, _, item = ref.rpartition("/")
    return (event or default_event), item


def participant(content, ref: str, default_event: str | None) -> model.EventParticipant | None:
    event_id, pid = split_ref(ref, default_event)
    event = content.events.get(event_id) if event_id else None
    return next((p for p in event.participants if p.id == pid), None) if event else None


def figure(content, ref: str) -> model.EventFigure | None:
    event_id, fid = split_ref(ref, None)
    event = content.events.get(event_id) if event_id else None
    return next((f for f in event.figures if f.id == fid), None) if event else None


def check_brief(brief: model.PreMeetingBrief, doc: Document, content) -> list[Problem]:
    """What a pre-meeting brief names must exist: countries, the event, attendees,
    roadmap items and figures (unknown sources are checked for every brief)."""
    from .validate import _suggest

    problems = []
    for i, cid in enumerate(brief.counterparts):
        if cid not in content.countries:
            problems.append(
                doc.problem(
                    ("counterparts", i), f"unknown country {cid!r}" + _suggest(cid, content.countries)
                )
            )
    meeting = brief.meeting
    if meeting.event is not None and meeting.event not in content.events:
        problems.append(
            doc.problem(
                ("meeting", "event"),
                f"unknown event {meeting.event!r}" + _suggest(meeting.event, content.events),
            )
        )
    people = [(("meeting", "principal"), meeting.principal)]
    people += [
        (("meeting", side, i), a) for side in ("ours", "theirs") for i, a in enumerate(getattr(meeting, side))
    ]
    for loc, attendee in people:
        if not isinstance(attendee, str):
            continue
        event_id, pid = split_ref(attendee, meeting.event)
        if event_id is None:
            problems.append(
                doc.problem(
                    loc, f"participant {pid!r}: no `meeting.event` to find it in; write EVENT-ID/{pid}"
                )
            )
        elif event_id not in content.events:
            if event_id != meeting.event:  # an unknown meeting.event is reported once, above
                problems.append(
                    doc.problem(loc, f"unknown event {event_id!r}" + _suggest(event_id, content.events))
                )
        elif participant(content, attendee, meeting.event) is None:
            ids = [p.id for p in content.events[event_id].participants if p.id]
            problems.append(
                doc.problem(loc, f"event {event_id!r} has no participant {pid!r}" + _suggest(pid, ids))
            )
    if brief.roadmap_items != "auto":
        items = {item.id for r in content.roadmaps.values() for item in r.items}
        for i, iid in enumerate(brief.roadmap_items):
            if iid not in items:
                problems.append(
                    doc.problem(("roadmap_items", i), f"unknown roadmap item {iid!r}" + _suggest(iid, items))
                )
    for i, ref in enumerate(brief.key_figures):
        event_id, fid = split_ref(ref, None)
        if event_id is None:
            problems.append(doc.problem(("key_figures", i), f"expected EVENT-ID/FIGURE-ID, got {ref!r}"))
        elif event_id not in content.events:
            problems.append(
                doc.problem(
                    ("key_figures", i), f"unknown event {event_id!r}" + _suggest(event_id, content.events)
                )
            )
        elif figure(content, ref) is None:
            ids = [f.id for f in content.events[event_id].figures if f.id]
            problems.append(
                doc.problem(
                    ("key_figures", i), f"event {event_id!r} has no figure {fid!r}" + _suggest(fid, ids)
                )
            )
    return problems


# -- state of play -------------------------------------------------------------------
@dataclass(frozen=True)
class OpenItem:
    roadmap: model.Roadmap
    item: model.ActionItem
    entry: model.StatusEntry
    overdue: bool


def open_items(
    content, counterparts: list[str], when: dt.date, only: list[str] | None = None
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
    content, counterparts: list[str], when: dt.date, exclude: str | None = None, n: int = ENGAGEMENTS
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
