"""Atomic, locked and reproducible outputs."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from briefing import __version__, cli, kinds, write_pdf
from briefing.briefs import load_brief
from briefing.jobs import UnsafePath, safe_target
from briefing.outputs import LOCK_NAME
from briefing.plan import plan
from briefing.validate import load_content

from .conftest import ROOT

PROFILES = str(ROOT / "briefs" / "country-profiles.yaml")


def outputs(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*.*"))
        if p.is_file() and p.suffix in (".pdf", ".docx")
    }


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}


def test_a_build_killed_mid_render_leaves_previous_outputs_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "out"
    assert cli.main(["--only", "kz", "--edition", "en", "--out", str(out), "-j", "1", PROFILES]) == 0
    before = outputs(out)
    assert sorted(before) == ["country-profiles/kz.en.docx", "country-profiles/kz.en.pdf"]
    proc = subprocess.Popen(
        [
            sys.executable,
            "build.py",
            "--only",
            "kz,uz",
            "--edition",
            "en,ar-en",
            "--out",
            str(out),
            "-j",
            "1",
            PROFILES,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=clean_env(),
    )
    deadline = time.monotonic() + 120
    temps: list[Path] = []
    while proc.poll() is None and time.monotonic() < deadline:
        # A temp file exists from just before a render starts until the final renames.
        temps = [p for p in out.rglob("*.tmp") if p.stat().st_size == 0]
        if temps and len(list(out.rglob("*.tmp"))) >= 2:  # one render done, the next one running
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    assert outputs(out) == before  # nothing replaced, nothing half-written in place
    left = list(out.rglob(".*.tmp"))
    assert left, "the kill left no temp file: it did not land during a render"
    unrelated = out / "country-profiles" / ".notes.tmp"
    unrelated.write_text("not ours")
    # The next run takes the lock (the kernel released the killed one) and removes what the kill left.
    assert (
        cli.main(
            ["--only", "kz", "--edition", "en", "--format", "pdf", "--out", str(out), "-j", "1", PROFILES]
        )
        == 0
    )
    assert sorted(p.name for p in out.rglob("*.tmp")) == [".notes.tmp"]
    assert outputs(out)["country-profiles/kz.en.docx"] == before["country-profiles/kz.en.docx"]


def test_a_second_build_into_the_same_folder_is_refused_while_one_runs(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.pdf").write_bytes(b"previous")
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX)  # the lock a running build holds
        os.write(fd, b"4242")
        result = subprocess.run(
            [sys.executable, "build.py", "--only", "kz", "--edition", "en", "--out", str(out), PROFILES],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        # Validation needs no lock: --check runs while a build holds it.
        check = subprocess.run(
            [sys.executable, "build.py", "--check", "--out", str(out), PROFILES],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert "build refused: another build is running into" in result.stderr and "(pid 4242)" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME, "keep.pdf"]
    assert check.returncode == 0, check.stderr


def test_targets_stay_inside_the_out_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert (
        safe_target(out, "country-profiles", "kz.en.pdf") == out.resolve() / "country-profiles" / "kz.en.pdf"
    )
    for parts in (("..", "x.pdf"), ("a", "../x.pdf"), ("/etc", "x.pdf"), ("a", ".hidden.pdf"), ("a", "")):
        with pytest.raises(UnsafePath):
            safe_target(out, *parts)
    (out / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePath, match="outside"):
        safe_target(out, "link", "x.pdf")


# -- reproducible -------------------------------------------------------------------
def first_document(brief: Path) -> str:
    args = cli.parse_args(["--check", "--edition", "ar-en", str(brief)])
    return plan(args)[0].doc_id


BRIEFS = sorted((ROOT / "briefs").glob("*.yaml"))


def test_every_document_kind_has_a_brief_to_test_reproducibility_with():
    content = load_content(ROOT / "content")
    found = {load_brief(b, content, ROOT / "templates").kind for b in BRIEFS}
    assert found == set(kinds.by_name())


# Two processes that differ in everything a build must not depend on: the hash seed
# (set and dict order), the clock (seconds apart), and optional packages (uharfbuzz,
# which fontTools uses to lay out GSUB/GPOS when it can import it: the DOCX's font
# subsets once differed with it). The second run hides uharfbuzz from its process.
HIDE_UHARFBUZZ = (
    "import runpy, sys; sys.modules['uharfbuzz'] = None; sys.argv[0] = 'build.py'; "
    "runpy.run_path('build.py', run_name='__main__')"
)
RUNS = {"a": ("1", ["build.py"]), "b": ("2", ["-c", HIDE_UHARFBUZZ])}


@pytest.mark.parametrize("brief", BRIEFS, ids=[b.stem for b in BRIEFS])
def test_same_inputs_give_byte_identical_pdf_and_docx_from_separate_processes(brief, tmp_path):
    doc = first_document(brief)
    # One after the other: any clock time in the output would differ.
    for name, (seed, command) in RUNS.items():
        run = subprocess.run(
            [
                sys.executable,
                *command,
                "--only",
                doc,
                "--edition",
                "ar-en",
                "--out",
                str(tmp_path / name),
                "-j",
                "1",
                str(brief),
            ],
            cwd=ROOT,
            env={**clean_env(), "PYTHONHASHSEED": seed},
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        time.sleep(1)
    a, b = outputs(tmp_path / "a"), outputs(tmp_path / "b")
    assert sorted(a) == sorted(f"{brief.stem}/{doc}.ar-en.{fmt}" for fmt in ("docx", "pdf"))
    for name in a:
        assert a[name] == b[name], f"{name} differs between two builds"


def test_the_pdf_records_its_generator_its_inputs_and_the_as_of_date(tmp_path):
    out = tmp_path / "out"
    assert (
        cli.main(
            ["--only", "kz", "--edition", "en,ar", "--format", "pdf", "--out", str(out), "-j", "1", PROFILES]
        )
        == 0
    )
    jobs = {j.edition: j for j in plan(cli.parse_args(["--only", "kz", "--edition", "en,ar", PROFILES]))}
    digests = {}
    for edition, job in jobs.items():
        info = pypdf.PdfReader(out / "country-profiles" / f"kz.{edition}.pdf").metadata
        digest = write_pdf.inputs_digest(job.html)
        assert info["/BriefingInputs"] == f"sha256:{digest}"
        assert info["/Keywords"] == f"inputs-sha256:{digest}"
        assert info["/Creator"] == info["/BriefingGenerator"] == f"briefing {__version__}"
        assert info["/CreationDate"] == info["/ModDate"] == "D:20251130120000Z"  # the brief's as_of, noon UTC
        digests[edition] = digest
    assert digests["en"] != digests["ar"]  # the digest follows the inputs


def test_source_date_epoch_sets_the_pdf_dates(tmp_path, monkeypatch):
    import datetime as dt

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    target = tmp_path / "x.pdf"
    write_pdf.PdfWriter().write(
        "<p>x</p>",
        target,
        base_url=ROOT / "templates",
        metadata={"as_of": dt.date(2025, 10, 31), "generator": "t"},
    )
    assert pypdf.PdfReader(target).metadata["/CreationDate"] == "D:20231114221320Z"
