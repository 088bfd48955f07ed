"""Render stage, pre-meeting brief: a brief + content -> the view templates/pre-meeting.html.j2 prints.

What the officer wrote (objectives, the ask, lines to take) comes from the
brief; everything else is looked up in content at build time (premeeting.py
says how), so the brief never holds a copy of a fact. One <article> per
language; the bilingual edition is the Arabic brief, then the English one.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from . import formatting, model, premeeting
from .backgrounder import BackgrounderPage
from .render import KINDS, Kind, Page, _bdi
from .validate import Content


class PreMeetingPage(BackgrounderPage):
    """Page helpers: superscript citations (Page.cite), date claims (BackgrounderPage.claim), ranges, drafts."""

    def value(self, fig: model.EventFigure) -> Markup:
        """A figure's value, a range when it has `upper`: "10–11 million tonnes"."""
        if fig.value == "unknown":
            return Markup(escape(self.label("unknown")))
        words = {
            k: getattr(v, self.lang) for k, v in self.labels.items() if k.startswith(("scale_", "unit_"))
        }
        text = formatting.figure(fig, self.lang, words)
        if getattr(fig, "upper", None) is not None:
            low = formatting.number(fig.value, self.lang)
            text = text.replace(low, f"{low}–{formatting.number(fig.upper, self.lang)}", 1)
        return _bdi(text)

    def text(self, value: model.Bilingual) -> Markup:
        """A text of the brief; a draft one is flagged so it stands out on the page."""
        text = self.t(value)
        if premeeting.is_draft(text):
            return Markup('<strong class="draft-field">') + escape(text) + Markup("</strong>")
        return Markup(escape(text))

    def cites(self, sources) -> Markup:
        """Several sources as one superscript, "1,2", numbered into the page's source list."""
        ids = [s for s in dict.fromkeys(sources) if s]
        if not ids:
            return Markup("")
        return (
            Markup('<sup class="cite">')
            + _bdi(",".join(str(self.source_number(s)) for s in ids))
            + Markup("</sup>")
        )

    def status(self, status: str) -> str:
        return self.label(f"track_{status}")


class PreMeeting(Kind):
    """One brief per file: the meeting card, what we want, what to say, and the state of play."""

    drafts = True  # texts starting with DRAFT: are fields still to fill (premeeting.py)

    def documents(self, brief: model.PreMeetingBrief, content: Content) -> list[str]:
        return ["brief"]

    def pages(self, labels: dict, content: Content, langs: tuple[str, ...]) -> list[Page]:
        return [PreMeetingPage(lang, labels, content.sources) for lang in langs]

    def title(self, brief: model.PreMeetingBrief, content: Content, doc_id: str, lang: str) -> str:
        return getattr(brief.title, lang)

    def context(self, brief: model.PreMeetingBrief, content: Content, doc_id: str) -> dict:
        meeting = brief.meeting

        def person(ref):
            return premeeting.participant(content, ref, meeting.event) if isinstance(ref, str) else ref

        only = None if brief.roadmap_items == "auto" else list(brief.roadmap_items)
        drafts = list(premeeting.draft_fields(brief.model_dump(mode="json")))
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
            "drafts": len(drafts),
            "auto_items": only is None,
        }


KINDS["pre-meeting"] = PreMeeting()
