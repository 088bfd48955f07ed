"""Never stale: after any sequence of edits, reverts, subset builds (--only, --edition,
--format, one brief named), failed builds and killed builds, a plain `build.py` leaves
the output folder byte-identical to a clean build of the same tree.

A seeded, bounded random test: each seed is one sequence of steps over a small tree
(two countries, one brief, three editions, both formats), built in this process with
one worker so a step can be made to fail or be killed where it chooses. A killed
build is a forked copy of this process that SIGKILLs itself at a chosen point: while
a temp file is being written, after the n-th output is renamed into place, or just
before the manifest is. `NEVER_STALE_SEEDS=50` runs more sequences.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import signal
from pathlib import Path

import pytest

from briefing import cli, files, outputs
from briefing.errors import Problem

from .conftest import FIXTURES

SEEDS = range(1, 1 + int(os.environ.get("NEVER_STALE_SEEDS", "2")))
STEPS = 10
BRIEF = """kind: country-profile
template: country-profile
title: {ar: "ملفات قطرية", en: "%s"}
organisation: {ar: "وحدة الاختبار", en: "Test desk"}
as_of: 2025-10-31
countries: all
locator_map: {boundaries_source: natural-earth}
editions: [ar, en, ar-en]
"""


def variants(original_kz: str) -> dict[str, list[str | None]]:
    """Each file's possible texts: the first is the original (choosing it is a revert); None: no file."""
    uz = original_kz.replace("id: kz", "id: uz").replace("en: Kazakhstan}", "en: Uzbekistan}")
    return {
        "content/countries/kz.yaml": [
            original_kz,
            original_kz.replace("en: Kazakhstan}", "en: Kazakhstan (edited)}"),
            original_kz.replace("US tariff is a challenge.", "US tariff is a serious challenge."),
            # One language only: inputs are tracked per language (plan.in_languages), so the
            # other language's edition is not even rendered; it must still equal a clean build.
            original_kz.replace("تمثل تحدياً", "تمثل تحدياً كبيراً"),
            original_kz.replace("{ar: كازاخستان, en: Kazakhstan}", "{ar: قازاقستان, en: Kazakhstan}"),
        ],
        "content/countries/uz.yaml": [uz, uz.replace("en: President}", "en: Head of State}"), None],
        "content/sources.yaml": [
            (FIXTURES / "minimal" / "sources.yaml").read_text(encoding="utf-8"),
            (FIXTURES / "minimal" / "sources.yaml").read_text(encoding="utf-8").replace("Adel Ali", "A. Ali"),
        ],
        "briefs/profiles.yaml": [BRIEF % "Country profiles", BRIEF % "Country profiles, revised"],
    }


class Tree:
    def __init__(self, root: Path):
        self.root = root
        original = (FIXTURES / "minimal" / "countries" / "kz.yaml").read_text(encoding="utf-8")
        self.variants = variants(original)
        self.state = dict.fromkeys(self.variants, 0)
        for name in self.variants:
            self.put(name, 0)

    def put(self, name: str, choice: int) -> None:
        path = self.root / name
        text = self.variants[name][choice]
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
        self.state[name] = choice

    def countries(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "content" / "countries").glob("*.yaml"))

    def argv(self, out: Path, *extra: str) -> list[str]:
        return ["--content", str(self.root / "content"), "--out", str(out), "-j", "1", *extra]


def build(tree: Tree, out: Path, *extra: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return cli.main(tree.argv(out, *extra))


def a_selection(rng: random.Random, tree: Tree) -> list[str]:
    """A command line's selection: plain, or a subset; mostly one format (cheap)."""
    args: list[str] = []
    if rng.random() < 0.1:
        return args
    if rng.random() < 0.5:
        args += ["--only", rng.choice(tree.countries())]
    if rng.random() < 0.4:
        args += ["--edition", rng.choice(["ar", "en", "ar-en"])]
    if rng.random() < 0.6:
        args += ["--format", rng.choice(["pdf", "docx"])]
    if rng.random() < 0.3:
        args.append(str(tree.root / "briefs" / "profiles.yaml"))
    if rng.random() < 0.1:
        args.append("--force")
    return args


def killed(tree: Tree, out: Path, args: list[str], point: str, n: int) -> None:
    """A build that is SIGKILLed at `point` ('stage': a temp file being written; 'commit':
    the n-th rename into place; 'manifest': just before the manifest's), in a forked copy
    of this process; if the build never gets there, it simply finishes."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            calls = {"stage": 0, "commit": 0}
            stage, commit = files.stage, files.commit

            def staged(target, data=None):
                tmp = stage(target, data)
                calls["stage"] += 1
                if point == "stage" and calls["stage"] == n:
                    tmp.write_bytes(b"half a file")
                    os.kill(os.getpid(), signal.SIGKILL)
                return tmp

            def committed(tmp, target, **kw):
                manifest = Path(target).name == ".manifest.json"
                calls["commit"] += not manifest
                if (point == "commit" and calls["commit"] == n) or (point == "manifest" and manifest):
                    os.kill(os.getpid(), signal.SIGKILL)
                return commit(tmp, target, **kw)

            files.stage, files.commit = staged, committed
            build(tree, out, *args)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) or os.WTERMSIG(status) == signal.SIGKILL


def failed(tree: Tree, out: Path, args: list[str], rng: random.Random, monkeypatch) -> None:
    """A build that fails: on content (a broken file, put back after) or while writing
    (the disk fills up at the n-th file)."""
    if rng.random() < 0.5:
        name = "content/countries/kz.yaml"
        path = tree.root / name
        good = path.read_text(encoding="utf-8")
        path.write_text(good + "capitol: Astana\n", encoding="utf-8")
        try:
            assert build(tree, out, *args) == 1
        finally:
            path.write_text(good, encoding="utf-8")
        return
    n, calls = rng.randint(1, 3), {"n": 0}
    run_task = outputs.run_task

    def full_disk(job, fmt, out_, templates=files.TEMPLATES):
        calls["n"] += 1
        if calls["n"] == n:
            raise outputs.WriteError([Problem("out", 1, 1, "(write)", "No space left on device")])
        return run_task(job, fmt, out_, templates)

    with monkeypatch.context() as m:
        m.setattr(outputs, "run_task", full_disk)
        assert build(tree, out, *args) in (0, 1)


def outputs_of(out: Path) -> dict[str, bytes]:
    """Every file a reader sees (not the manifest, the lock or the caches); and no temp file anywhere."""
    assert not list(out.rglob("*.tmp")), "a temp file was left behind"
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_a_plain_build_after_any_sequence_equals_a_clean_build(seed, tmp_path, monkeypatch):
    rng = random.Random(seed)
    tree = Tree(tmp_path / "tree")
    monkeypatch.setattr(files, "BRIEFS", tree.root / "briefs")
    out = tmp_path / "out"
    assert build(tree, out) == 0  # a first full build, of the original tree
    steps = ["build"]
    seen_by_plain = dict(tree.state)  # the tree the last whole build saw
    for _ in range(STEPS):
        for name in tree.variants:  # edits; half of them back to the original text (reverts)
            if rng.random() < 0.3:
                choice = 0 if rng.random() < 0.5 else rng.randrange(1, len(tree.variants[name]))
                tree.put(name, choice)
                steps.append(f"edit {name} -> {choice}")
        step = rng.choice(["build", "build", "build", "failed", "killed"])
        args = a_selection(rng, tree)
        if step == "build":
            assert build(tree, out, *args) == 0, (seed, steps, args)
            if not args:
                seen_by_plain = dict(tree.state)
        elif step == "failed":
            failed(tree, out, args, rng, monkeypatch)
        else:
            point = rng.choice(["stage", "commit", "manifest"])
            n = rng.randint(1, 3)
            killed(tree, out, args, point, n)
            step += f" at {point} {n}"
        steps.append(f"{step} {' '.join(a for a in args if not a.startswith('/'))}")
    if seed % 2:  # odd seeds: every edit since the last whole build undone
        for name, choice in seen_by_plain.items():
            tree.put(name, choice)
        steps.append("revert to the tree of the last whole build")

    assert build(tree, out) == 0, steps
    clean = tmp_path / "clean"
    assert build(tree, clean) == 0
    incremental, expected = outputs_of(out), outputs_of(clean)
    assert sorted(incremental) == sorted(expected), steps
    stale = [name for name in expected if incremental[name] != expected[name]]
    assert not stale, (stale, steps)
    shutil.rmtree(clean)
