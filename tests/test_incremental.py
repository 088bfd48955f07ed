"""Incremental builds: only what a change affects is rebuilt, a failed build records nothing,
and the no-op path does not load the pipeline. Also watch mode, as a user runs it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing import cli, files, incremental

from .conftest import ROOT

PROFILES = "country-profiles"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the project's briefs, templates, fonts and content that a test may edit;
    the build reads them instead of the real ones."""
    for name in ("briefs", "templates", "fonts", "content"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.setattr(files, "ROOT", tmp_path)
    for name in ("briefs", "templates", "fonts", "content"):
        monkeypatch.setattr(files, name.upper(), tmp_path / name)
    return tmp_path


@pytest.fixture
def content_only(tmp_path) -> Path:
    """A copy of content/ only: templates and fonts stay the project's (PDFs may load only those)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


def build(project: Path, *args: str) -> int:
    return cli.main(["--content", str(project / "content"), "--out", str(project / "out"), *args])


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """Each output's inode and mtime: a rewrite (temp file renamed over it) changes both."""
    return {
        str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".pdf", ".docx")
    }


def rebuilt(before: dict, after: dict) -> set[str]:
    return {name for name in after if before.get(name) != after[name]}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


PREMEETING = "2025-10-20-eu-central-asia-ministerial/brief.en.docx"


def test_an_edit_rebuilds_exactly_the_documents_that_show_it(project):
    out = project / "out"
    # Profiles and the tracker, English DOCX: cheap, and the tracker prints country names.
    assert build(project, "--edition", "en", "--format", "docx", "-j", "2") == 0
    first = snapshot(out)
    # six profiles, the tracker, the backgrounder and the pre-meeting brief
    assert (
        len(first) == 9 and f"{PROFILES}/kz.en.docx" in first and "roadmap-tracker/tracker.en.docx" in first
    )

    # A fact only the country's profile shows.
    kz = project / "content" / "countries" / "kz.yaml"
    edit(kz, 'en: "Astana"', 'en: "Astana (capital)"')
    assert build(project, "--edition", "en", "--format", "docx", "-j", "2") == 0
    second = snapshot(out)
    # (the pre-meeting brief with Kazakhstan as counterpart shows its capital too)
    assert rebuilt(first, second) == {f"{PROFILES}/kz.en.docx", PREMEETING}

    # The country's name: the tracker names parties, the maps of its neighbours (Kyrgyzstan,
    # Turkmenistan, Uzbekistan) and the backgrounder's corridor name it too.
    edit(kz, 'en: "Kazakhstan"', 'en: "Kazakhstan (KZ)"')
    assert build(project, "--edition", "en", "--format", "docx", "-j", "2") == 0
    third = snapshot(out)
    assert rebuilt(second, third) == {f"{PROFILES}/{c}.en.docx" for c in ("kz", "kg", "tm", "uz")} | {
        "roadmap-tracker/tracker.en.docx",
        "samarkand-summit/samarkand-summit-2025.en.docx",
        PREMEETING,
    }

    # Nothing changed: nothing rebuilt.
    assert build(project, "--edition", "en", "--format", "docx") == 0
    assert snapshot(out) == third


def test_html_hash_spares_editions_that_do_not_show_a_change(project):
    out = project / "out"
    args = ("--only", "kz,uz", "--edition", "ar,en", "--format", "docx", PROFILES_BRIEF(project))
    assert build(project, *args) == 0
    before = snapshot(out)
    # An edit to the translation side only (`original: ar`): an English edit alone would mark the
    # Arabic edition for review (translations.py), a change it shows.
    edit(project / "content" / "countries" / "kz.yaml", 'en: "Astana"', ASTANA_EDIT)
    assert build(project, *args) == 0
    assert rebuilt(before, snapshot(out)) == {f"{PROFILES}/kz.en.docx"}  # the Arabic edition is unchanged


ASTANA_EDIT = 'en: "Astana (capital)"\n    original: ar'  # a new English translation of the Arabic


def PROFILES_BRIEF(project: Path) -> str:
    return str(project / "briefs" / "country-profiles.yaml")


def test_template_and_font_changes_rebuild_all_of_that_kind_and_force_rebuilds_all(project):
    out = project / "out"
    args = ("--only", "kz,uz", "--edition", "en", "--format", "docx", PROFILES_BRIEF(project))
    assert build(project, *args) == 0
    first = snapshot(out)
    assert len(first) == 2

    edit(project / "templates" / "country-profile.html.j2", "</h1>", "</h1>\n<p>Template changed.</p>")
    assert build(project, *args) == 0
    second = snapshot(out)
    assert rebuilt(first, second) == set(first)
    assert _docx_has(out / PROFILES / "kz.en.docx", "Template changed.")

    font = project / "fonts" / "NotoSerif-Regular.ttf"
    font.write_bytes(font.read_bytes() + b"\0")
    assert build(project, *args) == 0
    third = snapshot(out)
    assert rebuilt(second, third) == set(first)

    assert build(project, *args) == 0
    assert snapshot(out) == third
    assert build(project, "--force", *args) == 0
    assert rebuilt(third, snapshot(out)) == set(first)


def _docx_has(path: Path, text: str) -> bool:
    from .conftest import docx_xml

    return text in docx_xml(path)


def test_a_deleted_or_edited_output_is_rebuilt(project):
    out = project / "out"
    args = ("--only", "kz", "--edition", "en", "--format", "docx", PROFILES_BRIEF(project))
    assert build(project, *args) == 0
    target = out / PROFILES / "kz.en.docx"
    good = target.read_bytes()
    target.write_bytes(b"edited by hand")
    assert build(project, *args) == 0
    assert target.read_bytes() == good
    target.unlink()
    assert build(project, *args) == 0
    assert target.read_bytes() == good


LONG = "a very long talking point for the test " * 60  # under the schema's 4000 characters, over a page


def test_a_failed_build_marks_nothing_up_to_date(content_only, capsys):
    project = content_only
    out = project / "out"
    args = (
        "--only",
        "kz,uz",
        "--edition",
        "en",
        "--format",
        "pdf",
        str(ROOT / "briefs" / "country-profiles.yaml"),
        "-j",
        "1",
    )
    assert build(project, *args) == 0
    first = snapshot(out)
    manifest = (out / incremental.MANIFEST).read_bytes()

    countries = project / "content" / "countries"
    edit(countries / "kz.yaml", 'en: "Astana"', 'en: "Astana (capital)"')  # builds fine on its own
    uz = countries / "uz.yaml"
    good_uz = uz.read_text(encoding="utf-8")
    edit(uz, '    en: "With the EPCA signed', f'    en: "{LONG} With the EPCA signed')  # overflows its page
    capsys.readouterr()
    for _ in range(2):  # the failure is not remembered as success: it fails again
        assert build(project, *args) == 1
        printed = capsys.readouterr()
        assert "uz.en: one-pager runs to" in printed.err
        assert printed.out == ""  # kz.en.pdf was written to a temp file, never put in place: no line for it
        assert snapshot(out) == first
        assert (out / incremental.MANIFEST).read_bytes() == manifest
        assert not list(out.rglob("*.tmp"))

    uz.write_text(good_uz, encoding="utf-8")
    assert build(project, *args) == 0  # kz's change was never recorded: it is built now
    assert rebuilt(first, snapshot(out)) == {f"{PROFILES}/kz.en.pdf"}
    entry = json.loads((out / incremental.MANIFEST).read_text())["outputs"][f"{PROFILES}/kz.en.pdf"]
    # Its country, the neighbours its map names from their files, and the sources.
    assert entry["declared"] == [f"countries/{c}.yaml" for c in ("kz", "kg", "tm", "uz")] + ["sources.yaml"]
    assert entry["sha256"] == incremental.file_hash(out / PROFILES / "kz.en.pdf")


def test_a_subset_build_then_a_revert_never_leaves_the_whole_build_stale(content_only, capsys):
    """Issue #12: build; edit; build only kz; revert; build: kz's outputs were reported up to
    date while holding the reverted text (the fast path trusted a record another selection
    had since rewritten)."""
    project = content_only
    whole = ("--edition", "en", "--format", "docx", str(ROOT / "briefs" / "country-profiles.yaml"))
    assert build(project, *whole, "-j", "2") == 0
    first = snapshot(project / "out")
    kz = project / "content" / "countries" / "kz.yaml"
    good = kz.read_text(encoding="utf-8")
    edit(kz, 'en: "Astana"', 'en: "Astana (edited)"')
    assert build(project, *whole, "--only", "kz", "-j", "1") == 0
    kz.write_text(good, encoding="utf-8")
    capsys.readouterr()
    assert build(project, *whole, "-j", "1") == 0
    assert "Up to date" not in capsys.readouterr().out
    target = project / "out" / PROFILES / "kz.en.docx"
    assert rebuilt(first, snapshot(project / "out")) == {f"{PROFILES}/kz.en.docx"}
    assert not _docx_has(target, "Astana (edited)") and _docx_has(target, "Astana")


def test_the_fast_path_removes_what_a_killed_build_left(tmp_path, capsys):
    """A killed build's temp files go with the next build, even one with nothing to do."""
    out = tmp_path / "out"
    select = ["--only", "kz", "--edition", "en", "--format", "docx", "--out", str(out), "-j", "1"]
    assert cli.main(select) == 0
    left = [
        out / PROFILES / ".kz.en.docx.k1ll3d00.tmp",  # an output being written
        out / "..manifest.json.k1ll3d00.tmp",  # the manifest being staged
        out / ".cache" / "docx-fonts" / ".0123abcd.ttf.k1ll3d00.tmp",  # a font subset being cached
    ]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")
    theirs = out / PROFILES / ".notes.tmp"  # not ours: kept
    theirs.write_text("keep")
    capsys.readouterr()
    assert cli.main(select) == 0
    assert capsys.readouterr().out.startswith("Up to date: 1 file(s)")
    assert sorted(p.name for p in out.rglob("*.tmp")) == [".notes.tmp"]


def test_the_no_op_build_loads_neither_the_schema_nor_the_writers(tmp_path):
    out = tmp_path / "out"
    select = ["--only", "kz", "--edition", "en", "--format", "docx", "--out", str(out)]
    assert cli.main(select) == 0
    code = (
        f"import sys; from briefing import cli; code = cli.main({select!r}); "
        "print(code, sorted(m for m in ('pydantic', 'jinja2', 'weasyprint', 'docx', 'ruamel.yaml') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[0].startswith("Up to date: 1 file(s), in ")
    assert result.stdout.splitlines()[-1] == "0 []"


# With -j 2 and two outputs the workers are forked during the first build, under
# the out folder's lock, and stay alive between rebuilds: the lock must not stay with them.
@pytest.mark.parametrize("jobs, editions", [("1", "en"), ("2", "en,ar")])
def test_watch_mode_rebuilds_a_saved_change_and_prints_one_line(project, jobs, editions):
    content = project / "content"
    cmd = [
        sys.executable,
        "build.py",
        "--watch",
        "--content",
        str(content),
        "--out",
        str(project / "out"),
        "--only",
        "kz",
        "--edition",
        editions,
        "--format",
        "docx",
        "-j",
        jobs,
        str(ROOT / "briefs" / "country-profiles.yaml"),
    ]
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            _watch_session(proc, project, content)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _watch_session(proc, project: Path, content: Path) -> None:
    lines = []
    while not (lines and lines[-1].startswith("watching ")):
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        lines.append(line.strip())
    assert any(re.match(r"(Built|rebuilt) \d+ file\(s\)", line) for line in lines), lines
    time.sleep(0.3)
    target = project / "out" / PROFILES / "kz.en.docx"
    before = target.stat().st_mtime_ns
    edit(content / "countries" / "kz.yaml", 'en: "Astana"', ASTANA_EDIT)
    line = proc.stdout.readline().strip()
    assert line.startswith("rebuilt 1 file(s) in ") and line.endswith(f"{PROFILES}/kz.en.docx"), line
    assert target.stat().st_mtime_ns != before
    assert _docx_has(target, "Astana (capital)")


class Unread:
    """A field's value that fails the render the moment anything reads it."""

    def __init__(self, what: str) -> None:
        self.what = what

    def fail(self, *_: object) -> None:
        raise AssertionError(f"the document read {self.what}, which its partial_inputs leave out")

    def __getattr__(self, name: str) -> None:
        self.fail()

    __iter__ = __len__ = __bool__ = __str__ = __getitem__ = __html__ = __eq__ = __hash__ = fail  # type: ignore[assignment]


def _every_document(tmp_path: Path, content: Any) -> Iterator[tuple[Path, Any, Any, str]]:
    """(brief file, brief, kind, document id) for every document the shipped briefs make of `content`."""
    from briefing import kinds
    from briefing.briefs import load_brief
    from briefing.jobs import brief_files

    for path in brief_files(cli.parse_args(["--out", str(tmp_path / "out")])):
        brief = load_brief(path, content, files.TEMPLATES)
        kind = kinds.of(brief)
        for doc_id in kind.documents(brief, content):
            yield path, brief, kind, doc_id


def test_a_document_reads_nothing_of_a_partial_input_beyond_its_fields(tmp_path):
    """A kind's partial_inputs (fields of a file) must cover everything its documents show of
    that file, or an edit elsewhere in it would leave them stale: every other field is made
    unreadable and every document that has partial inputs is rendered."""
    import dataclasses

    from briefing import kinds, render
    from briefing.validate import load_content

    content = load_content(files.CONTENT)
    labels, env = render.load_labels(files.TEMPLATES), render.environment(files.TEMPLATES)
    checked = set()
    for _, brief, kind, doc_id in _every_document(tmp_path, content):
        partial = kind.partial_inputs(brief, content, doc_id)
        countries = dict(content.countries)
        for file, fields in partial.items():
            assert file.parent == content.root / "countries", file  # what this test can poison
            country = countries[file.stem]
            countries[file.stem] = country.model_copy(
                update={f: Unread(f"{file.name}: {f}") for f in type(country).model_fields if f not in fields}
            )
        if partial:
            checked.add(kind.name)
            edition = "ar-en" if "ar-en" in brief.editions else brief.editions[0]
            poisoned = dataclasses.replace(content, countries=countries)
            render.render(env, labels, kind, brief, poisoned, doc_id, edition, cache=tmp_path / "graphics")
    assert checked == set(kinds.by_name())  # every kind reads only some fields of some country files


def _other_language_changed(data: object, lang: str) -> object:
    """Parsed YAML with every `lang` side of a two-language text (plan.in_languages) changed: a
    word added in that language's script (numbers kept: the parity check still passes)."""
    from briefing.plan import BILINGUAL

    if isinstance(data, dict):
        two = data.keys() >= BILINGUAL
        return {
            k: (
                v + (" زقس" if lang == "ar" else " Zqx") if two and k == lang and isinstance(v, str) else None
            )
            or _other_language_changed(v, lang)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_other_language_changed(v, lang) for v in data]
    return data


@pytest.mark.parametrize("edition, other", [("ar", "en"), ("en", "ar")])
def test_an_edition_shows_nothing_of_the_other_languages_texts(tmp_path, edition, other):
    """Inputs are tracked per language (plan.in_languages): an edit to an English text must leave
    every Arabic edition as it is, and the other way round, or that edition would be left stale.
    Every text's `other` side in every content file is changed (but in the fields a kind says
    every edition shows in both, Kind.in_every_edition), and every document of every kind is
    rendered in `edition` from both trees: the HTML must be the same."""
    from briefing import kinds, render
    from briefing.load import load
    from briefing.validate import load_content

    trees: dict[frozenset, object] = {}

    def changed(keep: dict[Path, tuple[str, ...]]) -> object:
        """The content with the other side changed, but in `keep` (file -> its fields)."""
        key = frozenset((p.relative_to(files.CONTENT), f) for p, f in keep.items())
        if key not in trees:
            root = tmp_path / f"content{len(trees)}"
            shutil.copytree(files.CONTENT, root)
            for path in sorted(root.rglob("*.yaml")):
                data = load(path, root).data
                kept = keep.get(files.CONTENT / path.relative_to(root), ())
                new = _other_language_changed(data, other)
                if isinstance(new, dict):
                    new.update({f: data[f] for f in kept if f in data})
                path.write_text(json.dumps(new, ensure_ascii=False, default=str), encoding="utf-8")
            trees[key] = load_content(root)
        return trees[key]

    original = load_content(files.CONTENT)
    labels, env = render.load_labels(files.TEMPLATES), render.environment(files.TEMPLATES)
    checked = set()
    for path, brief, kind, doc_id in _every_document(tmp_path, original):
        if edition not in brief.editions:
            continue
        poisoned = changed(kind.in_every_edition(brief, original, doc_id))
        html = [
            render.render(env, labels, kind, brief, c, doc_id, edition, cache=tmp_path / name)
            for c, name in ((original, "a"), (poisoned, "b"))
        ]
        assert html[0] == html[1], f"{path.stem}/{doc_id}.{edition} shows a text's {other} side"
        checked.add(kind.name)
    assert checked == set(kinds.by_name())
