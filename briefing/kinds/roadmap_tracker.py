"""Kind `roadmap-tracker`: roadmaps in content/roadmaps/ -> the implementation tracker.

The status rules live in briefing/tracker.py (pure functions, shared with the
pre-meeting brief's state of play); this module checks the brief, arranges the
rules' results per roadmap and area for templates/roadmap-tracker.html.j2, and
names the status colours (one palette for the PDF's CSS boxes and the DOCX's
shaded cells, chosen so that the five statuses stay apart in greyscale:
relative luminance 0.86, 0.64, 0.45, 0.30, 0.19; the text label is always
printed too). Declared features: landscape pages, and the country filter
(`country:` in the brief, or build.py --country).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from markupsafe import Markup
from pydantic import Field, model_validator

from .. import graphics, model, tracker
from ..errors import Problem
from ..load import Document
from ..model import BriefBase, FullDate, Id
from ..render import Page
from ..validate import Content, suggest
from .base import Kind


class TrackerBrief(BriefBase):
    """The roadmap-implementation tracker: status at `as_of`, changes since `previous_as_of`."""

    kind: Literal["roadmap-tracker"]
    roadmaps: list[Id] | Literal["all"] = "all"
    previous_as_of: FullDate = Field(
        description='The "as of" date of the previous edition, for the changes list'
    )
    country: Id | None = Field(
        None, description="Only items involving this country (also: build.py --country)"
    )

    @model_validator(mode="after")
    def _previous_before_current(self) -> TrackerBrief:
        if self.previous_as_of >= self.as_of:
            raise ValueError("`previous_as_of` must be before `as_of`")
        return self


STATUS_FILL = {
    "planned": "E9EFF9",
    "in_progress": "F4CE5C",
    "done": "76C484",
    "stalled": "E1766F",
    "dropped": "797979",
}
BAR_REST_FILL = "FFFFFF"


@dataclass
class Row:
    item: model.ActionItem
    entry: model.StatusEntry
    overdue: bool

    @property
    def status(self) -> str:
        return self.entry.status


@dataclass
class AreaView:
    area: model.Area
    rows: list[Row]
    counts: dict[str, int]
    progress: tracker.Progress


@dataclass
class RoadmapView:
    roadmap: model.Roadmap
    areas: list[AreaView]  # areas with at least one item shown
    empty: list[model.Area]  # areas with no item shown
    counts: dict[str, int]
    progress: tracker.Progress
    changes: list[tracker.Change]
    tracked: int  # items in the roadmap file (before the country filter)

    @property
    def shown(self) -> int:
        return sum(len(a.rows) for a in self.areas)


@dataclass
class TrackerView:
    as_of: dt.date
    previous_as_of: dt.date
    country: model.Country | None
    roadmaps: list[RoadmapView] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(r.counts[s] for r in self.roadmaps) for s in model.STATUSES}

    @property
    def progress(self) -> tracker.Progress:
        return tracker.progress(self.counts)

    @property
    def changes(self) -> list[tuple[RoadmapView, tracker.Change]]:
        return [(r, c) for r in self.roadmaps for c in r.changes]

    @property
    def overdue(self) -> int:
        return sum(row.overdue for r in self.roadmaps for a in r.areas for row in a.rows)


def _entry(item: model.ActionItem, when: dt.date) -> model.StatusEntry:
    """The entry in force of an item shown (tracker.on_record: it has one)."""
    entry = tracker.entry_at(item, when)
    assert entry is not None
    return entry


def view(brief: TrackerBrief, content: Content, country: str | None) -> TrackerView:
    ids = sorted(content.roadmaps) if brief.roadmaps == "all" else brief.roadmaps
    out = TrackerView(brief.as_of, brief.previous_as_of, content.countries[country] if country else None)
    for rid in ids:
        roadmap = content.roadmaps[rid]
        items = tracker.involving(roadmap.items, country)
        shown = tracker.on_record(items, brief.as_of)
        groups = tracker.by_area(shown, [a.id for a in roadmap.areas])
        areas, empty = [], []
        for area in roadmap.areas:
            rows = [
                Row(i, _entry(i, brief.as_of), tracker.is_overdue(i, brief.as_of)) for i in groups[area.id]
            ]
            if not rows:
                empty.append(area)
                continue
            counts = tracker.counts(groups[area.id], brief.as_of)
            areas.append(AreaView(area, rows, counts, tracker.progress(counts)))
        counts = tracker.counts(shown, brief.as_of)
        out.roadmaps.append(
            RoadmapView(
                roadmap=roadmap,
                areas=areas,
                empty=empty,
                counts=counts,
                progress=tracker.progress(counts),
                changes=tracker.changes(items, brief.previous_as_of, brief.as_of),
                tracked=len(roadmap.items),
            )
        )
    return out


class TrackerPage(Page):
    """Page helpers of the tracker: the progress chart under a roadmap's summary by area."""

    def progress_chart(self, roadmap: RoadmapView, width_mm: float) -> Markup:
        """Items per status in each area shown, as stacked bars in the status colours (mirrored
        in Arabic, in the brief's digits)."""
        areas = [(self.t(a.area.title), a.counts) for a in roadmap.areas]
        drawn = graphics.progress_for(
            areas, model.STATUSES, STATUS_FILL, self.lang, self.digits, self.labels, self.cache, width_mm
        )
        return graphics.img(drawn, f"progress-{roadmap.roadmap.id}")


class RoadmapTracker(Kind[TrackerBrief]):
    """One tracker document per brief; with a country, only the items involving it."""

    name = "roadmap-tracker"
    schema = TrackerBrief
    template = "roadmap-tracker"
    label = "web_kind_roadmap_tracker"
    country_filter = True
    landscape = True

    def check(self, brief: TrackerBrief, doc: Document, content: Content) -> list[Problem]:
        problems = []
        if brief.roadmaps != "all":
            for i, rid in enumerate(brief.roadmaps):
                if rid not in content.roadmaps:
                    problems.append(
                        doc.problem(
                            ("roadmaps", i), f"unknown roadmap {rid!r}" + suggest(rid, content.roadmaps)
                        )
                    )
        if brief.country is not None and brief.country not in content.countries:
            problems.append(
                doc.problem(
                    ("country",),
                    f"unknown country {brief.country!r}" + suggest(brief.country, content.countries),
                )
            )
        return problems

    def documents(self, brief: TrackerBrief, content: Content) -> list[str]:
        return [f"tracker-{brief.country}" if brief.country else "tracker"]

    def pages(self, labels: dict, content: Content, langs: tuple[str, ...]) -> list[Page]:
        return [TrackerPage(lang, labels, content.sources) for lang in langs]

    def context(self, brief: TrackerBrief, content: Content, doc_id: str) -> dict:
        return {
            "tracker": view(brief, content, brief.country),
            "fills": STATUS_FILL,
            "bar_rest": BAR_REST_FILL,
            "statuses": model.STATUSES,
            "content_countries": content.countries,
        }

    def title(self, brief: TrackerBrief, content: Content, doc_id: str, lang: str) -> str:
        title = getattr(brief.title, lang)
        if brief.country:
            title += f": {getattr(content.countries[brief.country].name, lang)}"
        return title

    def source_file(self, content: Content, doc_id: str) -> Path:
        return content.root / "roadmaps"

    def inputs(self, brief: TrackerBrief, content: Content, doc_id: str) -> list[Path]:
        # The roadmaps shown, the sources, and the countries whose names it prints:
        # the brief's country and every party of an item of those roadmaps (the
        # template looks parties up in content_countries; other countries never show).
        ids = sorted(content.roadmaps) if brief.roadmaps == "all" else brief.roadmaps
        names = {brief.country} if brief.country else set()
        names |= {party for rid in ids for item in content.roadmaps[rid].items for party in item.parties}
        countries = [
            content.root / "countries" / f"{c}.yaml" for c in sorted(names) if c in content.countries
        ]
        return (
            [content.root / "roadmaps" / f"{rid}.yaml" for rid in ids]
            + [content.root / "sources.yaml"]
            + countries
        )

    def partial_inputs(
        self, brief: TrackerBrief, content: Content, doc_id: str
    ) -> dict[Path, tuple[str, ...]]:
        # Of a party, the template prints the name (content_countries[party].name); the brief's
        # own country (its title, its filter) is read whole.
        own = content.root / "countries" / f"{brief.country}.yaml" if brief.country else None
        return {
            p: ("name",)
            for p in self.inputs(brief, content, doc_id)
            if p.parent == content.root / "countries" and p != own
        }


KIND = RoadmapTracker()
