"""Content schema: the typed shape of every YAML file under content/ and briefs/.

Declared once with pydantic; `validate.py` runs it and turns its errors into
file:line:col messages. Every human-readable field is `Bilingual`; every figure
and date that states a fact names a `source` (an id in content/sources.yaml).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
# A number as YAML writes one: not `true` (which lax parsing would take as 1), not
# infinity or NaN (YAML reads 1e400 and .inf as infinity), not a number in quotes.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


def rule_error(at: tuple, message: str) -> PydanticCustomError:
    """A rule of a whole model about one of its fields: reported at that field
    (validate reads `at`), not at the model."""
    return PydanticCustomError("rule", "{message}", {"message": message, "at": at})


SourceId = Id
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Unknown = Literal["unknown"]
# A source's address: every document prints it as a link to itself, so only a web address
# (http or https, a host, no white space or control character) may be one: never
# `javascript:` or a file on the reader's machine.
_URL = re.compile(r"https?://[^\s/?#]+[^\s\x00-\x1f\x7f]*")


def _web_address(value: str) -> str:
    if not _URL.fullmatch(value):
        raise ValueError("expected a web address: http:// or https://, a host, and no white space")
    return value


Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_web_address)]


def _known_or_unknown(value: object) -> str:
    return "unknown" if value == "unknown" else "known"


T = TypeVar("T")
# `T`, or the literal text `unknown`: the page then says the value is not known.
# A callable discriminator picks the branch first, so a mistake inside a known
# value is reported once, not once per branch of the union.
OrUnknown = Annotated[
    Annotated[T, Tag("known")] | Annotated[Unknown, Tag("unknown")],
    Discriminator(_known_or_unknown),
]


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class PartialDate(str):
    """An ISO date that may stop at the month or the year ("2020-03", "2024").

    Kept as its ISO text (so it sorts and compares as text); `precision` says
    how much of it is known, so templates never print a day nobody gave.
    """

    @property
    def parts(self) -> tuple[int, int | None, int | None]:
        match = _DATE.match(self)
        if match is None:
            raise ValueError(f"not a date: {str(self)!r}")
        y, m, d = match.groups()
        return int(y), int(m) if m else None, int(d) if d else None

    @property
    def precision(self) -> str:
        return ("year", "month", "day")[self.count("-")]

    def first_day(self) -> dt.date:
        y, m, d = self.parts
        return dt.date(y, m or 1, d or 1)


def partial_date(value: object) -> PartialDate:
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, int):
        value = str(value)
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError("expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    y, m, d = match.groups()
    try:
        dt.date(int(y), int(m or 1), int(d or 1))
    except ValueError as exc:
        raise ValueError(f"impossible date {value}: {exc}") from None
    return PartialDate(value)


def full_date(value: object) -> dt.date:
    date = partial_date(value)
    if date.precision != "day":
        raise ValueError("expected a full date YYYY-MM-DD")
    return date.first_day()


def _as_text(value: object) -> object:
    return str(value) if isinstance(value, (int, dt.date)) and not isinstance(value, bool) else value


Date = Annotated[str, BeforeValidator(_as_text), AfterValidator(partial_date)]
FullDate = Annotated[dt.date, BeforeValidator(full_date)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Bilingual(Strict):
    """A text in Arabic and in English; both are required and non-empty."""

    ar: Text
    en: Text
    numbers_differ: Text | None = Field(
        None,
        description="Why the two languages legitimately state different "
        "numbers (skips the parity check, parity.py); never shown",
    )
    original: Literal["ar", "en"] | None = Field(
        None,
        description="The language this text was written in; the other translates it, so an edit to "
        "the original marks the translation for review and an edit to the translation does not "
        "(translations.py). Without it, the side edited first; never shown",
    )


Language = Literal["ar", "en", "ru", "fr", "de", "it", "tg", "uz", "kk", "ky", "tk", "az"]


class Translations(Strict):
    """A text in the documents' languages other than the source's own (content/sources.yaml)."""

    ar: Text | None = None
    en: Text | None = None


class Source(Strict):
    """One entry of the bibliography (content/sources.yaml), as agreed for issues #13 and #14
    (/work/notes/SOURCE-RECORD.md). A field the source does not state is left out."""

    id: SourceId
    type: Literal[
        "official-document", "statement", "press-release", "news-report", "analysis", "dataset", "web-page"
    ]
    author: Text | None = Field(None, description="Issuing institution or person, as the source names itself")
    author_translations: Translations | None = None
    title: Text = Field(description="Title as published, in the source's own language")
    title_translations: Translations = Field(
        description="The title in each of ar / en that differs from `language`"
    )
    publisher: Text | None = Field(None, description="Publisher or website")
    publisher_translations: Translations | None = None
    issued: Date | None = Field(None, description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    url: Url | None = None
    accessed: FullDate | None = Field(None, description="The day the page was consulted")
    language: Language

    @model_validator(mode="after")
    def _complete(self) -> Source:
        missing = [
            lang
            for lang in ("ar", "en")
            if lang != self.language and not getattr(self.title_translations, lang)
        ]
        if missing:
            raise ValueError(
                f"`title_translations` needs {' and '.join(missing)} (the title in each edition language)"
            )
        if self.url and self.accessed is None:
            raise ValueError("a source with `url` needs `accessed` (the day it was consulted)")
        return self


class Variant(Strict):
    """Another source's version of a fact (a seed's differing date or figure), kept for the analyst and
    never printed."""

    value: float | Text
    source: SourceId


class Sourced(Strict):
    source: SourceId


class Named(Sourced):
    """A sourced name such as a capital or an official country name."""

    value: Bilingual


class Location(Sourced):
    """Where a place is, in degrees (WGS 84), as a gazetteer or reference work gives it."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Capital(Named):
    """A country's capital; `location` places its mark on the locator map (none without it)."""

    location: Location | None = None


class Person(Sourced):
    name: Bilingual
    role: Bilingual
    since: Date | None = None
    variants: list[Variant] = Field(
        [], description="Other sources' versions, kept for the analyst; never printed"
    )


SCALES = {"one": 1, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
Scale = Literal["one", "thousand", "million", "billion", "trillion"]
# The currencies a figure can be in: the two the documents compare in, and the five national
# currencies a statistics office states GDP in when it gives no US$ figure (the documents never
# convert: an amount is printed in the currency its source gives).
Currency = Literal["USD", "EUR", "KZT", "KGS", "UZS", "AZN", "TMT"]  # Figure.unit repeats them
# What a figure can plausibly be, in units (value times scale). Not facts about the
# world: bounds that catch a slip (a wrong `scale`, a stray exponent) before it is
# printed as "1,000 billion people". A percentage is a share or a change (can be
# negative, not below -100%); counts and amounts cannot be negative.
# A national currency's bound is wider, by what one US dollar buys in it (som and soum run in
# the hundreds and the thousands): Uzbekistan's GDP is over 1e15 soums.
LIMITS = {
    "people": 1e10,
    "USD": 1e15,
    "EUR": 1e15,
    "KZT": 1e18,
    "KGS": 1e17,
    "UZS": 1e19,
    "AZN": 1e16,
    "TMT": 1e16,
    "tonnes": 1e12,
    "percent": 1e3,
}


def implausible(value: float, unit: str, scale: str) -> str | None:
    """Why a figure's value cannot be right, or None."""
    amount = value * SCALES[scale]
    if unit == "percent":
        if amount < -100:
            return f"{value:,.15g}% is impossible: nothing falls by more than 100%"
    elif amount < 0:
        return f"{value:,.15g} {unit} is impossible: a count or an amount cannot be negative"
    if abs(amount) > LIMITS[unit]:
        shown = f"{value:,.15g}" + (f" {scale}" if scale != "one" else "")
        return (
            f"{shown} {unit} is beyond any plausible figure (the limit is {LIMITS[unit]:,.0f} {unit}): "
            "check `value` and `scale`"
        )
    return None


class Money(Strict):
    """The same amount in another currency, as the source gives it (e.g. US$13.2 billion beside €12 billion)."""

    value: Number
    unit: Currency
    scale: Scale = "one"

    @model_validator(mode="after")
    def _plausible(self) -> Money:
        why = implausible(self.value, self.unit, self.scale)
        if why:
            raise rule_error(("value",), why)
        return self


class Figure(Strict):
    """A number stated by a source, for a given year.

    `value: unknown` is allowed (the page then says so); a known value must
    carry its year and source.
    """

    value: OrUnknown[Number]
    unit: Literal["people", "percent", "tonnes", "USD", "EUR", "KZT", "KGS", "UZS", "AZN", "TMT"]
    scale: Scale = "one"
    year: int | None = Field(None, ge=1900, le=2100)
    source: SourceId | None = None
    note: Bilingual | None = None
    equivalent: Money | None = Field(
        None, description="The amount in another currency, as the source gives it"
    )

    variants: list[Variant] = Field(
        [], description="Other sources' versions, kept for the analyst; never printed"
    )

    @model_validator(mode="after")
    def _known_needs_year_and_source(self) -> Figure:
        if self.value != "unknown" and (self.year is None or self.source is None):
            raise ValueError("a known figure needs both `year` and `source`")
        why = implausible(self.value, self.unit, self.scale) if self.value != "unknown" else None
        if why:
            raise rule_error(("value",), why)
        return self


class Fact(Sourced):
    """A sourced statement; `date` when it happened, if it is dated."""

    text: Bilingual
    date: Date | None = None
    variants: list[Variant] = Field(
        [], description="Other sources' versions, kept for the analyst; never printed"
    )


class RegionalRole(Fact):
    """The country's place in regional formats, under a heading that fits that country."""

    heading: Bilingual


class Engagement(Sourced):
    date: Date
    text: Bilingual
    variants: list[Variant] = Field(
        [], description="Other sources' versions, kept for the analyst; never printed"
    )


class EuRelations(Sourced):
    agreement: Bilingual
    status: Literal["in_force", "signed", "negotiations_concluded", "under_negotiation", "expected", "none"]
    date: Date | None = Field(None, description="When the status was reached")
    summary: Bilingual
    variants: list[Variant] = Field(
        [], description="Other sources' versions, kept for the analyst; never printed"
    )


class Country(Strict):
    """content/countries/<id>.yaml: the facts of one country's one-pager."""

    id: Id
    name: Bilingual
    official_name: Named
    capital: OrUnknown[Capital]
    head_of_state: OrUnknown[Person]
    head_of_government: Person | None = Field(
        None, description="Left out where the head of state also heads the government, or no source names one"
    )
    foreign_minister: OrUnknown[Person] | None = None
    population: Figure | None = None
    gdp: Figure | None = None
    eu_relations: EuRelations
    regional_role: RegionalRole
    projects: list[Fact] = Field(min_length=1, max_length=5)
    engagements: list[Engagement] = Field(min_length=1, max_length=6)
    talking_points: list[Bilingual] = Field(min_length=3, max_length=5)
    as_of: FullDate

    @model_validator(mode="after")
    def _engagements_by_as_of(self) -> Country:
        # The page lists engagements as having taken place "as of" this date.
        for i, engagement in enumerate(self.engagements):
            if PartialDate(engagement.date).first_day() > self.as_of:
                raise rule_error(
                    ("engagements", i, "date"),
                    f"{engagement.date} is after this file's as_of ({self.as_of.isoformat()}): the page "
                    "lists engagements that have taken place by then; correct the date or move as_of on",
                )
        return self


class BriefBase(Strict):
    """briefs/<name>.yaml: one set of documents to produce. Each kind (briefing/kinds/) adds its fields."""

    kind: str
    template: Id
    title: Bilingual
    organisation: Bilingual
    as_of: FullDate
    editions: list[Literal["ar", "en", "ar-en"]] = Field(["ar", "en", "ar-en"], min_length=1)
    formats: list[Literal["pdf", "docx", "html"]] = Field(["pdf", "docx", "html"], min_length=1)
    arabic_digits: Literal["western", "arabic-indic"] = Field(
        "western",
        description="Digits of the Arabic edition: western 0–9 (as the seeds write them) or arabic-indic ٠–٩; "
        "applies to every number on the Arabic pages, page and list numbers included",
    )
    arabic_months: Literal["default", "levantine", "both"] = Field(
        "default",
        description="Month names of the Arabic edition: default (أبريل, CLDR ar), levantine (نيسان, CLDR ar_SY) "
        "or both (أبريل/نيسان)",
    )
    pdf_a: bool = Field(
        False,
        description="Also make every PDF a PDF/A-3a file, for archives (every PDF is tagged and claims PDF/UA-1)",
    )


# -- roadmap tracker (issue #4) ------------------------------------------------
STATUSES = ("planned", "in_progress", "done", "stalled", "dropped")
Status = Literal["planned", "in_progress", "done", "stalled", "dropped"]
# EU bodies that can be a responsible party; countries are ids in content/countries.
EU_PARTIES = ("eu", "european-commission", "european-council", "eeas")


def last_day(value: str) -> dt.date:
    """The last day a partial date can mean: "2024" -> 31 December 2024."""
    y, m, d = PartialDate(value).parts
    if m is None:
        return dt.date(y, 12, 31)
    if d is None:
        return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(y, m, d)


class StatusEntry(Sourced):
    """One point in an item's status history, as a source attests it.

    `date` is the day (or month, or year) by which the source says the status
    held: when the status was reached if the source says so, otherwise the
    date of the event the source reports it at (the note then says which). A
    partial date counts from its last day, the day by which it certainly held. When a source gives no date at all, `date: unknown`
    and `recorded` (the day we checked the source) stands in for it.
    """

    date: OrUnknown[Date]
    recorded: FullDate | None = Field(
        None, description="For an undated entry: when the status was recorded from its source"
    )
    status: Status
    note: Bilingual
    variants: list[Variant] = Field(
        [], description="Other sources' versions, kept for the analyst; never printed"
    )

    @model_validator(mode="after")
    def _undated_needs_recorded(self) -> StatusEntry:
        if self.date == "unknown" and self.recorded is None:
            raise ValueError(
                "an entry with `date: unknown` needs `recorded` (the day the status was taken from its source)"
            )
        if self.date != "unknown" and self.recorded is not None:
            raise ValueError("`recorded` is only for entries whose date is unknown")
        return self

    @property
    def effective(self) -> dt.date:
        """The day from which this entry counts in an edition "as of" a date."""
        if self.date == "unknown":
            assert self.recorded is not None  # _undated_needs_recorded
            return self.recorded
        return last_day(self.date)


class ActionItem(Strict):
    """One tracked action point of a roadmap."""

    id: Id
    area: Id = Field(description="An area id of the same roadmap")
    title: Bilingual
    parties: list[Id] = Field(min_length=1, description="Country ids (content/countries) or EU bodies")
    due: Date | None = Field(None, description="Due date if a source gives one; `null` when none is given")
    due_source: SourceId | None = None
    history: list[StatusEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _due_needs_source(self) -> ActionItem:
        if self.due is not None and self.due_source is None:
            raise ValueError("a due date needs `due_source`")
        return self


class Area(Strict):
    """A group of items. `basis` says why the grouping is justified (sources
    may not name a roadmap's own areas: then the grouping is ours and says so)."""

    id: Id
    title: Bilingual
    basis: Bilingual
    source: SourceId


class Declared(Strict):
    """A count a source gives for the whole roadmap (e.g. 79 action points)."""

    value: OrUnknown[int]
    source: SourceId | None = None
    variants: list[Variant] = Field(
        [], description="Other sources' versions, kept for the analyst; never printed"
    )

    @model_validator(mode="after")
    def _known_needs_source(self) -> Declared:
        if self.value != "unknown" and self.source is None:
            raise ValueError("a known count needs `source`")
        return self


class Roadmap(Strict):
    """content/roadmaps/<id>.yaml: one roadmap, its areas and tracked items."""

    id: Id
    title: Bilingual
    adopted: Fact
    action_points: Declared | None = Field(
        None, description="The roadmap's own count of action points; left out where its text gives none"
    )
    areas_declared: Declared | None = Field(
        None, description="The roadmap's own count of areas; left out where its text gives none"
    )
    coverage: Bilingual = Field(description="Plainly: what part of the roadmap this file covers, and why")
    areas: list[Area] = Field(min_length=1)
    items: list[ActionItem] = Field(min_length=1)
    as_of: FullDate


# -- events and the summit backgrounder ---------------------------------------
_DIGIT = re.compile(r"\d")


class Para(Strict):
    """A paragraph or point written for a document, with the sources behind it.

    A text that states a figure or a date (any digit in either language) must
    name its sources: the document prints them as a numbered footnote.
    """

    lead: Bilingual | None = Field(None, description="A short run-in heading, printed in bold")
    text: Bilingual
    sources: list[SourceId] = Field([], description="Bibliography ids; printed as one footnote")

    @model_validator(mode="after")
    def _figures_need_sources(self) -> Para:
        if not self.sources and (_DIGIT.search(self.text.en) or _DIGIT.search(self.text.ar)):
            raise ValueError("a text that gives a figure or a date needs `sources`")
        return self


class DateClaim(Sourced):
    """A date as one source gives it; `end` for a span of days."""

    start: OrUnknown[Date]
    end: Date | None = None
    note: Bilingual | None = Field(None, description="How the date was read, if it needs saying")
    variants: list[Variant] = Field(
        [], description="Other sources' versions, kept for the analyst; never printed"
    )


class EventParticipant(Sourced):
    id: Id | None = Field(
        None, description="A handle other files use to refer to this person (a pre-meeting brief's attendees)"
    )
    name: OrUnknown[Bilingual] = Field(description="`unknown` when the sources do not name the person")
    role: Bilingual
    affiliation: Bilingual = Field(description="Country or institution")


class EventFigure(Figure):
    id: Id | None = Field(
        None, description="A handle other files use to show this figure (a pre-meeting brief's key figures)"
    )
    label: Bilingual
    upper: Number | None = Field(
        None, description="Upper end, when the source gives a range (`value` is the lower end)"
    )

    @model_validator(mode="after")
    def _upper_above_value(self) -> EventFigure:
        if self.upper is not None and (self.value == "unknown" or self.upper <= self.value):
            raise ValueError("`upper` must be above a known `value` (a range from value to upper)")
        why = implausible(self.upper, self.unit, self.scale) if self.upper is not None else None
        if why:
            raise rule_error(("upper",), why)
        return self


class Event(Strict):
    """content/events/<id>.yaml: one dated event that documents can cite.

    `date` is the date the documents print; `other_dates` records what other
    sources say when they disagree, so a document can show the disagreement.
    """

    id: Id
    title: Bilingual
    date: DateClaim
    other_dates: list[DateClaim] = []
    place: Bilingual | None = None
    countries: list[Id] = Field(
        [],
        description="Country ids (content/countries) the sources say took part; "
        "empty when they name none. Pre-meeting briefs list a counterpart's recent engagements from it",
    )
    summary: Para
    participants: list[EventParticipant] = []
    outcomes: list[Para] = []
    figures: list[EventFigure] = []
