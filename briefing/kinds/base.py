"""What a document kind is: the one interface every kind module implements.

A kind owns everything about one kind of document: the schema of its briefs,
the checks on what a brief refers to in content, its rules, how it turns a
brief and content into documents and pages for its template (the render
adapter), and its optional features, declared here as plain fields so the
pipeline reads them instead of asking an object what it supports.
The list of kinds is in `briefing/kinds/__init__.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Generic, TypeVar

from ..errors import Problem
from ..load import Document
from ..model import Bilingual, BriefBase
from ..render import Page
from ..validate import Content

B = TypeVar("B", bound=BriefBase)


class Kind(Generic[B]):
    """A kind of document; B is the type of its briefs (its `schema`), which its methods receive."""

    name: str  # the briefs' `kind:` value
    schema: type[B]  # the briefs' schema: BriefBase and this kind's fields
    template: str  # its template, templates/<template>.html.j2 (extends base.html.j2)
    label: str  # its name for readers, a labels.yaml key (the library page heads its group with it)

    # Optional features, declared (defaults: off).
    pages_per_language: int | None = None  # fixed length per language, enforced on the PDF
    drafts: bool = False  # texts starting with DRAFT: are fields still to fill (drafts.py)
    country_filter: bool = False  # `country:` in the brief, and build.py --country, restrict it
    landscape: bool = False  # A4 landscape pages (base.html.j2 marks the article)

    def check(self, brief: B, doc: Document, content: Content) -> list[Problem]:
        """Problems with what the brief names in content (unknown ids…); the template and
        source ids are checked for every kind by briefs.load_brief."""
        return []

    def warnings(self, brief: B, doc: Document, content: Content) -> list[Problem]:
        """What looks wrong but may be meant (a date after the brief's `as_of`…): printed as
        warnings, the build goes on."""
        return []

    def documents(self, brief: B, content: Content) -> list[str]:
        """The ids of the documents one brief makes (they name the output files)."""
        raise NotImplementedError

    def context(self, brief: B, content: Content, doc_id: str) -> dict[str, Any]:
        """What the template gets besides `brief`, `pages`, `edition` and `landscape`."""
        raise NotImplementedError

    def title(self, brief: B, content: Content, doc_id: str, lang: str) -> str:
        return getattr(brief.title, lang)

    def source_file(self, content: Content, doc_id: str) -> Path:
        """The content file a layout problem of this document is reported against."""
        return content.root

    def pages(self, labels: dict[str, Bilingual], content: Content, langs: tuple[str, ...]) -> list[Page]:
        """One Page per language of the edition; a kind may share state between them."""
        return [Page(lang, labels, content.sources) for lang in langs]

    def inputs(self, brief: B, content: Content, doc_id: str) -> list[Path]:
        """Every content file this document's HTML can show something of (incremental
        builds re-render a document only when one of these, its brief, the templates,
        the fonts or the code changed). The default is conservative: all of content/."""
        return content.files()

    def partial_inputs(self, brief: B, content: Content, doc_id: str) -> dict[Path, tuple[str, ...]]:
        """Of inputs(), the files this document shows only some top-level fields of (a
        neighbour's name), with those fields: an edit elsewhere in such a file leaves the
        document as it is, so it is not even rendered. The default: none."""
        return {}

    def in_every_edition(self, brief: B, content: Content, doc_id: str) -> dict[Path, tuple[str, ...]]:
        """Of inputs(), top-level fields whose texts every edition of this document shows in both
        languages: tracked whole, not cut to an edition's languages (plan.in_languages). The
        default: none."""
        return {}


# A country file but what only its own profile shows (its engagements and talking points,
# templates/country-profile.html.j2): what the other kinds that read country files may
# show of one. A field added to model.Country and shown by them goes here too:
# tests/test_incremental.py makes every field not listed unreadable and renders them.
BEYOND_PROFILES = (
    "id",
    "name",
    "official_name",
    "capital",
    "head_of_state",
    "head_of_government",
    "foreign_minister",
    "population",
    "gdp",
    "eu_relations",
    "regional_role",
    "projects",
    "as_of",
)


def beyond_profiles(inputs: list[Path], content: Content) -> dict[Path, tuple[str, ...]]:
    """partial_inputs for a kind that shows of a country only BEYOND_PROFILES."""
    return {p: BEYOND_PROFILES for p in inputs if p.parent == content.root / "countries"}
