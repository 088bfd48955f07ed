"""Adding a kind is what the README says it is: a module, one entry in the list, a template,
its labels and a sample brief. Proved on a copy of the project: a fifth kind, the
bibliography on its own (`source-list`), is added, built end to end in both formats,
and removed with the copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from briefing import kinds

from .conftest import ROOT, pdf_text

MODULE = '''"""Kind `source-list`: the bibliography, one list per language."""

from __future__ import annotations

from typing import Literal

from ..model import BriefBase
from .base import Kind


class SourceListBrief(BriefBase):
    kind: Literal["source-list"]


class SourceList(Kind):
    name = "source-list"
    schema = SourceListBrief
    template = "source-list"
    label = "source_list"

    def documents(self, brief, content):
        return ["sources"]

    def context(self, brief, content, doc_id):
        return {"sources": [content.sources[i] for i in sorted(content.sources)]}

    def inputs(self, brief, content, doc_id):
        return [content.root / "sources.yaml"]


KIND = SourceList()
'''

TEMPLATE = """{% extends "base.html.j2" %}
{% block title %}{{ brief.title.en }}{% endblock %}
{% block page %}
<header class="page-header"><span>{{ p.t(brief.title) }}</span><span>{{ p.label("page") }} <span class="pg-num"></span></span></header>
<h1>{{ p.label("source_list") }}</h1>
<ol>
{% for s in sources %}
<li><bdi>{{ s.publisher }}</bdi>{{ p.label("comma") }} <span lang="{{ s.language }}" dir="{{ 'rtl' if s.language == 'ar' else 'ltr' }}">{{ s.title }}</span></li>
{% endfor %}
</ol>
{% endblock %}
"""

LABELS = 'source_list: {ar: "قائمة المصادر", en: "List of sources"}\n'

BRIEF = """kind: source-list
template: source-list
title: {ar: "المصادر", en: "Sources"}
organisation: {ar: "وحدة متابعة آسيا الوسطى", en: "Central Asia desk"}
as_of: 2025-10-31
"""


def copy_project(to: Path) -> Path:
    for name in ("briefing", "templates", "fonts", "content"):
        shutil.copytree(ROOT / name, to / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("build.py", "requirements.txt", "constraints.txt"):
        shutil.copy(ROOT / name, to / name)
    (to / "briefs").mkdir()
    return to


def add(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_fifth_kind_is_a_module_a_list_entry_a_template_labels_and_a_brief(tmp_path):
    project = copy_project(tmp_path / "project")
    # 1. its module
    (project / "briefing" / "kinds" / "source_list.py").write_text(MODULE, encoding="utf-8")
    # 2. the registry list (its import and its entry)
    registry = project / "briefing" / "kinds" / "__init__.py"
    add(
        registry,
        "roadmap_tracker, summit_backgrounder\n",
        "roadmap_tracker, source_list, summit_backgrounder\n",
    )
    add(registry, "    pre_meeting.KIND,\n)", "    pre_meeting.KIND,\n    source_list.KIND,\n)")
    # 3. its template, 4. its labels, 5. a sample brief
    (project / "templates" / "source-list.html.j2").write_text(TEMPLATE, encoding="utf-8")
    with (project / "templates" / "labels.yaml").open("a", encoding="utf-8") as f:
        f.write(LABELS)
    (project / "briefs" / "sources.yaml").write_text(BRIEF, encoding="utf-8")

    build = [sys.executable, "build.py", "--out", "out", "-j", "1", "briefs/sources.yaml"]
    result = subprocess.run(build, cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    out = project / "out" / "sources"
    assert {p.name for p in out.iterdir()} == {
        f"sources.{e}.{f}" for e in ("ar", "ar-en", "en") for f in ("docx", "html", "pdf")
    }
    assert "List of sources" in pdf_text(out / "sources.en.pdf")
    assert "قائمة المصادر" in pdf_text(out / "sources.ar.pdf")
    with zipfile.ZipFile(out / "sources.ar.docx") as z:
        document = z.read("word/document.xml").decode("utf-8")
    assert "قائمة المصادر" in document and "<w:bidi/>" in document

    shutil.rmtree(project)  # removed: the project itself never had it
    assert "source-list" not in kinds.by_name()
    assert not (ROOT / "briefing" / "kinds" / "source_list.py").exists()
