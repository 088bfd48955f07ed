"""Parsed YAML kept on disk by content hash (load.py): used when the bytes are the same,
never when they differ (even at the same size and time), and an entry that cannot be
read is ignored and written again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing import load
from briefing.errors import ContentError


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(load, "disk", tmp_path / "cache")
    monkeypatch.setattr(load, "_memo", {})
    return tmp_path / "cache"


def fresh_process(monkeypatch) -> None:
    """As a new build process: nothing in memory, and parsing not available (so a result
    can only have come from the disk cache)."""
    monkeypatch.setattr(load, "_memo", {})
    monkeypatch.setattr(load, "_load", lambda *_: pytest.fail("parsed again"))


def test_a_parsed_file_is_read_back_from_the_cache_with_its_positions(tmp_path, cache, monkeypatch):
    path = tmp_path / "x.yaml"
    path.write_text("a:\n  b: [1, 2.5, true, null, '2025-02-30']\n  c: text\n", "utf-8")
    first = load.load(path)
    assert len(list(cache.glob("*.json"))) == 1
    fresh_process(monkeypatch)
    again = load.load(path)
    assert again.data == first.data == {"a": {"b": [1, 2.5, True, None, "2025-02-30"], "c": "text"}}
    assert again.positions == first.positions and again.where(("a", "c")) == (3, 6)
    assert isinstance(again.data["a"]["b"][0], int) and isinstance(again.data["a"]["b"][1], float)


def test_the_same_size_and_time_with_other_bytes_is_parsed_again(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: one\n", "utf-8")
    assert load.load(path).data == {"a": "one"}
    st = path.stat()
    path.write_text("a: two\n", "utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # an editor that keeps the time
    assert path.stat().st_size == st.st_size
    assert load.load(path).data == {"a": "two"}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other key", "fifo"])
def test_an_entry_that_cannot_be_read_is_ignored_and_written_again(tmp_path, cache, monkeypatch, damage):
    path = tmp_path / "x.yaml"
    path.write_text("a: [1, 2]\n", "utf-8")
    load.load(path)
    (entry,) = cache.glob("*.json")
    good = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x00\xff not json")
    elif damage == "truncated":
        entry.write_bytes(good[: len(good) // 2])
    elif damage == "other key":
        entry.write_bytes(good.replace(entry.stem.encode(), b"0" * len(entry.stem)))
    else:
        entry.unlink()
        os.mkfifo(entry)  # opened, it would block: never opened
    monkeypatch.setattr(load, "_memo", {})
    assert load.load(path).data == {"a": [1, 2]}
    assert entry.is_file() and entry.read_bytes() == good


def test_a_file_with_a_problem_is_not_kept(tmp_path, cache):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\na: 2\n", "utf-8")
    for _ in range(2):
        with pytest.raises(ContentError, match="duplicate key"):
            load.load(path)
    assert not cache.exists() or not list(cache.glob("*.json"))


def test_positions_are_decoded_only_when_asked_for_and_damaged_ones_come_from_the_file(tmp_path, cache):
    path = tmp_path / "x.yaml"
    path.write_text("a:\n  b: 1\n  c: text\n", "utf-8")
    first = load.load(path)
    (entry,) = cache.glob("*.json")
    good = entry.read_text("utf-8")
    assert '"positions": "' in good  # JSON text inside the entry: not decoded by reading it
    load._memo.clear()
    kept = load.load(path)
    assert kept.positions._text is not None  # type: ignore[attr-defined]  # nothing asked yet
    assert kept.where(("a", "c")) == (3, 6) and kept.positions == first.positions
    # Outer JSON intact, positions damaged (an entry edited by hand): parsed from the file again.
    entry.write_text(good.replace('"positions": "', '"positions": "]]', 1), "utf-8")
    load._memo.clear()
    assert load.load(path).where(("a", "c")) == (3, 6)
    # ...unless the file changed since: no positions rather than another file's.
    entry.write_text(good.replace('"positions": "', '"positions": "]]', 1), "utf-8")
    load._memo.clear()
    damaged = load.load(path)
    path.write_text("a:\n  b: 2\n  c: text\n", "utf-8")
    assert damaged.where(("a", "c")) == (1, 1)
