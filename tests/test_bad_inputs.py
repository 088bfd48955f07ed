"""The bad-input catalogue (tests/bad-inputs/, see its README): every broken
input is refused with exit 1, exactly the expected `file:line:col: field: message`
lines, no traceback, and the previous outputs untouched."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tracemalloc
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from briefing import cli, outputs

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path(__file__).parent / "bad-inputs"
BASE = CATALOGUE / "_base"
CASES = sorted(p for p in CATALOGUE.iterdir() if p.is_dir() and not p.name.startswith("_"))
PREVIOUS = b"%PDF previous build, must survive"
TIMEOUT = 60  # seconds: every case takes one or two


def read_case(case: Path) -> dict:
    return YAML(typ="safe").load((case / "case.yaml").read_text(encoding="utf-8")) or {}


def make_tree(case: Path, tree: Path) -> dict:
    """The fixture tree, broken as the case says; returns the case spec."""
    spec = read_case(case)
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", tree / "content")
    shutil.copytree(BASE, tree, dirs_exist_ok=True)
    shutil.copytree(ROOT / "templates", tree / "templates")
    if (case / "files").is_dir():
        shutil.copytree(case / "files", tree, dirs_exist_ok=True)
    for e in spec.get("edit", []):
        path = tree / e["file"]
        text = path.read_text(encoding="utf-8")
        assert e["old"] in text, f"{case.name}: {e['old']!r} not in {e['file']}"
        path.write_text(text.replace(e["old"], e["new"], 1), encoding="utf-8")
    if "generate" in spec:
        path, size = tree / spec["generate"]["file"], spec["generate"]["size"]
        path.parent.mkdir(parents=True, exist_ok=True)
        line = b"- {ar: \xd9\x86\xd8\xb5, en: text}\n"
        with path.open("wb") as f:
            for _ in range(size // len(line)):
                f.write(line)
            f.write(b"#" * (size % len(line)))
    for name in spec.get("remove", []):
        (tree / name).unlink()
    previous = tree / "out" / "profiles" / "kz.en.pdf"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(PREVIOUS)
    if "symlink" in spec:
        link = tree / spec["symlink"]["path"]
        (link.parent / spec["symlink"]["to"]).mkdir(parents=True, exist_ok=True)
        link.symlink_to(spec["symlink"]["to"], target_is_directory=True)
    if (case / "outside").is_dir():  # files beside the tree, outside the project
        shutil.copytree(case / "outside", tree.parent / "outside")
    for link in spec.get("links", []):
        path = tree / link["path"]
        path.unlink(missing_ok=True)
        path.symlink_to(link["to"])
    for name in spec.get("fifos", []):
        (tree / name).unlink(missing_ok=True)
        os.mkfifo(tree / name)
    for name in spec.get("folders", []):
        (tree / name).mkdir(parents=True)
    return spec


def argv(spec: dict, tree: Path) -> list[str]:
    briefs = spec.get("briefs") or sorted(str(p.relative_to(tree)) for p in (tree / "briefs").glob("*.yaml"))
    return [
        "--content",
        "content",
        "--templates",
        "templates",
        "--out",
        "out",
        "-j",
        "1",
        *spec.get("args", ["--edition", "en", "--format", "pdf"]),
        *briefs,
    ]


def snapshot(out: Path) -> dict[str, bytes]:
    """Every output and the manifest; not the lock, nor the font-subset cache (a cache,
    valid whatever the build's outcome: a failed build may have warmed it)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != outputs.LOCK_NAME and p.relative_to(out).parts[0] != ".cache"
    }


def test_the_catalogue_holds_at_least_30_cases():
    assert len(CASES) >= 30, [c.name for c in CASES]
    for case in CASES:
        assert "expect" in read_case(case), case.name


def test_the_base_tree_is_valid(tmp_path, monkeypatch, capsys):
    """Otherwise a case could pass for a problem it did not add."""
    case = tmp_path / "valid"
    case.mkdir()
    (case / "case.yaml").write_text("expect: ''\n")
    tree = tmp_path / "tree"
    spec = make_tree(case, tree)
    monkeypatch.chdir(tree)
    code = cli.main([*argv(spec, tree), "premeeting/meeting.yaml", "--check"])
    assert code == 0, capsys.readouterr().err


class Hung(Exception):
    pass


def _hung(_signum, _frame):
    raise Hung()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case, tmp_path, monkeypatch, capsys):
    tree = tmp_path / "tree"
    spec = make_tree(case, tree)
    before = snapshot(tree / "out")
    monkeypatch.chdir(tree)
    limit = spec.get("max_peak_mb")
    if limit:
        tracemalloc.start()
    # A case that hangs (a FIFO read) fails instead of stopping the suite.
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(TIMEOUT)
    try:
        code = cli.main(argv(spec, tree))
    except Hung:
        pytest.fail(f"the build was still running after {TIMEOUT} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        if limit:
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
    out, err = capsys.readouterr()
    expected = [line for line in spec["expect"].splitlines() if line.strip()]
    assert "Traceback" not in out + err and "internal error" not in err, err
    for secret in spec.get("never_shown", []):  # text of a file outside the project
        assert secret not in out + err, err
    if limit:
        assert peak < limit, f"peak {peak:.1f} MB"
    if not expected:  # a valid input kept in the catalogue (e.g. a BOM)
        assert code == 0, err
        return
    lines = err.splitlines()
    assert code == 1, err
    assert lines[-1] == f"build failed: {len(expected)} problem(s); no output was changed", err
    assert sorted(lines[:-1]) == sorted(expected)
    assert snapshot(tree / "out") == before
    assert not list((tree / "out").rglob("*.tmp"))
    assert not (tree / "elsewhere").exists() or not any((tree / "elsewhere").iterdir())


if __name__ == "__main__":  # authoring aid: print what a case gives today
    import tempfile

    for name in sys.argv[1:]:
        case = CATALOGUE / name
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "tree"
            spec = make_tree(case, tree)
            os.chdir(tree)
            print(f"== {name}: exit {cli.main(argv(spec, tree))}", flush=True)
            os.chdir(ROOT)
