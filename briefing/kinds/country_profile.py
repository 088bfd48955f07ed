"""Kind `country-profile`: a one-page profile per country in content/countries/.

Each language is exactly one A4 page (a declared feature: the PDF writer
measures any overflow and the build fails naming it). The page opens with the
facts table beside a locator map (graphics.locator_for) whose note cites the
boundaries' source and the capital's coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from markupsafe import Markup
from pydantic import Field

from .. import graphics, model
from ..errors import Problem
from ..load import Document
from ..model import BriefBase, Id, SourceId, Strict
from ..render import Page, in_language
from ..validate import Content, suggest
from .base import Kind


class LocatorMap(Strict):
    """The locator map every profile opens with."""

    boundaries_source: SourceId = Field(
        description="The source of the boundaries drawn (the map data's, Natural Earth); the map's "
        "note cites it and says the boundaries imply no position on them"
    )


class CountryProfileBrief(BriefBase):
    """One one-page profile per country."""

    kind: Literal["country-profile"]
    countries: list[Id] | Literal["all"] = "all"
    locator_map: LocatorMap


@dataclass
class ProfilePage(Page):
    """Page helpers of a profile: its locator map."""

    countries: dict[str, model.Country] = field(default_factory=dict)

    def has_map(self, country: model.Country) -> bool:
        """Whether the map data covers the country (a country outside its region has no map)."""
        return graphics.covers(country.id)

    def locator(self, country: model.Country, width_mm: float) -> Markup:
        """The country's locator map as an <img> in this page's language (names, alt text)."""
        drawn = graphics.locator_for(country, self.countries, self.lang, self.labels, self.cache, width_mm)
        return graphics.img(drawn, f"locator-{country.id}")

    def map_note(self, country: model.Country, boundaries_source: str) -> Markup:
        """Whose boundaries the map draws (implying no position on them), one marker citing
        them and the capital's coordinates."""
        capital = country.capital
        located = capital.location.source if isinstance(capital, model.Capital) and capital.location else None
        source = self.sources[boundaries_source]
        name = in_language(source.publisher or source.author or source.title, source.language)
        return self.labelf("map_note", source=name) + self.cite(boundaries_source, located)


class CountryProfile(Kind[CountryProfileBrief]):
    name = "country-profile"
    schema = CountryProfileBrief
    template = "country-profile"
    label = "web_kind_country_profile"
    pages_per_language = 1

    def check(self, brief: CountryProfileBrief, doc: Document, content: Content) -> list[Problem]:
        if brief.countries == "all":
            return []
        return [
            doc.problem(("countries", i), f"unknown country {cid!r}" + suggest(cid, content.countries))
            for i, cid in enumerate(brief.countries)
            if cid not in content.countries
        ]

    def documents(self, brief: CountryProfileBrief, content: Content) -> list[str]:
        return sorted(content.countries) if brief.countries == "all" else list(brief.countries)

    def pages(self, labels: dict, content: Content, langs: tuple[str, ...]) -> list[Page]:
        return [ProfilePage(lang, labels, content.sources, countries=content.countries) for lang in langs]

    def context(self, brief: CountryProfileBrief, content: Content, doc_id: str) -> dict:
        return {"country": content.countries[doc_id]}

    def title(self, brief: CountryProfileBrief, content: Content, doc_id: str, lang: str) -> str:
        return f"{getattr(brief.title, lang)}: {getattr(content.countries[doc_id].name, lang)}"

    def source_file(self, content: Content, doc_id: str) -> Path:
        return content.root / "countries" / f"{doc_id}.yaml"

    def inputs(self, brief: CountryProfileBrief, content: Content, doc_id: str) -> list[Path]:
        # context() gives the template one country, Page the sources; the map names the
        # neighbours that have a file as that file does.
        shown = graphics.neighbours_in_view(doc_id) if graphics.covers(doc_id) else []
        named = [n.lower() for n in shown if n.lower() in content.countries]
        return [content.root / "countries" / f"{c}.yaml" for c in [doc_id, *named]] + [
            content.root / "sources.yaml"
        ]

    def partial_inputs(
        self, brief: CountryProfileBrief, content: Content, doc_id: str
    ) -> dict[Path, tuple[str, ...]]:
        # The map shows a neighbour's name (graphics.territory_name), nothing else of its file.
        own = content.root / "countries" / f"{doc_id}.yaml"
        return {
            p: ("name",) for p in self.inputs(brief, content, doc_id) if p.parent == own.parent and p != own
        }

    def in_every_edition(
        self, brief: CountryProfileBrief, content: Content, doc_id: str
    ) -> dict[Path, tuple[str, ...]]:
        # The HTML's <title> (templates/country-profile.html.j2) names the country in English
        # in every edition; no writer shows it, but the PDF's /ID is a hash of the HTML.
        return {content.root / "countries" / f"{doc_id}.yaml": ("name",)}


KIND = CountryProfile()
