"""Kind `summit-backgrounder`: a brief + events -> the sections of a footnoted backgrounder.

The document is a list of sections, each a list of *units* (a heading, a
paragraph, a table…). A one-language edition prints the units one after the
other; the bilingual edition prints each unit's Arabic and English side by
side in one table row, so a reader can move between them paragraph by
paragraph. Both editions come from the same unit list, so they cannot differ
in content.

Notes (EDITORIAL.md, "Notes and bibliography"): a note says what a paragraph
rests on, once, as a short citation (author and title, CMOS 14.29) set by the
CSL processor (citations.py); the bibliography at the end gives each source in
full, sorted as the style sorts it. Repeats are collapsed: where two or more
paragraphs of a section rest on the same sources, the section's heading carries
one note saying so and those paragraphs carry none; a paragraph resting on
anything else has its own note. A note that adds something (sources disagreeing
on a date) keeps its own text.

Notes are real footnotes (float: footnote in the PDF, Word footnotes in the
DOCX). In the bilingual edition each language numbers its notes from 1 (CSS
counters per language; custom footnote marks in the DOCX) and sets them on its
own side of the foot of the page, under its column.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from markupsafe import Markup, escape
from pydantic import Field, StringConstraints

from .. import formatting, graphics, model
from ..errors import Problem
from ..load import Document
from ..model import Bilingual, BriefBase, Figure, Id, OrUnknown, Para, Sourced, SourceId, Strict
from ..render import Page, bdi, in_language
from ..validate import Content, suggest
from .base import Kind, beyond_profiles


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


class CorridorMap(Strict):
    """A transport corridor drawn across the region: the route through the countries the
    sources name, east to west, on to Europe; `caption` states the figures, with sources."""

    title: Bilingual
    route: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]] = Field(
        min_length=2,
        description="The countries along the route, east to west, as lower-case ISO 3166 alpha-2 codes "
        "(a country in content/countries is named as there; others by their CLDR name)",
    )
    sources: list[SourceId] = Field(min_length=1, description="Sources that name the route's countries")
    boundaries_source: SourceId = Field(description="The source of the boundaries drawn (Natural Earth)")
    caption: Para = Field(
        description="What the map shows; a figure the text states is referred to, never restated"
    )
    alt: Bilingual = Field(description="What the map shows, for readers who cannot see it")


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
    corridor_map: CorridorMap | None = Field(None, description="A map of the corridor the package funds")
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
    # Collapsed notes (collapse_notes, collapse_document): on a heading (h2, takeaways), what its note
    # cites and whether every paragraph of the section rests on it (None: no note, the title's says
    # it); on a paragraph, list or event, what it need not cite again.
    section_sources: tuple[str, ...] = ()
    whole: bool | None = False


@dataclass
class Section:
    key: str
    units: list[Unit] = field(default_factory=list)
    in_toc: bool = True


@dataclass
class BackgrounderPage(Page):
    """Page helpers for notes, heading ids and the corridor map."""

    countries: dict[str, model.Country] = field(default_factory=dict)

    def corridor(self, corridor: CorridorMap, width_mm: float) -> Markup:
        """The corridor map as an <img> in this page's language (names, alt text)."""
        drawn = graphics.corridor_for(corridor, self.countries, self.lang, self.labels, self.cache, width_mm)
        return graphics.img(drawn, "corridor")

    def map_note(self, corridor: CorridorMap) -> Markup:
        """The map's caption, whose boundaries it draws (implying no position on them), and
        one footnote for the route's, the caption's and the boundaries' sources."""
        source = self.sources[corridor.boundaries_source]
        name = in_language(source.publisher or source.author or source.title, source.language)
        return (
            Markup(escape(self.t(corridor.caption.text)))
            + Markup(" ")
            + self.labelf("map_note", source=name)
            + self.footnote([*corridor.sources, *corridor.caption.sources, corridor.boundaries_source])
        )

    def heading_id(self, key: str) -> str:
        return f"sec-{key}-{self.lang}"

    def footnote(self, sources: list[str], lead: Markup | str = "", rests_on: tuple[str, ...] = ()) -> Markup:
        """One note: an optional text of its own, then citations of `sources`, sorted; none where
        it would only repeat what its section's or the title's note says (`rests_on`)."""
        sources = [s for s in dict.fromkeys(sources) if s]
        if (not sources and not lead) or (not lead and rests_on and tuple(sources) == rests_on):
            return Markup("")
        for s in sources:
            self.source_number(s)  # into the bibliography
        body = Markup(lead)
        if sources:
            body += (Markup(" ") if lead else Markup("")) + self.citations.note(sources)
        return Markup('<span class="footnote">') + body + Markup("</span>")

    def note(self, para: model.Para, section_sources: tuple[str, ...] = ()) -> Markup:
        """A paragraph's note, unless its section's heading note already says what it rests on."""
        return self.footnote(para.sources, rests_on=section_sources)

    def section_note(self, sources: tuple[str, ...], whole: bool | None, key: str = "section") -> Markup:
        """The heading note of a section (or, key "document", of the title) whose paragraphs rest on
        the same sources; `whole` when all of them do, None when the title's note says it already."""
        if not sources or whole is None:
            return Markup("")
        label = f"{key}_rests_on" if whole else f"{key}_mostly"
        return self.footnote(list(sources), Markup(escape(self.label(label))))

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

    def sorted_bibliography(self) -> list[Markup]:
        """Every source cited, in full, as the style sorts a bibliography."""
        return self.citations.bibliography()

    def date_note(self, event: model.Event, section_sources: tuple[str, ...] = ()) -> Markup:
        """The note of a dated event: its sources, and any disagreement about the date; none where
        the section's heading note already cites what it rests on."""
        if section_sources and _note_sources(Unit("event", event)) == [section_sources]:
            return Markup("")
        lead, named = Markup(""), set()
        if event.other_dates:
            claims = [event.date, *event.other_dates]
            lead = (
                Markup(escape(self.label("dates_disagree")))
                + Markup(": ")
                + Markup(self.label("semicolon")).join(
                    # "date: citation", not "date (citation)": a citation may hold "(in Arabic)".
                    self.claim(c) + Markup(": ") + self.citations.note([c.source]).rstrip(".")
                    for c in claims
                )
                + Markup(". ")
                + Markup(escape(self.label("date_used")))
                + Markup(": ")
                + self.claim(event.date)
                + Markup(".")
            )
            named = {c.source for c in claims}
            for c in claims:
                self.source_number(c.source)
        if event.date.note:
            lead += (Markup(" ") if lead else Markup("")) + Markup(escape(self.t(event.date.note)))
        rest = [s for s in (event.date.source, *event.summary.sources) if s not in named]
        return self.footnote(rest, lead)


class SummitBackgrounder(Kind[BackgrounderBrief]):
    """A backgrounder on one event, from a `summit-backgrounder` brief."""

    name = "summit-backgrounder"
    schema = BackgrounderBrief
    template = "summit-backgrounder"
    label = "web_kind_summit_backgrounder"

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
        return [
            BackgrounderPage(lang, labels, content.sources, countries=content.countries) for lang in langs
        ]

    def source_file(self, content: Content, doc_id: str) -> Path:
        return content.root / "events" / f"{doc_id}.yaml"

    def context(self, brief: BackgrounderBrief, content: Content, doc_id: str) -> dict:
        event = content.events[doc_id]

        def paras(items: list[Para]) -> list[Unit]:
            return [Unit("para", p) for p in items]

        sections = [
            Section("cover", [Unit("cover", event)], in_toc=False),
            Section("takeaways", [Unit("takeaways", brief.takeaways)], in_toc=False),
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
                    *([Unit("corridor", brief.corridor_map)] if brief.corridor_map else []),
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
        sections, document_sources = collapse_document([collapse_notes(s) for s in sections])
        return {
            "event": event,
            "sections": sections,
            "toc": [s.key for s in sections if s.in_toc],
            "document_sources": document_sources,
        }

    def partial_inputs(
        self, brief: BackgrounderBrief, content: Content, doc_id: str
    ) -> dict[Path, tuple[str, ...]]:
        return beyond_profiles(self.inputs(brief, content, doc_id), content)


def collapse_document(sections: list[Section]) -> tuple[list[Section], tuple[str, ...]]:
    """Sections that rest on the same sources say so once, in the title's note: the document's
    sources. Their headings then carry no note, and no paragraph of the document whose sources
    are just those carries one either. Returns the sections and the document's sources (or ())."""
    heads = [
        u.section_sources
        for s in sections
        for u in s.units
        if u.kind in ("h2", "takeaways") and u.section_sources
    ]
    counts = Counter(heads).most_common()
    if not counts or counts[0][1] < 2 or (len(counts) > 1 and counts[1][1] == counts[0][1]):
        return sections, ()
    document = counts[0][0]
    out = []
    for section in sections:
        units = []
        for u in section.units:
            if u.kind in ("h2", "takeaways") and u.section_sources == document:
                u = replace(u, section_sources=() if u.kind == "h2" else document, whole=False)
                if (
                    u.kind == "takeaways"
                ):  # its heading is inside the unit: keep the items quiet, no heading note
                    u = replace(u, whole=None)
            elif u.kind in NOTED and not u.section_sources:
                u = replace(u, section_sources=document)
            units.append(u)
        out.append(replace(section, units=units))
    return out, document


# The units that carry a note of what they rest on.
NOTED = ("para", "list", "takeaways", "event", "cover", "package", "participants")


def _note_sources(unit: Unit) -> list[tuple[str, ...]]:
    """What each note of a unit would cite, for the notes that only cite (a dated event whose
    sources disagree, or whose date needs a word, has a note of its own)."""
    if unit.kind == "para":
        paras = [unit.data]
    elif unit.kind in ("list", "takeaways"):
        paras = unit.data
    elif unit.kind in ("event", "cover"):
        event = unit.data
        if event.other_dates or event.date.note:
            return []
        return [tuple(dict.fromkeys((event.date.source, *event.summary.sources)))]
    elif unit.kind == "package":
        return [tuple(unit.data.sources)]
    elif unit.kind == "participants":
        return [tuple(dict.fromkeys(x.source for x in unit.data))]
    elif unit.kind == "corridor":  # the map's own note: its route, caption and boundaries
        corridor = unit.data
        return [
            tuple(dict.fromkeys((*corridor.sources, *corridor.caption.sources, corridor.boundaries_source)))
        ]
    else:
        return []
    return [tuple(dict.fromkeys(p.sources)) for p in paras if p.sources]


def collapse_notes(section: Section) -> Section:
    """A section whose paragraphs and list items mostly rest on the same sources says so once,
    in its heading's note; those paragraphs then carry no note of their own.

    "Mostly": at least two of them, and more than any other set. `whole` when every one does.
    """
    sets = [sources for u in section.units for sources in _note_sources(u)]
    counts = Counter(sets)
    if not counts:
        return section
    (common, n), *rest = counts.most_common()
    if n < 2 or (rest and rest[0][1] == n):
        return section
    whole = n == len(sets)
    units = []
    for u in section.units:
        if u.kind in ("h2", "takeaways"):
            u = replace(u, whole=whole, section_sources=common)
        if u.kind in NOTED:
            u = replace(u, section_sources=common)
        units.append(u)
    return replace(section, units=units)


KIND = SummitBackgrounder()
