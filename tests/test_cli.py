"""build.py as a user meets it: help, usage errors, selections, progress, atomic outputs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from briefing import cli

from .conftest import ROOT

BRIEF = str(ROOT / "briefs" / "country-profiles.yaml")


def test_help_lists_the_options_and_exit_codes():
    result = subprocess.run([sys.executable, "build.py", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    for option in ("--only", "--edition", "--format", "--check", "--out", "-j"):
        assert option in result.stdout
    assert "Exit codes: 0 success, 1 content error" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    "args, message",
    [
        (["--edition", "fr"], "--edition: fr is not one of ar, ar-en, en"),
        (["--format", "odt"], "--format: odt is not one of docx, html, pdf"),
        (["-j", "0"], "-j must be at least 1"),
        (["briefs/nope.yaml"], "brief not found: briefs/nope.yaml"),
        # Ids the command line names that content does not have: known once content is loaded.
        (
            ["--only", "kz,zz", "--check"],
            "--only: no document 'zz' in the selected briefs; expected one of: ",
        ),
        (
            ["--country", "xx", "--check"],
            "--country: unknown country 'xx'; expected one of: az, kg, kz, tj, tm, uz",
        ),
        # The build writes and cleans up in --out: never among its inputs.
        (["--out", "content/out"], "--out content/out is inside content/, an input folder"),
        (["--out", "templates"], "--out templates is inside templates/, an input folder"),
        (["--out", "briefs/x"], "--out briefs/x is inside briefs/, an input folder"),
        (["--out", "fonts/out"], "--out fonts/out is inside fonts/, an input folder"),
        (["--out", "."], "--out . holds content/, an input folder"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args, message, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: build.py") and f"build.py: error: {message}" in err, err
    assert not (ROOT / "content" / "out").exists() and not (ROOT / "briefs" / "x").exists()


def test_check_validates_and_writes_nothing(tmp_path, capsys):
    assert cli.main(["--check", "--out", str(tmp_path / "out")]) == 0
    briefs = len(list((ROOT / "briefs").glob("*.yaml")))
    assert f"OK: content and {briefs} brief(s) valid;" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_only_edition_and_format_select_what_is_built(tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        cli.main(["--only", "kz,uz", "--edition", "ar", "--format", "pdf", "--out", str(out), "-j", "1"]) == 0
    )
    assert sorted(p.name for p in (out / "country-profiles").iterdir()) == ["kz.ar.pdf", "uz.ar.pdf"]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[1/2] ") and lines[0].endswith("s") and "kz.ar.pdf  1 page" in lines[0]
    assert lines[-1].startswith("Built 2 file(s) from 2 document edition(s), 2 PDF page(s), in ")


def test_outputs_replace_old_ones_whole_and_leave_no_temp_files(tmp_path):
    out = tmp_path / "out"
    target = out / "country-profiles" / "kz.en.docx"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"old")
    assert cli.main(["--only", "kz", "--edition", "en", "--out", str(out), "-j", "1"]) == 0
    assert target.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in target.parent.iterdir()) == ["kz.en.docx", "kz.en.html", "kz.en.pdf"]


def test_an_overflowing_one_pager_fails_and_names_the_document(minimal, tmp_path, capsys):
    kz = minimal / "countries" / "kz.yaml"
    long_point = "نقطة طويلة جدا للاختبار " * 90
    text = kz.read_text(encoding="utf-8").replace(
        '  - {ar: "نسبة 27%',
        f'  - {{ar: "{long_point}", en: "x"}}\n  - {{ar: "{long_point}", en: "x"}}\n  - {{ar: "نسبة 27%',
        1,
    )
    kz.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = cli.main(
        ["--content", str(minimal), "--out", str(out), "--edition", "ar", "--format", "pdf", BRIEF]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "kz.yaml:1:1: (layout): country-profiles/kz.ar: one-pager runs to 2 pages, expected 1" in err
    assert not out.exists() or not any(out.rglob("*.pdf"))
    assert not any(out.rglob("*.tmp")) if out.exists() else True


def test_build_py_runs_as_a_script():
    result = subprocess.run([sys.executable, "build.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_build_breaks_its_time_down_by_phase_when_asked(tmp_path, monkeypatch, capsys):
    """BRIEFING_TIMINGS (for bench/bench.py): one line of seconds per phase on stderr, none without it."""
    import json

    argv = ["--only", "kz", "--edition", "en", "--format", "docx", "-j", "1", "--out", str(tmp_path / "out")]
    argv.append(str(ROOT / "briefs" / "country-profiles.yaml"))
    monkeypatch.setenv("BRIEFING_TIMINGS", "1")
    assert cli.main(argv) == 0
    line = next(x for x in capsys.readouterr().err.splitlines() if x.startswith("timings "))
    phases = json.loads(line.removeprefix("timings "))
    assert {"main", "imports", "plan", "render", "write", "docx", "commit"} <= phases.keys()
    assert all(v >= 0 for v in phases.values())
    assert phases["main"] >= phases["write"] >= phases["docx"] > 0
    monkeypatch.delenv("BRIEFING_TIMINGS")
    (tmp_path / "out" / "country-profiles" / "kz.en.docx").unlink()
    assert cli.main(argv) == 0
    assert "timings " not in capsys.readouterr().err
