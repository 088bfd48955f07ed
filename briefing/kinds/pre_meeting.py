"""Kind `pre-meeting`: a 2–4 page brief for a principal before a meeting (issue #5).

What the officer wrote (objectives, the ask, lines to take) comes from the
brief; everything else is looked up in content at build time (premeeting.py
holds those rules), so the brief never holds a copy of a fact. One <article>
per language; the bilingual edition is the Arabic brief, then the English one.
Declared feature: draft fields (drafts.py) — a brief still holding one builds
marked DRAFT, and `build.py --final` refuses it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from markupsafe import Markup, escape
from pydantic import AfterValidator, Discriminator, Field, Tag, model_validator

from .. import drafts, formatting, model, premeeting
from ..errors import Problem
from ..load import Document
from ..model import Bilingual, BriefBase, Date, Id, OrUnknown, Para, SourceId, Strict
from ..render import Page, bdi
from ..validate import Content, suggest
from .base import Kind, beyond_profiles

_REF = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$")


def _ref(value: object) -> object:
    if isinstance(value, str) and not _REF.match(value):
        raise ValueError("expected an id, or EVENT-ID/ID")
    return value


Ref = Annotated[str, AfterValidator(_ref)]


class Attendee(Strict):
    """Someone at the meeting written in the brief itself (our own delegation, or
    a person no content file names yet); `source` when a source names them."""

    name: OrUnknown[Bilingual]
    role: Bilingual
    affiliation: Bilingual
    source: SourceId | None = None


def _ref_or_inline(value: object) -> str:
    return "ref" if isinstance(value, str) else "inline"


# A participant of an event in content (`issetov`: of the meeting's event;
# `luxembourg-meeting-2025/issetov`: of any event), or a person written here.
AttendeeRef = Annotated[
    Annotated[Ref, Tag("ref")] | Annotated[Attendee, Tag("inline")],
    Discriminator(_ref_or_inline),
]


class Meeting(Strict):
    """The meeting card. `date` is the date the meeting is planned for, as the
    user gives it; a linked `event` keeps the date its sources give."""

    date: Date
    place: Bilingual
    format: Bilingual
    event: Id | None = Field(None, description="The meeting's entry in content/events, if there is one")
    principal: AttendeeRef = Field(description="Our principal, whom the brief is for")
    ours: list[AttendeeRef] = Field([], description="The rest of our side")
    theirs: list[AttendeeRef] = Field(min_length=1, description="The other side")


class IfRaised(Strict):
    """A responsive point: what to say if the other side raises `topic`."""

    topic: Bilingual
    response: Para


class PreMeetingBrief(BriefBase):
    """A 2–4 page brief for a principal before a meeting (briefs/<date>-<slug>.yaml).

    Written by the officer: the meeting card, objectives, the ask, lines to take
    and responsive points. Assembled at build time from content: the
    counterparts' profiles, the open roadmap items involving them (status as of
    `as_of`), their last three engagements, and the key figures named here.
    """

    kind: Literal["pre-meeting"]
    marking: Bilingual = Field(description="Classification marking; runs in every page header")
    meeting: Meeting
    counterparts: list[Id] = Field(min_length=1, description="Country ids (content/countries) we meet")
    objectives: list[Para] = Field(min_length=1, max_length=6)
    ask: Para
    lines_to_take: list[Para] = Field(min_length=1, max_length=8)
    if_raised: list[IfRaised] = Field([], max_length=6)
    roadmap_items: list[Id] | Literal["auto"] = Field(
        "auto",
        description="`auto`: every open item involving a counterpart; or the item ids to show, in order",
    )
    key_figures: list[Ref] = Field(
        [], max_length=10, description="EVENT-ID/FIGURE-ID of figures in content/events"
    )

    @model_validator(mode="after")
    def _written_before_the_meeting(self) -> PreMeetingBrief:
        # The brief speaks of its meeting as ahead (EDITORIAL: tense follows the
        # document's date); dated after it, it cannot be right.
        if self.as_of > model.last_day(self.meeting.date):
            raise model.rule_error(
                ("as_of",),
                f"{self.as_of.isoformat()} is after the meeting ({self.meeting.date}): a pre-meeting "
                "brief is written before its meeting (or on the day)",
            )
        return self


class PreMeetingPage(Page):
    """Page helpers: superscript citations (Page.cite), date claims (Page.claim), ranges, drafts."""

    def value(self, fig: model.EventFigure) -> Markup:
        """A figure's value, a range when it has `upper`: "10–11 million tonnes"."""
        if fig.value == "unknown":
            return self.gap()
        words = {
            k: getattr(v, self.lang) for k, v in self.labels.items() if k.startswith(("scale_", "unit_"))
        }
        text = formatting.figure(fig, self.lang, words)
        if fig.upper is not None:
            low = formatting.number(fig.value, self.lang)
            text = text.replace(low, f"{low}–{formatting.number(fig.upper, self.lang)}", 1)
        return bdi(text)

    def text(self, value: model.Bilingual) -> Markup:
        """A text of the brief; a draft one is flagged so it stands out on the page."""
        text = self.t(value)
        if drafts.is_draft(text):
            return Markup('<strong class="draft-field">') + escape(text) + Markup("</strong>")
        return Markup(escape(text))

    def status(self, status: str) -> str:
        return self.label(f"track_{status}")


class PreMeeting(Kind[PreMeetingBrief]):
    """One brief per file: the meeting card, what we want, what to say, and the state of play."""

    name = "pre-meeting"
    schema = PreMeetingBrief
    template = "pre-meeting"
    label = "web_kind_pre_meeting"
    drafts = True  # texts starting with DRAFT: are fields still to fill (drafts.py)

    def check(self, brief: PreMeetingBrief, doc: Document, content: Content) -> list[Problem]:
        """What a pre-meeting brief names must exist: countries, the event, attendees,
        roadmap items and figures (unknown sources are checked for every brief)."""
        problems = []
        for i, cid in enumerate(brief.counterparts):
            if cid not in content.countries:
                problems.append(
                    doc.problem(
                        ("counterparts", i), f"unknown country {cid!r}" + suggest(cid, content.countries)
                    )
                )
        meeting = brief.meeting
        if meeting.event is not None and meeting.event not in content.events:
            problems.append(
                doc.problem(
                    ("meeting", "event"),
                    f"unknown event {meeting.event!r}" + suggest(meeting.event, content.events),
                )
            )
        people: list[tuple[tuple[str | int, ...], str | Attendee]] = [
            (("meeting", "principal"), meeting.principal)
        ]
        people += [
            (("meeting", side, i), a)
            for side in ("ours", "theirs")
            for i, a in enumerate(getattr(meeting, side))
        ]
        for loc, attendee in people:
            if not isinstance(attendee, str):
                continue
            event_id, pid = premeeting.split_ref(attendee, meeting.event)
            if event_id is None:
                problems.append(
                    doc.problem(
                        loc, f"participant {pid!r}: no `meeting.event` to find it in; write EVENT-ID/{pid}"
                    )
                )
            elif event_id not in content.events:
                if event_id != meeting.event:  # an unknown meeting.event is reported once, above
                    problems.append(
                        doc.problem(loc, f"unknown event {event_id!r}" + suggest(event_id, content.events))
                    )
            elif premeeting.participant(content, attendee, meeting.event) is None:
                ids = [p.id for p in content.events[event_id].participants if p.id]
                problems.append(
                    doc.problem(loc, f"event {event_id!r} has no participant {pid!r}" + suggest(pid, ids))
                )
        if brief.roadmap_items != "auto":
            items = {item.id for r in content.roadmaps.values() for item in r.items}
            for i, iid in enumerate(brief.roadmap_items):
                if iid not in items:
                    problems.append(
                        doc.problem(
                            ("roadmap_items", i), f"unknown roadmap item {iid!r}" + suggest(iid, items)
                        )
                    )
        for i, ref in enumerate(brief.key_figures):
            event_id, fid = premeeting.split_ref(ref, None)
            if event_id is None:
                problems.append(doc.problem(("key_figures", i), f"expected EVENT-ID/FIGURE-ID, got {ref!r}"))
            elif event_id not in content.events:
                problems.append(
                    doc.problem(
                        ("key_figures", i), f"unknown event {event_id!r}" + suggest(event_id, content.events)
                    )
                )
            elif premeeting.figure(content, ref) is None:
                ids = [f.id for f in content.events[event_id].figures if f.id]
                problems.append(
                    doc.problem(
                        ("key_figures", i), f"event {event_id!r} has no figure {fid!r}" + suggest(fid, ids)
                    )
                )
        return problems

    def documents(self, brief: PreMeetingBrief, content: Content) -> list[str]:
        return ["brief"]

    def pages(self, labels: dict[str, Bilingual], content: Content, langs: tuple[str, ...]) -> list[Page]:
        return [PreMeetingPage(lang, labels, content.sources) for lang in langs]

    def title(self, brief: PreMeetingBrief, content: Content, doc_id: str, lang: str) -> str:
        return getattr(brief.title, lang)

    def context(self, brief: PreMeetingBrief, content: Content, doc_id: str) -> dict:
        meeting = brief.meeting

        def person(ref: str | Attendee) -> Attendee | model.EventParticipant | None:
            return premeeting.participant(content, ref, meeting.event) if isinstance(ref, str) else ref

        only = None if brief.roadmap_items == "auto" else list(brief.roadmap_items)
        draft_fields = list(drafts.draft_fields(brief.model_dump(mode="json")))
        return {
            "meeting": meeting,
            "event": content.events.get(meeting.event) if meeting.event else None,
            "principal": person(meeting.principal),
            "ours": [person(a) for a in meeting.ours],
            "theirs": [person(a) for a in meeting.theirs],
            "counterparts": [content.countries[c] for c in brief.counterparts],
            "open_items": premeeting.open_items(content, brief.counterparts, brief.as_of, only),
            "engagements": premeeting.recent_events(
                content, brief.counterparts, brief.as_of, exclude=meeting.event
            ),
            "figures": [premeeting.figure(content, ref) for ref in brief.key_figures],
            "drafts": len(draft_fields),
            "auto_items": only is None,
        }

    def partial_inputs(
        self, brief: PreMeetingBrief, content: Content, doc_id: str
    ) -> dict[Path, tuple[str, ...]]:
        return beyond_profiles(self.inputs(brief, content, doc_id), content)


KIND = PreMeeting()
