"""The hosted CI workflow and .ci/run run the same thing: the README's two commands, set up by the
project's own files (Makefile, scripts/ensure-tools, the requirement files)."""

from __future__ import annotations

import re
import shlex
import tomllib

from ruamel.yaml import YAML

from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"


def workflow() -> dict:
    return YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def commands(script: str) -> list[list[str]]:
    """Each shell command of a script, as words (comments and blank lines dropped; `a && b` is two)."""
    found = []
    for line in script.splitlines():
        line = line.split("#", 1)[0].strip()
        for part in re.split(r"&&|\|\||;", line):
            if part.strip():
                found.append(shlex.split(part))
    return found


def make_calls(script: str) -> list[list[str]]:
    return [words for words in commands(script) if words[0] == "make"]


def job() -> dict:
    (only,) = workflow()["jobs"].values()
    return only


def steps_script() -> str:
    return "\n".join(step["run"] for step in job()["steps"] if "run" in step)


def ci_run() -> str:
    return (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_workflow_runs_on_push_and_pull_request():
    assert {"push", "pull_request"} <= set(workflow()["on"])


def test_the_workflow_calls_the_same_make_targets_as_ci_run_in_the_same_order():
    ours = make_calls(ci_run())
    assert ours == [["make", "test"], ["make"]]  # the README's two commands
    assert make_calls(steps_script()) == ours


def test_the_workflow_sets_what_ci_run_exports():
    exported = dict(
        words[1].split("=", 1) for words in commands(ci_run()) if words[0] == "export" and "=" in words[1]
    )
    assert exported  # WITH_LIBREOFFICE=1: the word-processor tests run in CI
    assert {k: str(v) for k, v in job()["env"].items()} == exported


def test_debian_packages_come_from_the_projects_script_not_the_workflow():
    """The workflow installs only what running make needs; the rest is scripts/ensure-tools' (via make)."""
    script = (ROOT / "scripts" / "ensure-tools").read_text(encoding="utf-8")
    ours = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", " ".join(re.findall(r"want\+?=\(([^)]*)\)", script))))
    assert {"libharfbuzz-subset0", "poppler-utils", "libreoffice-writer-nogui"} <= ours
    installed = set()
    for words in commands(steps_script()):
        if words[:2] == ["apt-get", "install"]:
            installed |= {w for w in words[2:] if not w.startswith("-")}
    assert installed == {"make", "git"}
    assert not installed & ours


def test_the_venv_cache_is_keyed_by_the_files_the_makefile_installs_from():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    prerequisites = re.search(r"^\$\(VENV\)/\.installed:(.*)$", makefile, re.M).group(1).split()
    (cache,) = [s for s in job()["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == ".venv"
    hashed = re.search(r"hashFiles\(([^)]*)\)", cache["with"]["key"]).group(1)
    assert sorted(re.findall(r"'([^']+)'", hashed)) == sorted(prerequisites)


def test_the_workflow_uploads_out_and_runs_the_python_the_project_requires():
    uploads = [
        s["with"]["path"] for s in job()["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")
    ]
    assert "out/" in uploads
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "requires-python"
    ]
    minor = re.search(r">=\s*3\.(\d+)", requires).group(1)
    assert re.match(rf"python:3\.{minor}-", job()["container"]), job()["container"]
