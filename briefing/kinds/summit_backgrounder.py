"""Kind `summit-backgrounder`: a brief + events -> the sections of a footnoted backgrounder.

The document is a list of sections, each a list of *units* (a heading, a
paragraph, a table…). A one-language edition prints the units one after the
other; the bilingual edition prints each unit's Arabic and English side by
side in one table row, so a reader can move between them paragraph by
paragraph. Both editions come from the same unit list, so they cannot differ
in content.

Footnotes: every paragraph that names sources gets one footnote, whose text
points into the numbered bibliography ("Source: [2]"). The bibliography is
numbered by first citation; in the bilingual edition both languages share one
numbering, so [2] is the same entry in either column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup, escape
from pydantic import Field

from .. import formatting, model
from ..errors import Problem
from ..load import Document
from ..model import Bilingual, BriefBase, Figure, Id, OrUnknown, Para, Sourced, SourceId, Strict
from ..render import Page, bdi
from ..validate import Content, suggest
from .base import Kind


class Participant(Sourced):
    """A row of a participants table: the name in both scripts, role, country or institution."""

    name: OrUnknown[Bilingual]
    role: Bilingual
    affiliation: Bilingual


class PackageRow(Strict):
    """One priority of a funding package. `amount` is left out where the official announcement gives
    no figure for the priority: the table then has no amount column."""

    priority: Bilingual
    amount: Figure | None = None
    detail: Bilingual
    sources: list[SourceId] = Field(min_length=1)


class Package(Strict):
    title: Bilingual
    totals: list[Figure] = Field(min_length=1)
    rows: list[PackageRow] = Field(min_length=1)

    @property
    def sources(self) -> list[str]:
        """Every source behind the table, in order, for its one footnote."""
        ids = [f.source for f in self.totals] + [
            s for r in self.rows for s in ((r.amount.source if r.amount else None), *r.sources)
        ]
        return list(dict.fromkeys(i for i in ids if i))


class BackgrounderBrief(BriefBase):
    """A sourced, footnoted backgrounder on one event (briefs/samarkand-summit.yaml)."""

    kind: Literal["summit-backgrounder"]
    event: Id = Field(description="The event the backgrounder is about (content/events/<id>.yaml)")
    subtitle: Bilingual
    prepared_for: Bilingual
    marking: Bilingual = Field(description="Classification marking; also runs in every page header")
    takeaways: list[Para] = Field(min_length=4, max_length=6)
    context: list[Para] = Field(min_length=1)
    objectives_eu: list[Para] = Field(min_length=1)
    objectives_ca: list[Para] = Field(min_length=1)
    discussed: list[Para] = Field(min_length=1)
    outcomes: list[Para] = Field(min_length=1)
    package: Package
    agreements: list[Para] = Field(min_length=1)
    participants: list[Participant] = Field(min_length=1)
    timeline: list[Id] = Field(min_length=1, description="Event ids, in the order the timeline shows them")
    challenges: list[Para] = Field(min_length=1)
    outlook: list[Para] = Field(min_length=1)


# Section keys in reading order; each has a label of the same name in labels.yaml.
SECTIONS = (
    "context",
    "objectives",
    "discussed",
    "outcomes",
    "participants",
    "timeline",
    "challenges_outlook",
    "sources",
)


@dataclass(frozen=True)
class Unit:
    """One block of the document, printed once per language."""

    kind: str
    data: Any = None
    key: str = ""


@dataclass
class Section:
    key: str
    units: list[Unit] = field(default_factory=list)
    in_toc: bool = True


class BackgrounderPage(Page):
    """Page helpers for footnotes and heading ids."""

    def heading_id(self, key: str) -> str:
        return f"sec-{key}-{self.lang}"

    def ref(self, source_id: str) -> Markup:
        """A bibliography number in brackets, registering the source on first use."""
        return bdi(f"[{self.source_number(source_id)}]")

    def footnote(self, sources: list[str], lead: Markup | str = "") -> Markup:
        """One footnote: an optional text, then the bibliography numbers of `sources`."""
        sources = list(dict.fromkeys(sources))
        if not sources and not lead:
            return Markup("")
        body = Markup(lead)
        if sources:
            label = self.label("source" if len(sources) == 1 else "sources_short")
            refs = Markup(self.label("comma") + " ").join(self.ref(s) for s in sources)
            body += (
                (Markup(" ") if lead else Markup(""))
                + Markup(escape(label))
                + Markup(": ")
                + refs
                + Markup(".")
            )
        return Markup('<span class="footnote">') + body + Markup("</span>")

    def note(self, para: model.Para) -> Markup:
        return self.footnote(para.sources)

    def amount(self, fig: model.Figure) -> Markup:
        """A figure without year or citation (the table's caption carries its footnote)."""
        if fig.value == "unknown":
            return self.gap()
        words = {
            k: getattr(v, self.lang) for k, v in self.labels.items() if k.startswith(("scale_", "unit_"))
        }
        return bdi(formatting.figure(fig, self.lang, words))

    def other(self) -> str:
        """The other language of a bilingual pair (for a name in its second script)."""
        return "en" if self.lang == "ar" else "ar"

    def date_note(self, event: model.Event, *more: str) -> Markup:
        """The footnote of a dated event: its sources, and any disagreement about the date."""
        lead, named = Markup(""), set()
        if event.other_dates:
            claims = [event.date, *event.other_dates]
            lead = (
                Markup(escape(self.label("dates_disagree")))
                + Markup(": ")
                + Markup(self.label("semicolon") + " ").join(
                    self.claim(c) + Markup(" ") + self.ref(c.source) for c in claims
                )
                + Markup(". ")
            )
            lead += (
                Markup(escape(self.label("date_used")))
                + Markup(" ")
                + self.ref(event.date.source)
                + Markup(".")
            )
            named = {c.source for c in claims}
        if event.date.note:
            lead += (Markup(" ") if lead else Markup("")) + Markup(escape(self.t(event.date.note)))
        rest = [s for s in (event.date.source, *event.summary.sources, *more) if s not in named]
        return self.footnote(rest, lead)


class SummitBackgrounder(Kind[BackgrounderBrief]):
    """A backgrounder on one event, from a `summit-backgrounder` brief."""

    name = "summit-backgrounder"
    schema = BackgrounderBrief
    template = "summit-backgrounder"

    def check(self, brief: BackgrounderBrief, doc: Document, content: Content) -> list[Problem]:
        refs = [(("event",), brief.event)] + [(("timeline", i), eid) for i, eid in enumerate(brief.timeline)]
        return [
            doc.problem(loc, f"unknown event {eid!r}" + suggest(eid, content.events))
            for loc, eid in refs
            if eid not in content.events
        ]

    def warnings(self, brief: BackgrounderBrief, doc: Document, content: Content) -> list[Problem]:
        """A timeline event (other than the one the backgrounder is about, which it may
        precede) that begins after `as_of`: the timeline shows it as past."""
        found = []
        for i, eid in enumerate(brief.timeline):
            event = content.events[eid]
            start = event.date.start
            if (
                eid != brief.event
                and start != "unknown"
                and model.PartialDate(start).first_day() > brief.as_of
            ):
                found.append(
                    doc.problem(
                        ("timeline", i),
                        f"event {eid!r} ({start}) is after the brief's as_of ({brief.as_of.isoformat()}): "
                        "the timeline shows it as past",
                    )
                )
        return found

    def documents(self, brief: BackgrounderBrief, content: Content) -> list[str]:
        return [brief.event]

    def pages(self, labels: dict[str, Bilingual], content: Content, langs: tuple[str, ...]) -> list[Page]:
        cited: list[str] = []  # shared: the bilingual edition numbers its sources once
        return [BackgrounderPage(lang, labels, content.sources, cited) for lang in langs]

    def source_file(self, content: Content, doc_id: str) -> Path:
        return content.root / "events" / f"{doc_id}.yaml"

    def context(self, brief: BackgrounderBrief, content: Content, doc_id: str) -> dict:
        event = content.events[doc_id]

        def paras(items: list[Para]) -> list[Unit]:
            return [Unit("para", p) for p in items]

        sections = [
            Section("cover", [Unit("cover")], in_toc=False),
            Section("takeaways", [Unit("takeaways")], in_toc=False),
            Section("toc", [Unit("h2", key="toc"), Unit("toc")], in_toc=False),
            Section(
                "context",
                [Unit("h2", key="context"), Unit("intro", key="context_intro")] + paras(brief.context),
            ),
            Section(
                "objectives",
                [
                    Unit("h2", key="objectives"),
                    Unit("h3", key="objectives_eu"),
                    Unit("list", brief.objectives_eu),
                    Unit("h3", key="objectives_ca"),
                    Unit("list", brief.objectives_ca),
                ],
            ),
            Section("discussed", [Unit("h2", key="discussed")] + paras(brief.discussed)),
            Section(
                "outcomes",
                [Unit("h2", key="outcomes")]
                + paras(brief.outcomes)
                + [
                    Unit("h3", key="package"),
                    Unit("package", brief.package),
                    Unit("h3", key="agreements"),
                    Unit("list", brief.agreements),
                ],
            ),
            Section(
                "participants", [Unit("h2", key="participants"), Unit("participants", brief.participants)]
            ),
            Section(
                "timeline",
                [Unit("h2", key="timeline")] + [Unit("event", content.events[e]) for e in brief.timeline],
            ),
            Section(
                "challenges_outlook",
                [Unit("h2", key="challenges_outlook"), Unit("h3", key="challenges")]
                + paras(brief.challenges)
                + [Unit("h3", key="outlook")]
                + paras(brief.outlook),
            ),
            Section("sources", [Unit("h2", key="sources"), Unit("bibliography")]),
        ]
        return {"event": event, "sections": sections, "toc": [s.key for s in sections if s.in_toc]}


KIND = SummitBackgrounder()
