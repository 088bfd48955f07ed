"""Translation state (translations.py, translations_po.py, yaml_edit.py), on small content trees.

Each test writes a tiny tree into a temp folder and runs `build.py translations`
(translations_command.main) from there, so paths print as `content/…`.
"""

from __future__ import annotations

import json
import shutil
import textwrap
import zipfile
from pathlib import Path

import pytest

from briefing import translations_command, yaml_edit
from briefing.translations import (
    LOCK_NAME,
    Translations,
    briefs_tree,
    content_tree,
    fingerprint,
    page_text,
    read_lock,
    shown,
    word_diff,
)

TODAY = "2025-11-20"

KZ = """\
# Kazakhstan: a comment the import must keep
id: kz
name: {ar: كازاخستان, en: Kazakhstan}
summary:
  ar: "الدولة الوحيدة في المنطقة التي صادقت على الاتفاقية."
  en: "The only country in the region to have ratified the agreement."  # trailing comment
points:
  - {ar: "ممر النقل أولوية بقيمة 10 مليارات يورو.", en: "The corridor is a €10 billion priority."}
  - {ar: "نرحب بالشراكة الاستراتيجية.", en: "We welcome the strategic partnership."}
"""


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    (tmp_path / "content" / "countries").mkdir(parents=True)
    (tmp_path / "briefs").mkdir()
    write(tmp_path / "content" / "countries" / "kz.yaml", KZ)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> None:
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(capsys, *args: str, today: str = TODAY) -> tuple[int, list[str], list[str]]:
    code = translations_command.main(["--content", "content", "--briefs", "briefs", "--today", today, *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


def kz(project: Path) -> Path:
    return project / "content" / "countries" / "kz.yaml"


def lock(project: Path) -> dict:
    records, problems = read_lock(project / "content" / LOCK_NAME)
    assert not problems
    return records["countries/kz.yaml"]


# -- fingerprints ------------------------------------------------------------------
@pytest.mark.parametrize(
    "a, b",
    [
        ("in force  since\nMarch 2020.", "in force since March 2020."),  # whitespace
        ("منذ ٢٠٢٠", "منذ 2020"),  # Arabic-Indic digits are the same number
        ("e\u0301t\u00e9", "\u00e9t\u00e9"),  # NFC
        ("قمة \u200fسمرقند", "قمة سمرقند"),  # a bidi mark is not text
        ("الاتحـــاد", "الاتحاد"),  # tatweel stretches a word, it does not change it
    ],
)
def test_a_cosmetic_difference_keeps_the_fingerprint(a, b):
    assert fingerprint(a) == fingerprint(b)


def test_a_number_changes_the_fingerprint():
    assert fingerprint("€10 billion") != fingerprint("€12 billion")


def test_the_word_diff_marks_removed_and_added_words():
    assert (
        word_diff("the only country in the region", "the only Central Asian country")
        == "the only {+Central Asian+} country [-in the region-]"
    )


# -- states --------------------------------------------------------------------------
def test_a_new_field_starts_fingerprinted_and_a_second_run_changes_nothing(project, capsys):
    code, out, _ = run(capsys)
    assert code == 0
    assert out == [
        "updated content/translations.lock: 4 new field(s) fingerprinted",
        "translations: all 4 bilingual field(s) up to date (0 reviewed)",
    ]
    record = lock(project)["summary"]
    assert record.state == "translated" and record.at == TODAY
    assert record.en == fingerprint("The only country in the region to have ratified the agreement.")
    assert record.ar_text == "الدولة الوحيدة في المنطقة التي صادقت على الاتفاقية."
    before = (project / "content" / LOCK_NAME).read_bytes()
    edit(kz(project), "points:\n", 'note: {ar: "ملاحظة", en: "A note"}\npoints:\n')
    code, out, _ = run(capsys, today="2025-12-01")
    assert code == 0 and out[0] == "updated content/translations.lock: 1 new field(s) fingerprinted"
    assert lock(project)["note"].at == "2025-12-01" and lock(project)["summary"].at == TODAY
    code, out, _ = run(capsys, today="2025-12-02")
    assert out == ["translations: all 5 bilingual field(s) up to date (0 reviewed)"]  # nothing written
    assert (project / "content" / LOCK_NAME).read_bytes() != before


def test_the_lock_is_sorted_by_file_then_by_field_in_file_order(project, capsys):
    (project / "content" / "sources.yaml").write_text(
        "- id: s1\n  note: {ar: مصدر, en: A source}\n", encoding="utf-8"
    )
    run(capsys)
    text = (project / "content" / LOCK_NAME).read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(data["files"]) == ["countries/kz.yaml", "sources.yaml"]
    assert list(data["files"]["countries/kz.yaml"]) == ["name", "summary", "points[0]", "points[1]"]
    assert list(data["files"]["countries/kz.yaml"]["summary"]) == [
        "state",
        "at",
        "ar",
        "ar_text",
        "en",
        "en_text",
    ]
    # One value a line, so that a change of state is a one-line diff.
    assert '    "state": "translated",' in text.splitlines()


def test_a_damaged_lock_is_named_at_its_line(project, capsys):
    run(capsys)
    path = project / "content" / LOCK_NAME
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"state": "translated"', '"state": "translatd"', 1), encoding="utf-8")
    code, _, err = run(capsys)
    assert code == 1
    line = text.splitlines().index('   "name": {') + 1
    assert err[0].startswith(
        f"content/translations.lock:{line}:1: (file): countries/kz.yaml: name: state: Input should be"
    )
    path.write_text(text.replace("}", "", 1), encoding="utf-8")
    assert run(capsys)[2][0].startswith("content/translations.lock:")
    assert "invalid JSON" in run(capsys)[2][0]


def test_an_english_edit_flips_its_arabic_to_needs_review_with_a_word_diff(project, capsys):
    run(capsys)
    edit(kz(project), "to have ratified", "to have signed and ratified")
    code, out, _ = run(capsys)
    assert code == 1
    assert out == [
        "updated content/translations.lock",
        "content/countries/kz.yaml:4:1: summary: ar needs review (en changed)",
        "    en: The only country in the region to have {+signed and+} ratified the agreement.",
        (
            "translations: 1 of 4 bilingual field(s) need review, in 1 file(s); "
            "after a cosmetic edit: build.py translations --accept FILE[:FIELD]"
        ),
    ]
    record = lock(project)["summary"]
    assert (record.state, record.changed) == ("needs review", "en")
    # The lock keeps the pair it was translated from: the diff stays against it.
    assert record.en_text == "The only country in the region to have ratified the agreement."


def test_an_arabic_edit_flips_its_english_the_other_way_round(project, capsys):
    run(capsys)
    edit(kz(project), "نرحب بالشراكة الاستراتيجية.", "نرحب ترحيبًا حارًا بالشراكة الاستراتيجية.")
    code, out, _ = run(capsys)
    assert code == 1
    assert "content/countries/kz.yaml:9:5: points[1]: en needs review (ar changed)" in out


def test_translating_after_the_edit_makes_the_pair_translated_and_learns_the_source(project, capsys):
    run(capsys)
    edit(kz(project), "to have ratified", "to have signed and ratified")
    run(capsys)  # ar needs review (en changed)
    edit(kz(project), "التي صادقت على", "التي وقّعت وصادقت على")
    code, out, _ = run(capsys, today="2025-12-01")
    assert code == 0
    record = lock(project)["summary"]
    assert (record.state, record.source, record.at) == ("translated", "en", "2025-12-01")
    # English is now known as the source: a later Arabic-only edit is a new translation…
    edit(kz(project), "التي وقّعت وصادقت على", "التي وقّعت على")
    assert run(capsys)[0] == 0
    # …and an English edit still asks for the Arabic to be reviewed.
    edit(kz(project), "signed and ratified", "signed and then ratified")
    code, out, _ = run(capsys)
    assert code == 1 and "summary: ar needs review (en changed)" in out[1]


@pytest.mark.parametrize(
    "original, edited, flagged",
    [
        ("en", "ar", None),  # the translation edited: no review
        ("en", "en", "ar needs review (en changed)"),
        ("ar", "en", None),
        ("ar", "ar", "en needs review (ar changed)"),
    ],
)
def test_a_field_can_name_its_original_language(project, capsys, original, edited, flagged):
    edit(
        kz(project),
        "{ar: كازاخستان, en: Kazakhstan}",
        f"{{ar: كازاخستان, en: Kazakhstan, original: {original}}}",
    )
    run(capsys)
    if edited == "ar":
        edit(kz(project), "ar: كازاخستان", "ar: قازاقستان")
    else:
        edit(kz(project), "en: Kazakhstan", "en: Qazaqstan")
    code, out, _ = run(capsys)
    if flagged:
        assert code == 1 and out[1] == f"content/countries/kz.yaml:3:1: name: {flagged}"
    else:
        assert code == 0, out


def test_both_sides_edited_together_is_a_new_translation(project, capsys):
    run(capsys)
    edit(kz(project), "en: Kazakhstan", "en: Republic of Kazakhstan")
    edit(kz(project), "ar: كازاخستان", "ar: جمهورية كازاخستان")
    code, _, _ = run(capsys, today="2025-12-01")
    assert code == 0
    assert (lock(project)["name"].state, lock(project)["name"].at) == ("translated", "2025-12-01")


def test_an_edit_undone_is_no_longer_to_review(project, capsys):
    run(capsys)
    edit(kz(project), "en: Kazakhstan", "en: Qazaqstan")
    assert run(capsys)[0] == 1
    edit(kz(project), "en: Qazaqstan", "en: Kazakhstan")
    assert run(capsys)[0] == 0
    assert lock(project)["name"].state == "translated"


def test_list_items_that_move_keep_their_state(project, capsys):
    run(capsys)
    edit(kz(project), "We welcome the strategic partnership.", "We warmly welcome the strategic partnership.")
    run(capsys)
    edit(kz(project), "points:\n", 'points:\n  - {ar: "نقطة جديدة", en: "A new point"}\n')
    code, out, _ = run(capsys)
    assert code == 1
    assert [line for line in out if "needs review" in line] == [
        "content/countries/kz.yaml:10:5: points[2]: ar needs review (en changed)"
    ]
    records = lock(project)
    assert records["points[0]"].en_text == "A new point" and records["points[0]"].state == "translated"
    assert records["points[1]"].en_text == "The corridor is a €10 billion priority."


def test_a_number_that_differs_needs_review_too(project, capsys):
    run(capsys)
    edit(kz(project), "€10 billion", "€12 billion")
    code, out, _ = run(capsys)
    assert code == 1
    assert out[1] == (
        "content/countries/kz.yaml:8:5: points[0]: ar needs review (en changed; "
        "numbers differ: ar has {10}, en has {12})"
    )
    # A mismatch the field explains is not one.
    edit(kz(project), 'priority."}', 'priority.", numbers_differ: "test"}')
    edit(kz(project), "€12 billion", "€10 billion")
    assert run(capsys)[0] == 0


def test_a_mismatch_in_new_content_needs_review_on_the_translation_side(project, capsys):
    edit(kz(project), "€10 billion", "€12 billion")
    code, out, _ = run(capsys)
    assert code == 1
    assert (
        out[1]
        == "content/countries/kz.yaml:8:5: points[0]: ar needs review (numbers differ: ar has {10}, en has {12})"
    )
    assert lock(project)["points[0]"].state == "translated"  # numbers are checked on every run, not recorded


def test_draft_texts_are_not_translations_yet(project, capsys):
    write(
        project / "briefs" / "meeting.yaml",
        """\
        objective: {ar: "DRAFT: الهدف", en: "DRAFT: the objective"}
        ask: {ar: "DRAFT: المطلوب", en: "We ask for a date."}
        title: {ar: "اجتماع", en: "Meeting"}
        """,
    )
    run(capsys)
    records, _ = read_lock(project / "briefs" / LOCK_NAME)
    assert list(records["meeting.yaml"]) == ["title"]


# -- accept --------------------------------------------------------------------------
def test_accept_marks_the_current_pair_reviewed(project, capsys):
    run(capsys)
    edit(kz(project), "to have ratified", "to have  ratified")  # not even cosmetic for the fingerprint
    edit(kz(project), "The only country in", "The sole country in")
    assert run(capsys)[0] == 1
    code, out, _ = run(capsys, "--accept", "content/countries/kz.yaml:summary", "--by", "A. Reviewer")
    assert code == 0
    assert out[0] == "reviewed: content/countries/kz.yaml:4: summary"
    assert out[-1] == "translations: all 4 bilingual field(s) up to date (1 reviewed)"
    record = lock(project)["summary"]
    assert (record.state, record.by, record.at, record.source) == ("reviewed", "A. Reviewer", TODAY, None)
    assert run(capsys)[0] == 0


def test_accept_a_file_takes_only_its_fields_that_need_review(project, capsys):
    run(capsys)
    edit(kz(project), "en: Kazakhstan", "en: Qazaqstan")
    edit(kz(project), "We welcome", "We do welcome")
    code, out, _ = run(capsys, "--accept", "content/countries/kz.yaml", "--by", "R")
    assert code == 0
    assert [line for line in out if line.startswith("reviewed")] == [
        "reviewed: content/countries/kz.yaml:3: name",
        "reviewed: content/countries/kz.yaml:9: points[1]",
    ]
    assert lock(project)["summary"].state == "translated"


def test_accept_names_a_field_it_does_not_know_and_refuses_numbers(project, capsys):
    run(capsys)
    edit(kz(project), "€10 billion", "€12 billion")
    code, _, err = run(capsys, "--accept", "content/countries/kz.yaml:sumary")
    assert code == 1
    assert err == [
        "content/countries/kz.yaml:1:1: sumary: --accept: no bilingual field 'sumary'; did you mean 'summary'?"
    ]
    code, _, err = run(capsys, "--accept", "content/countries/kz.yaml:points[0]")
    assert code == 1
    assert err == [
        (
            "content/countries/kz.yaml:8:5: points[0]: cannot accept: numbers differ: ar has {10}, en has {12}; "
            "correct one side, or say why in `numbers_differ:`"
        )
    ]
    code, _, err = run(capsys, "--accept", "content/nowhere.yaml")
    assert code == 1 and err == [
        "content/nowhere.yaml:1:1: (file): --accept: not a file of content/ or briefs/"
    ]


def test_a_lock_with_a_merge_conflict_is_reported_and_left_alone(project, capsys):
    run(capsys)
    path = project / "content" / LOCK_NAME
    text = path.read_text(encoding="utf-8").replace('   "summary": {', '<<<<<<< HEAD\n   "summary": {', 1)
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys)
    assert code == 1
    assert err[0] == (
        f"content/translations.lock:{text.splitlines().index('<<<<<<< HEAD') + 1}:1: (file): unresolved merge "
        "conflict: keep the newer side of each entry, "
        "or delete the entries (fingerprinted again as translated on the next run)"
    )
    assert path.read_text(encoding="utf-8") == text


# -- PO exchange ---------------------------------------------------------------------
def po_entry(po: Path, context: str) -> str:
    blocks = po.read_text(encoding="utf-8").split("\n\n")
    return next(b for b in blocks if f'msgctxt "{context}"' in b)


def finish(po: Path, context: str, translation: str) -> None:
    """What a translator's tool does: write the msgstr, clear the fuzzy mark."""
    text = po.read_text(encoding="utf-8")
    old = po_entry(po, context)
    lines = [line for line in old.splitlines() if line != "#, fuzzy" and not line.startswith("#|")]
    lines = [f'msgstr "{translation}"' if line.startswith("msgstr ") else line for line in lines]
    text = text.replace(old, "\n".join(lines))
    text = text.replace(
        "Last-Translator: FULL NAME <EMAIL@ADDRESS>", "Last-Translator: Layla H <l@example.org>"
    )
    po.write_text(text, encoding="utf-8")


def needs_two_reviews(project, capsys) -> None:
    run(capsys)
    edit(kz(project), "to have ratified", "to have signed and ratified")
    edit(kz(project), "We welcome", "We warmly welcome")


def test_export_writes_one_po_per_target_language_with_the_previous_source(project, capsys):
    needs_two_reviews(project, capsys)
    edit(kz(project), "ar: كازاخستان", "ar: قازاقستان")
    code, out, _ = run(capsys, "--export-po", "po")
    assert code == 0
    assert out[:2] == ["wrote po/ar.po: 2 field(s) to review", "wrote po/en.po: 1 field(s) to review"]
    assert po_entry(project / "po" / "ar.po", "content/countries/kz.yaml:summary").splitlines() == [
        "#. ar needs review (en changed)",
        "#: content/countries/kz.yaml:4",
        "#, fuzzy",
        '#| msgid "The only country in the region to have ratified the agreement."',
        'msgctxt "content/countries/kz.yaml:summary"',
        'msgid "The only country in the region to have signed and ratified the agreement."',
        'msgstr "الدولة الوحيدة في المنطقة التي صادقت على الاتفاقية."',
    ]
    assert 'msgid "قازاقستان"\nmsgstr "Kazakhstan"' in (project / "po" / "en.po").read_text(encoding="utf-8")
    first = (project / "po" / "ar.po").read_bytes()
    run(capsys, "--export-po", "po")
    assert (project / "po" / "ar.po").read_bytes() == first  # the same day, the same file


def test_a_po_round_trip_changes_exactly_that_field(project, capsys):
    needs_two_reviews(project, capsys)
    run(capsys, "--export-po", "po")
    before = kz(project).read_text(encoding="utf-8")
    translation = "الدولة الوحيدة في المنطقة التي وقّعت الاتفاقية وصادقت عليها."
    finish(project / "po" / "ar.po", "content/countries/kz.yaml:summary", translation)
    code, out, err = run(capsys, "--import-po", "po", today="2025-12-01")
    assert code == 0, err
    assert out[0] == "imported: content/countries/kz.yaml:4: summary (translated)"
    after = kz(project).read_text(encoding="utf-8")
    assert after == before.replace("الدولة الوحيدة في المنطقة التي صادقت على الاتفاقية.", translation)
    record = lock(project)["summary"]
    assert (record.state, record.by, record.at, record.source) == (
        "translated",
        "Layla H <l@example.org>",
        "2025-12-01",
        "en",
    )
    # The other entry was left fuzzy: still to review.
    code, out, _ = run(capsys)
    assert code == 1 and "points[1]: ar needs review (en changed)" in out[0]


def test_a_confirmed_translation_marks_the_pair_reviewed(project, capsys):
    needs_two_reviews(project, capsys)
    run(capsys, "--export-po", "po")
    finish(project / "po" / "ar.po", "content/countries/kz.yaml:points[1]", "نرحب بالشراكة الاستراتيجية.")
    before = kz(project).read_bytes()
    code, out, _ = run(capsys, "--import-po", "po")
    assert code == 0 and out[0] == "imported: content/countries/kz.yaml:9: points[1] (reviewed)"
    assert kz(project).read_bytes() == before


def test_a_po_made_against_an_older_source_is_refused(project, capsys):
    needs_two_reviews(project, capsys)
    run(capsys, "--export-po", "po")
    finish(project / "po" / "ar.po", "content/countries/kz.yaml:summary", "ترجمة جديدة.")
    edit(kz(project), "signed and ratified", "signed and then ratified")
    before = kz(project).read_bytes(), (project / "content" / LOCK_NAME).read_bytes()
    code, _, err = run(capsys, "--import-po", "po")
    assert code == 1
    assert err[0].startswith("po/ar.po:")
    assert err[0].endswith(
        "content/countries/kz.yaml:summary: msgid is not the current en text: "
        "the PO was made against an older source; export again"
    )
    assert err[-1] == "import refused: 1 problem(s); nothing was written"
    assert (kz(project).read_bytes(), (project / "content" / LOCK_NAME).read_bytes()) == before


def test_an_imported_translation_must_state_the_same_numbers(project, capsys):
    run(capsys)
    edit(kz(project), "€10 billion", "€12 billion")
    run(capsys, "--export-po", "po")
    finish(project / "po" / "ar.po", "content/countries/kz.yaml:points[0]", "أولوية بقيمة 11 مليار يورو.")
    code, _, err = run(capsys, "--import-po", "po")
    assert code == 1
    assert err[0].endswith(
        "content/countries/kz.yaml:points[0]: msgstr: numbers differ: ar has {11}, en has {12}"
    )


# -- writing back into YAML ------------------------------------------------------------
@pytest.mark.parametrize(
    "before, after",
    [
        ('t: {ar: "قديم", en: x}  # c\n', 't: {ar: "جديد, آخر", en: x}  # c\n'),  # double quotes kept
        ("t: {ar: قديم, en: x}\n", 't: {ar: "جديد, آخر", en: x}\n'),  # a comma cannot be plain in {…}
        ("t:\n  ar: قديم  # c\n  en: x\n", "t:\n  ar: جديد, آخر  # c\n  en: x\n"),  # plain stays plain
        ("t:\n  ar: 'قديم'\n  en: x\n", "t:\n  ar: 'جديد, آخر'\n  en: x\n"),
        ("t:\n  ar: >\n    قديم\n    جدا\n  en: x\n", 't:\n  ar: "جديد, آخر"\n  en: x\n'),
        ("- t: {ar: قديم, en: x}\n", '- t: {ar: "جديد, آخر", en: x}\n'),
    ],
)
def test_a_text_is_written_back_in_place(before, after):
    loc = (0, "t", "ar") if before.startswith("-") else ("t", "ar")
    assert yaml_edit.replace_texts(before, {loc: "جديد, آخر"}) == after


def test_a_text_that_would_read_as_something_else_is_quoted():
    assert yaml_edit.replace_texts("t:\n  en: old\n", {("t", "en"): "true"}) == "t:\n  en: 'true'\n"
    assert yaml_edit.replace_texts("t:\n  en: old\n", {("t", "en"): "a: b #c"}) == "t:\n  en: 'a: b #c'\n"


def test_content_tree_finds_nested_files_but_not_the_lock(project, capsys):
    run(capsys)
    assert [p.name for p in content_tree(project / "content").files] == ["kz.yaml"]
    assert len(Translations.scan([content_tree(project / "content")], TODAY).statuses) == 4


def test_a_run_over_some_files_keeps_the_others_records(project, capsys):
    """A build reads only the briefs it builds: the lock keeps the others, and forgets deleted files."""
    for name in ("a", "b"):
        write(project / "briefs" / f"{name}.yaml", f"title: {{ar: عنوان {name}, en: Title {name}}}\n")
    run(capsys)
    only_a = Translations.scan([briefs_tree(project / "briefs", [project / "briefs" / "a.yaml"])], TODAY)
    assert [s.field.rel for s in only_a.statuses] == ["a.yaml"]
    assert only_a.save() == []  # nothing lost, nothing new
    (project / "briefs" / "b.yaml").unlink()
    assert only_a.save() == [project / "briefs" / LOCK_NAME]
    records, _ = read_lock(project / "briefs" / LOCK_NAME)
    assert list(records) == ["a.yaml"]


# -- which documents hold a text -----------------------------------------------------
def test_a_document_holds_a_text_to_review_when_it_shows_that_side(project, capsys):
    run(capsys)
    edit(kz(project), "to have ratified", "to have signed and ratified")  # ar needs review
    statuses = Translations.scan([content_tree(project / "content")], TODAY).needs_review()
    arabic = (
        '<html><body><article lang="ar"><p>الدولة الوحيدة في المنطقة التي صادقت على '
        "الاتفاقية.<sup>1</sup></p></article></body></html>"
    )
    english = (
        '<html><body><article lang="en"><p>The only country in the region to have signed and '
        "ratified the agreement.</p></article></body></html>"
    )
    assert [s.field.key for s in shown(statuses, page_text(arabic))] == ["summary"]
    assert shown(statuses, page_text(english)) == []  # the English page shows the current source
    indic = arabic.replace("</p>", " ٢٠٢٥</p>")
    assert shown(statuses, page_text(indic)) != []


def test_a_text_is_found_with_the_briefs_month_names_and_as_whole_words(project, capsys):
    write(
        kz(project),
        'id: kz\nnote: {ar: "في 2 أبريل 2025", en: "On 2 April 2025"}\nname: {ar: قمة, en: Summit}\n',
    )
    run(capsys)
    edit(kz(project), "On 2 April", "On 3 April")
    edit(kz(project), "Summit", "Summits")
    statuses = Translations.scan([content_tree(project / "content")], TODAY).needs_review()
    assert len(statuses) == 2
    levantine = page_text('<html><body><article lang="ar"><p>في 2 نيسان 2025</p></article></body></html>')
    assert [s.field.key for s in shown(statuses, levantine, "levantine")] == ["note"]
    assert shown(statuses, page_text("<html><body><p>القمةالعادية</p></body></html>")) == []


# -- builds ------------------------------------------------------------------------------
@pytest.fixture
def site(complete, monkeypatch) -> Path:
    """The one-country fixture content and a copy of the country-profile brief, in a temp folder."""
    from briefing import files

    root = complete.parent  # `complete` is that folder's content/, no field left without a value
    (root / "briefs").mkdir()
    shutil.copy(files.BRIEFS / "country-profiles.yaml", root / "briefs")
    monkeypatch.chdir(root)
    return root


def build(capsys, *args: str) -> tuple[int, list[str]]:
    from briefing import cli

    code = cli.main(
        ["--content", "content", "--out", "out", "-j", "1", *args, "briefs/country-profiles.yaml"]
    )
    return code, capsys.readouterr().err.splitlines()


def test_a_build_fingerprints_new_content_and_check_writes_nothing(site, capsys):
    assert build(capsys, "--check")[0] == 0
    assert not (site / "content" / LOCK_NAME).exists()
    code, _ = build(capsys, "--edition", "en", "--format", "docx")
    assert code == 0
    assert (site / "content" / LOCK_NAME).exists() and (site / "briefs" / LOCK_NAME).exists()


def test_an_english_edit_marks_the_arabic_editions_and_final_refuses_them(site, capsys):
    assert run(capsys)[0] == 0  # fingerprinted
    kz = site / "content" / "countries" / "kz.yaml"
    edit(kz, "to have ratified the agreement", "to have signed and ratified the agreement")
    code, err = build(capsys, "--check")
    line = f"content/countries/kz.yaml:{next(i for i, t in enumerate(kz.read_text().splitlines(), 1) if 'summary:' in t)}:3"
    assert code == 0
    assert err == [
        (
            "warning: 1 text(s) whose translation needs review, shown in 2 document(s) built with a TRANSLATION "
            "TO REVIEW marking on every page (build.py --final refuses them; `build.py translations` shows what "
            "changed):"
        ),
        (
            f"  {line}: eu_relations.summary: ar needs review (en changed); shown in "
            "country-profiles/kz.ar, country-profiles/kz.ar-en"
        ),
    ]
    code, err = build(capsys, "--check", "--final")
    assert code == 1
    assert err[0] == (
        f"{line}: eu_relations.summary: ar needs review (en changed); "
        "shown in country-profiles/kz.ar, country-profiles/kz.ar-en"
    )
    # --accept clears it: the next final build goes through.
    assert run(capsys, "--accept", "content/countries/kz.yaml:eu_relations.summary", "--by", "R")[0] == 0
    assert build(capsys, "--check", "--final") == (0, [])


def test_a_marked_document_says_so_in_the_header_of_both_formats(site, capsys):
    assert run(capsys)[0] == 0
    edit(site / "content" / "countries" / "kz.yaml", "9 August 2024", "9 August 2024, in Astana")
    assert build(capsys, "--edition", "ar,en")[0] == 0
    marked = pdf_text(site / "out" / "country-profiles" / "kz.ar.pdf")
    assert "ترجمة تحتاج إلى مراجعة" in marked
    assert "TRANSLATION TO REVIEW" not in pdf_text(site / "out" / "country-profiles" / "kz.en.pdf")
    with zipfile.ZipFile(site / "out" / "country-profiles" / "kz.ar.docx") as docx:
        headers = "".join(docx.read(n).decode() for n in docx.namelist() if n.startswith("word/header"))
    assert "ترجمة تحتاج إلى مراجعة" in headers
    # Accepted: the marking goes with the next build.
    run(capsys, "--accept", "content/countries/kz.yaml", "--by", "R")
    assert build(capsys, "--edition", "ar", "--format", "pdf")[0] == 0
    assert "ترجمة تحتاج إلى مراجعة" not in pdf_text(site / "out" / "country-profiles" / "kz.ar.pdf")


def test_numbers_that_differ_build_marked_instead_of_failing(site, capsys):
    edit(site / "content" / "countries" / "kz.yaml", "a €10 billion priority", "a €12 billion priority")
    code, err = build(capsys, "--check")
    assert code == 0
    assert err[1].endswith(
        "talking_points[1]: ar needs review (numbers differ: ar has {10}, en has {12}); "
        "shown in country-profiles/kz.ar, country-profiles/kz.ar-en"
    )
    assert build(capsys, "--check", "--final")[0] == 1


def pdf_text(path: Path) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_every_kind_has_the_review_mark_in_its_running_header():
    from briefing import files, kinds

    for kind in kinds.KINDS:
        template = (files.TEMPLATES / f"{kind.template}.html.j2").read_text(encoding="utf-8")
        assert "{{ p.review_mark() }}" in template, kind.name


def test_a_percent_sign_in_a_text_is_not_taken_for_a_format_string(project, capsys):
    run(capsys)
    edit(kz(project), "We welcome the strategic partnership.", "We welcome 27% of the partnership.")
    run(capsys, "--export-po", "po")
    assert "python-format" not in (project / "po" / "ar.po").read_text(encoding="utf-8")


def test_a_final_build_names_fields_with_no_value_and_texts_to_review_together(
    tmp_path, minimal, monkeypatch, capsys
):
    """Every problem of a final build at once: the fixture's empty fields do not hide a text to review."""
    from briefing import files

    (tmp_path / "briefs").mkdir()
    shutil.copy(files.BRIEFS / "country-profiles.yaml", tmp_path / "briefs")
    monkeypatch.chdir(tmp_path)
    edit(minimal / "countries" / "kz.yaml", "a €10 billion priority", "a €12 billion priority")
    code, err = build(capsys, "--check", "--final")
    assert code == 1
    assert any("capital: no value" in line for line in err), err
    assert any("talking_points[1]: ar needs review (numbers differ" in line for line in err), err
