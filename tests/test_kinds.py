"""Each kind's own rules, directly: what it declares, what it checks a brief names, what
documents it makes. (The tracker's status arithmetic: test_tracker.py; the pre-meeting
state of play: test_premeeting.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing import kinds
from briefing.load import load
from briefing.validate import load_content

from .conftest import ROOT

BRIEFS = ROOT / "briefs"


@pytest.fixture(scope="module")
def content():
    return load_content(ROOT / "content")


def checked(tmp_path: Path, content, brief: str, edit: tuple[str, str] | None = None) -> list[str]:
    """The kind's own problems with a brief of briefs/, edited: `field: message` each."""
    text = (BRIEFS / f"{brief}.yaml").read_text(encoding="utf-8")
    if edit:
        assert edit[0] in text
        text = text.replace(*edit, 1)
    path = tmp_path / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    doc = load(path)
    kind = kinds.by_name()[doc.data["kind"]]
    return [f"{p.field}: {p.message}" for p in kind.check(kind.schema.model_validate(doc.data), doc, content)]


def test_the_list_names_each_kind_once_each_with_a_template_on_the_base():
    names = [k.name for k in kinds.KINDS]
    assert names == ["country-profile", "roadmap-tracker", "summit-backgrounder", "pre-meeting"]
    for kind in kinds.KINDS:
        template = ROOT / "templates" / f"{kind.template}.html.j2"
        assert template.read_text(encoding="utf-8").startswith('{% extends "base.html.j2" %}'), kind.name
        assert kind.schema.model_fields["kind"].annotation.__args__ == (kind.name,)


def test_optional_features_are_declared_per_kind():
    features = {k.name: (k.pages_per_language, k.drafts, k.country_filter, k.landscape) for k in kinds.KINDS}
    assert features == {
        "country-profile": (1, False, False, False),
        "roadmap-tracker": (None, False, True, True),
        "summit-backgrounder": (None, False, False, False),
        "pre-meeting": (None, True, False, False),
    }


def test_a_profile_brief_makes_one_document_per_country_named_or_all(content):
    kind = kinds.by_name()["country-profile"]
    all_ = kind.schema.model_validate(load(BRIEFS / "country-profiles.yaml").data)
    assert kind.documents(all_, content) == sorted(content.countries)
    assert kind.documents(all_.model_copy(update={"countries": ["uz", "kz"]}), content) == ["uz", "kz"]


def test_a_profile_brief_naming_an_unknown_country_is_refused_with_a_suggestion(tmp_path, content):
    found = checked(tmp_path, content, "country-profiles", ("countries: all", "countries: [kz, uzb]"))
    assert found == ["countries[1]: unknown country 'uzb'; did you mean 'uz'?"]


def test_a_tracker_names_its_document_after_its_country(content):
    kind = kinds.by_name()["roadmap-tracker"]
    brief = kind.schema.model_validate(load(BRIEFS / "roadmap-tracker.yaml").data)
    assert kind.documents(brief, content) == ["tracker"]
    assert kind.documents(brief.model_copy(update={"country": "kz"}), content) == ["tracker-kz"]


def test_a_tracker_brief_naming_an_unknown_roadmap_or_country_is_refused(tmp_path, content):
    assert checked(tmp_path, content, "roadmap-tracker", ("eu-ca-joint-roadmap,", "eu-ca-joint-roadmp,")) == [
        "roadmaps[0]: unknown roadmap 'eu-ca-joint-roadmp'; did you mean 'eu-ca-joint-roadmap'?"
    ]
    assert checked(
        tmp_path, content, "roadmap-tracker", ("as_of: 2025-11-30", "as_of: 2025-11-30\ncountry: xx")
    ) == ["country: unknown country 'xx'"]


def test_a_backgrounder_brief_naming_an_unknown_event_is_refused(tmp_path, content):
    assert checked(
        tmp_path, content, "samarkand-summit", ("event: samarkand-summit-2025", "event: samarkand-2025")
    ) == ["event: unknown event 'samarkand-2025'; did you mean 'samarkand-summit-2025'?"]


def test_a_pre_meeting_brief_naming_an_unknown_counterpart_or_figure_is_refused(tmp_path, content):
    name = "2025-10-20-eu-central-asia-ministerial"
    assert checked(tmp_path, content, name, ("counterparts: [kz]", "counterparts: [kzz]")) == [
        "counterparts[0]: unknown country 'kzz'; did you mean 'kz'?"
    ]
    assert checked(tmp_path, content, name, ("key_figures:", "key_figures:\n  - no-event-figure")) == [
        "key_figures[0]: expected EVENT-ID/FIGURE-ID, got 'no-event-figure'"
    ]


def warned(tmp_path: Path, content, brief: str, edit: tuple[str, str]) -> list[str]:
    """The kind's warnings about a brief of briefs/, edited: `file:line:col: field: message` each."""
    text = (BRIEFS / f"{brief}.yaml").read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "brief.yaml"
    path.write_text(text.replace(*edit, 1), encoding="utf-8")
    doc = load(path)
    kind = kinds.by_name()[doc.data["kind"]]
    return [
        f"{p.line}: {p.field}: {p.message}"
        for p in kind.warnings(kind.schema.model_validate(doc.data), doc, content)
    ]


def test_a_timeline_event_after_the_backgrounders_as_of_is_a_warning(tmp_path, content):
    assert warned(tmp_path, content, "samarkand-summit", ("as_of: 2025-10-31", "as_of: 2025-10-31")) == []
    # Dated before every event of its timeline: each is warned about, where the brief names it,
    # except the event the backgrounder is about (it may well be written before it).
    lines = warned(tmp_path, content, "samarkand-summit", ("as_of: 2025-10-31", "as_of: 2000-01-01"))
    data = load(BRIEFS / "samarkand-summit.yaml").data
    timeline = [(i, eid) for i, eid in enumerate(data["timeline"]) if eid != data["event"]]
    assert len(lines) == len(timeline) > 0
    for line, (i, eid) in zip(lines, timeline, strict=True):
        assert re.fullmatch(
            rf"\d+: timeline\[{i}\]: event '{eid}' \(\d{{4}}[-\d]*\) is after the brief's as_of "
            r"\(2000-01-01\): the timeline shows it as past",
            line,
        ), line


def test_every_kind_names_itself_for_readers_with_a_label_in_both_languages():
    from briefing import render

    labels = render.load_labels(ROOT / "templates")
    for kind in kinds.KINDS:
        assert labels[kind.label].ar and labels[kind.label].en, kind.name
