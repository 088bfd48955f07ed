"""Kind `country-profile`: a one-page profile per country in content/countries/.

Each language is exactly one A4 page (a declared feature: the PDF writer
measures any overflow and the build fails naming it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..errors import Problem
from ..load import Document
from ..model import BriefBase, Id
from ..validate import Content, suggest
from .base import Kind


class CountryProfileBrief(BriefBase):
    """One one-page profile per country."""

    kind: Literal["country-profile"]
    countries: list[Id] | Literal["all"] = "all"


class CountryProfile(Kind[CountryProfileBrief]):
    name = "country-profile"
    schema = CountryProfileBrief
    template = "country-profile"
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

    def context(self, brief: CountryProfileBrief, content: Content, doc_id: str) -> dict:
        return {"country": content.countries[doc_id]}

    def title(self, brief: CountryProfileBrief, content: Content, doc_id: str, lang: str) -> str:
        return f"{getattr(brief.title, lang)}: {getattr(content.countries[doc_id].name, lang)}"

    def source_file(self, content: Content, doc_id: str) -> Path:
        return content.root / "countries" / f"{doc_id}.yaml"

    def inputs(self, brief: CountryProfileBrief, content: Content, doc_id: str) -> list[Path]:
        # context() gives the template one country; Page gives it the sources.
        return [content.root / "countries" / f"{doc_id}.yaml", content.root / "sources.yaml"]


KIND = CountryProfile()
