"""The translation scan's cache (translations_cache.py): the same statuses as a scan without it.

Each step of a translator's work (new content, an edit of one language, an accept, a lock
edited by hand as a merge leaves it, another day) is scanned twice, with the cache and
without, and the two must agree field for field, record for record, and write the same lock.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from briefing import translations
from briefing.translations import LOCK_NAME, Translations, briefs_tree, content_tree, lock_text
from briefing.translations_cache import ScanCache

DAY = "2025-11-20"
KZ = """\
id: kz
name: {ar: كازاخستان, en: Kazakhstan}
summary:
  ar: "الدولة الوحيدة في المنطقة التي صادقت على الاتفاقية."
  en: "The only country in the region to have ratified the agreement."
points:
  - {ar: "ممر النقل أولوية بقيمة 10 مليارات يورو.", en: "The corridor is a €10 billion priority."}
  - {ar: "نرحب بالشراكة الاستراتيجية.", en: "We welcome the strategic partnership."}
"""
UZ = """\
id: uz
name: {ar: أوزبكستان, en: Uzbekistan}
summary: {ar: "شريك في الممر.", en: "A partner in the corridor."}
"""


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    (tmp_path / "content" / "countries").mkdir(parents=True)
    (tmp_path / "briefs").mkdir()
    (tmp_path / "content" / "countries" / "kz.yaml").write_text(KZ, encoding="utf-8")
    (tmp_path / "content" / "countries" / "uz.yaml").write_text(UZ, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cache(tmp_path) -> ScanCache:
    return ScanCache(tmp_path / "out" / ".cache" / "translations", "recipe")


@pytest.fixture
def reconciled(monkeypatch) -> list[str]:
    """The files whose fields a scan worked out (not taken from the cache), by name."""
    seen: list[str] = []
    real = translations.fields_of

    def spy(doc, tree):
        seen.append(Path(doc.path).name)
        return real(doc, tree)

    monkeypatch.setattr(translations, "fields_of", spy)
    return seen


def trees() -> list[translations.Tree]:
    return [content_tree(Path("content")), briefs_tree(Path("briefs"))]


def both(cache: ScanCache, today: str = DAY) -> Translations:
    """Scan with the cache and without; they must agree in every status and in the lock they write."""
    cached = Translations.scan(trees(), today, cache=cache)
    fresh = Translations.scan(trees(), today)
    assert cached.statuses == fresh.statuses
    assert [(s.state, s.review, s.changed, s.numbers, s.new) for s in cached.statuses] == [
        (s.state, s.review, s.changed, s.numbers, s.new) for s in fresh.statuses
    ]
    for tree in cached.trees:
        assert lock_text(cached.records(tree)) == lock_text(fresh.records(tree))
    assert cached.problems == fresh.problems
    return cached


def kz() -> Path:
    return Path("content/countries/kz.yaml")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.usefixtures("project")
def test_each_step_of_a_translation_gives_the_same_statuses_with_the_cache(cache, reconciled):
    assert both(cache).save() == [Path("content") / LOCK_NAME]  # new content: fingerprinted, dated today
    assert both(cache).save() == []  # each file scanned again: its lock entries changed
    reconciled.clear()
    assert both(cache).save() == []
    assert reconciled == ["kz.yaml", "uz.yaml"]  # by the scan without the cache only: nothing changed

    # One language edited: its counterpart needs review; only that file is worked out again.
    replace_in(kz(), "The only country in", "The sole country in")
    reconciled.clear()
    after = both(cache)
    assert reconciled.count("uz.yaml") == 1 and reconciled.count("kz.yaml") == 2
    assert [(s.field.key, s.state, s.changed) for s in after.needs_review()] == [
        ("summary", "needs review", "en")
    ]
    after.save()
    both(cache)

    # Accepted: reviewed, by whom and when.
    accepting = Translations.scan(trees(), DAY, cache=cache)
    accepted, problems = accepting.accept("content/countries/kz.yaml:summary", by="R")
    assert len(accepted) == 1 and not problems
    accepting.save()
    assert [s.state for s in both(cache).statuses if s.field.key == "summary"] == ["reviewed", "translated"]

    # The lock edited by hand, as a merge leaves it: an entry taken from the other branch (the
    # pair as translated there, without the review), another dropped, and the entries reordered.
    path = Path("content") / LOCK_NAME
    lock = json.loads(path.read_text(encoding="utf-8"))
    entries = lock["files"]["countries/kz.yaml"]
    entries["summary"] = {k: v for k, v in entries["summary"].items() if k not in ("by",)} | {
        "state": "translated"
    }
    del entries["points[1]"]
    lock["files"]["countries/kz.yaml"] = dict(reversed(list(entries.items())))
    path.write_text(json.dumps(lock, ensure_ascii=False, indent=2), encoding="utf-8")
    merged = both(cache)
    assert [s.new for s in merged.statuses if s.field.key == "points[1]"] == [True]
    assert merged.save() == [path]  # written back in the lock's own order
    both(cache)

    # A list item moved and the other language edited: matched by its texts, the edit seen.
    replace_in(kz(), '  - {ar: "نرحب', '  - {ar: "نرحب ترحيبا')
    text = kz().read_text(encoding="utf-8").splitlines()
    kz().write_text("\n".join(text[:-2] + [text[-1], text[-2]]) + "\n", encoding="utf-8")
    assert [(s.field.key, s.changed) for s in both(cache).needs_review()] == [("points[0]", "ar")]


@pytest.mark.usefixtures("project")
def test_a_new_text_is_dated_the_day_it_is_scanned_whatever_the_cache_holds(cache):
    both(cache, "2025-11-20")
    later = both(cache, "2025-11-21")
    assert {s.record.at for s in later.statuses} == {"2025-11-21"}


@pytest.mark.usefixtures("project")
def test_an_unchanged_number_mismatch_stays_to_review_from_the_cache(cache):
    replace_in(kz(), "€10 billion", "€12 billion")
    both(cache).save()
    flagged = both(cache).needs_review()
    assert [(s.field.key, s.numbers) for s in flagged] == [
        ("points[0]", "numbers differ: ar has {10}, en has {12}")
    ]


def damaged(entry: Path) -> list[bytes]:
    """Ways an entry can be broken: truncated, a state flipped under its checksum, well-formed JSON
    that is not an entry, another file's entry under this name, empty, not a regular file."""
    raw = entry.read_bytes()
    checksum, _, body = raw.partition(b"\n")
    flipped = body.replace(b'"needs review"', b'"reviewed"', 1)
    assert flipped != body, "the damaged entry must hold a field to review"
    items = json.loads(body)
    items["statuses"][0][1] = "3"  # a line that is not a number, with a checksum that fits
    retyped = json.dumps(items, ensure_ascii=False).encode()
    return [
        raw[: len(raw) // 2],
        checksum + b"\n" + flipped,
        hashlib.sha256(retyped).hexdigest().encode() + b"\n" + retyped,
        b"",
        b"not even a checksum",
    ]


@pytest.mark.usefixtures("project")
def test_a_damaged_entry_is_ignored_and_written_again(cache, reconciled):
    both(cache).save()
    replace_in(kz(), "We welcome", "We warmly welcome")
    both(cache)
    want = Translations.scan(trees(), DAY).statuses
    for entry in cache.folder.glob("*.json"):
        if b'"needs review"' not in entry.read_bytes():
            continue
        good = entry.read_bytes()
        for bad in damaged(entry):
            entry.write_bytes(bad)
            reconciled.clear()
            assert Translations.scan(trees(), DAY, cache=cache).statuses == want
            assert reconciled == ["kz.yaml"]  # worked out again, not taken from the entry
            assert entry.read_bytes() == good  # and the entry written again as it should be
        entry.unlink()
        entry.mkdir()  # not a regular file: not read, and not replaced
        assert Translations.scan(trees(), DAY, cache=cache).statuses == want
        break
    else:
        raise AssertionError("no entry holds the field to review")


@pytest.mark.usefixtures("project")
def test_an_entry_renamed_by_hand_is_not_taken_for_another_file(cache):
    both(cache)  # no lock written: the next scan asks for the same names
    entries = sorted(cache.folder.glob("*.json"))
    assert len(entries) == 2
    a, b = entries
    a.write_bytes(b.read_bytes())  # the other file's entry, with its valid checksum, under a's name
    both(cache)


def test_check_reads_the_cache_and_adds_nothing_to_it(project):
    read_only = ScanCache(project / "out" / ".cache" / "translations", "recipe", write=False)
    Translations.scan(trees(), DAY, cache=read_only)
    assert not read_only.folder.exists()


def test_a_build_keeps_scans_in_the_output_cache_and_check_does_not(complete, monkeypatch, capsys):
    from briefing import cli, files

    root = complete.parent
    (root / "briefs").mkdir()
    (root / "briefs" / "country-profiles.yaml").write_text(
        (files.BRIEFS / "country-profiles.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.chdir(root)
    argv = ["--content", "content", "--out", "out", "-j", "1", "--format", "html"]
    assert cli.main([*argv, "--check", "briefs/country-profiles.yaml"]) == 0
    assert not (root / "out").exists()
    assert cli.main([*argv, "briefs/country-profiles.yaml"]) == 0
    kept = sorted((root / "out" / ".cache" / "translations").iterdir())
    assert kept
    lock = (root / "content" / LOCK_NAME).read_bytes()
    kz_file = root / "content" / "countries" / "kz.yaml"
    kz_file.write_text(
        kz_file.read_text(encoding="utf-8").replace("to have ratified", "to have  signed and ratified", 1),
        encoding="utf-8",
    )
    assert cli.main([*argv, "--check", "briefs/country-profiles.yaml"]) == 0
    assert sorted((root / "out" / ".cache" / "translations").iterdir()) == kept
    assert (root / "content" / LOCK_NAME).read_bytes() == lock
    capsys.readouterr()


@pytest.mark.usefixtures("project")
def test_a_lock_that_would_be_written_as_it_is_is_not_even_made(cache, monkeypatch):
    made: list[int] = []
    real = translations.lock_text
    monkeypatch.setattr(translations, "lock_text", lambda records: made.append(1) or real(records))
    path = Path("content") / LOCK_NAME
    assert Translations.scan(trees(), DAY, cache=cache).save() == [path]
    made.clear()
    assert Translations.scan(trees(), DAY, cache=cache).save() == []
    assert made == [1]  # briefs/ has no lock and no field: made to know there is nothing to write
    # Laid out by hand (a merge tool's indentation): the same records, but not the text `save`
    # writes, which it is made again.
    lock = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(lock, ensure_ascii=False, indent=4), encoding="utf-8")
    assert Translations.scan(trees(), DAY, cache=cache).save() == [path]
    assert path.read_text(encoding="utf-8") == lock_text(Translations.scan(trees(), DAY).records(trees()[0]))
    # An edit that changes a state: written.
    replace_in(kz(), "We welcome", "We warmly welcome")
    assert Translations.scan(trees(), DAY, cache=cache).save() == [path]
    assert [s.changed for s in Translations.scan(trees(), DAY).needs_review()] == ["en"]


def test_a_record_in_a_key_is_all_its_fields_as_model_dump_gives_them():
    """ScanCache.key names a record by its __dict__: every field, as model_dump() gives them (a field
    that is not plain data would make them differ: then key must dump it)."""
    full = translations.Record(
        state="needs review", changed="en", source="ar", by="x", at="2026-01-01",
        ar="a", ar_text="أ", en="b", en_text="b",
    )  # fmt: skip
    for record in (full, translations.Record(state="translated", ar="a", ar_text="", en="b", en_text="")):
        assert record.__dict__ == record.model_dump()
        assert set(record.__dict__) == set(translations.Record.model_fields)


def test_entries_of_earlier_days_are_removed_once_by_a_build_that_writes(tmp_path):
    import os
    import time

    folder = tmp_path / "translations"
    folder.mkdir()
    now = time.time()
    ages = {"old.json": 3, "lock-old": 5, "yesterday.json": 1, "today.json": 0}
    for name, days in ages.items():
        (folder / name).write_text("{}")
        os.utime(folder / name, (now - days * 86400, now - days * 86400))
    ScanCache(folder, "recipe", write=False).prune(now)  # --check removes nothing
    assert sorted(p.name for p in folder.iterdir()) == sorted(ages)
    ScanCache(folder, "recipe").prune(now)
    assert sorted(p.name for p in folder.iterdir()) == ["today.json", "yesterday.json"]
    (folder / "old.json").write_text("{}")
    os.utime(folder / "old.json", (now - 3 * 86400, now - 3 * 86400))
    ScanCache(folder, "recipe").prune(now)  # once per process and folder
    assert (folder / "old.json").exists()
