"""docs/architecture.md matches the code: every link leads to a file, every name it cites exists, and every
module of briefing/ is on the page."""

from __future__ import annotations

import importlib
import re

import pytest

from .conftest import ROOT

PAGE = ROOT / "docs" / "architecture.md"
TEXT = PAGE.read_text(encoding="utf-8")
SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "briefing").rglob("*.py")))
TEMPLATES = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "templates").glob("*")))
LINKS = re.findall(r"\]\(([^)#]+)\)", TEXT)
SPANS = sorted(set(re.findall(r"`([^`\n]+)`", TEXT)))
DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")
FILE = re.compile(r"[\w./-]+\.(py|j2|yaml|json|css|md|toml|txt|yml)")
OUTPUT = ("OUT/", "out/", ".<")  # where a build writes (OUT is --out): not in the repository


def resolve(dotted: str) -> object:
    """`module.name.attr` (a briefing module) or `Class.attr` (a class of briefing/) -> the object."""
    parts = dotted.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module("briefing." + ".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    for path in sorted((ROOT / "briefing").rglob("*.py")):  # a class cited by its own name: Kind.documents
        if re.search(rf"^class {parts[0]}\b", path.read_text(encoding="utf-8"), re.M):
            obj = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            for attr in parts:
                obj = getattr(obj, attr)
            return obj
    raise AssertionError(f"{dotted}: no briefing module or class {parts[0]!r}")


@pytest.mark.parametrize("link", sorted(set(LINKS)))
def test_every_link_leads_to_a_file_or_folder(link):
    assert (PAGE.parent / link).exists(), link


@pytest.mark.parametrize("span", [s for s in SPANS if DOTTED.fullmatch(s) and not FILE.fullmatch(s)])
def test_every_name_cited_exists(span):
    resolve(span)


@pytest.mark.parametrize("span", [s for s in SPANS if FILE.fullmatch(s) and not s.startswith(OUTPUT)])
def test_every_file_cited_exists(span):
    assert (ROOT / span).exists() or (ROOT / "briefing" / span).exists(), span


@pytest.mark.parametrize("span", [s for s in SPANS if s.startswith(OUTPUT)])
def test_every_output_path_cited_is_one_the_code_writes(span):
    """OUT/.build.lock, OUT/.cache/fonts…: each literal part of the path is written in briefing/."""
    for part in re.split(r"/|<[^>]*>", span.removeprefix("OUT/").removeprefix("out/")):
        if part.strip("."):
            assert part.strip(".") in SOURCE, (span, part)


@pytest.mark.parametrize("span", [s for s in SPANS if re.fullmatch(r"[A-Za-z_]\w*:?", s)])
def test_every_field_and_setting_cited_is_in_the_code(span):
    word = span.rstrip(":")
    assert re.search(rf"\b{word}\b", SOURCE + TEMPLATES), span


def test_every_module_of_briefing_is_on_the_page():
    linked = {(PAGE.parent / link).resolve() for link in LINKS}
    modules = [p for p in (ROOT / "briefing").glob("*.py") if p.name != "__init__.py"]
    missing = sorted(p.name for p in modules if p.resolve() not in linked)
    assert not missing, f"docs/architecture.md does not say where these fit: {missing}"
    assert (ROOT / "briefing" / "kinds").resolve() in linked


def test_the_checker_catches_a_name_that_does_not_exist():
    with pytest.raises(AttributeError):
        resolve("render.no_such_function")
    with pytest.raises(AssertionError):
        resolve("NoSuchClass.method")
