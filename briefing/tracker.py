"""Tracker logic: status histories -> status at a date, overdue flags, changes, counts.

Pure functions over the content model (model.ActionItem and friends), with no
rendering in them, so the rules the roadmap tracker prints are tested directly:

- the status of an item "as of" a day is its latest history entry whose
  effective day (model.StatusEntry.effective) is not later than that day;
  an item with no such entry is not yet on record and is left out;
- an item is overdue when its due date (a partial date counts to its last
  day) is before the "as of" day and it is neither done nor dropped; on the
  due day itself it is not overdue yet;
- the changes between two editions are the items whose status differs at the
  two dates, "not on record" counting as a status of its own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import STATUSES, ActionItem, StatusEntry, last_day

CLOSED = ("done", "dropped")  # statuses for which a due date no longer matters


def entry_at(item: ActionItem, when: dt.date) -> StatusEntry | None:
    """The history entry in force on `when`, or None if the item is not yet on record."""
    current = None
    for entry in item.history:  # validated in date order; on a tie the later line wins
        if entry.effective <= when:
            current = entry
    return current


def status_at(item: ActionItem, when: dt.date) -> str | None:
    entry = entry_at(item, when)
    return entry.status if entry else None


def on_record(items: Iterable[ActionItem], when: dt.date) -> list[ActionItem]:
    """The items that have a status on `when`, in their given order."""
    return [item for item in items if entry_at(item, when) is not None]


def is_overdue(item: ActionItem, when: dt.date) -> bool:
    status = status_at(item, when)
    if item.due is None or status is None or status in CLOSED:
        return False
    return last_day(item.due) < when


def involving(items: Iterable[ActionItem], country: str | None) -> list[ActionItem]:
    """Items with `country` among their parties (all items when country is None)."""
    return [item for item in items if country is None or country in item.parties]


@dataclass(frozen=True)
class Change:
    item: ActionItem
    old: str | None  # None: not on record at the earlier date
    new: str | None
    entry: StatusEntry | None  # the entry that holds at the later date


def changes(items: Iterable[ActionItem], before: dt.date, after: dt.date) -> list[Change]:
    """Every item whose status on `after` differs from its status on `before`."""
    if before >= after:
        raise ValueError(f"the previous edition ({before}) must be before this one ({after})")
    out = []
    for item in items:
        old, new = status_at(item, before), status_at(item, after)
        if old != new:
            out.append(Change(item, old, new, entry_at(item, after)))
    return out


def counts(items: Iterable[ActionItem], when: dt.date) -> dict[str, int]:
    """Items per status on `when`, every status present (zero if none); items not on record are not counted."""
    found = Counter(status_at(item, when) for item in items)
    found.pop(None, None)
    return {status: found.get(status, 0) for status in STATUSES}


@dataclass(frozen=True)
class Progress:
    """Shares of a bar, in whole per cent that add up to 100 (largest remainder)."""

    done: int
    in_progress: int
    rest: int
    total: int


def progress(by_status: dict[str, int]) -> Progress:
    total = sum(by_status.values())
    if total == 0:
        return Progress(0, 0, 0, 0)
    parts = [by_status.get("done", 0), by_status.get("in_progress", 0)]
    parts.append(total - sum(parts))
    exact = [100 * p / total for p in parts]
    whole = [int(x) for x in exact]
    order = sorted(range(3), key=lambda i: exact[i] - whole[i], reverse=True)
    for i in order[: 100 - sum(whole)]:
        whole[i] += 1
    done, in_progress, rest = whole
    return Progress(done, in_progress, rest, total)


def by_area(items: Sequence[ActionItem], area_ids: Sequence[str]) -> dict[str, list[ActionItem]]:
    """Items grouped by area, areas in the given order (an area may be empty)."""
    groups: dict[str, list[ActionItem]] = {area: [] for area in area_ids}
    for item in items:
        groups.setdefault(item.area, []).append(item)
    return groups
