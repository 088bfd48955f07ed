"""Content mistakes: one line each, file:line:col: field: message, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing import cli

BRIEF = str(Path(__file__).resolve().parent.parent / "briefs" / "country-profiles.yaml")


def run(content: Path, capsys, *extra: str) -> tuple[int, list[str]]:
    code = cli.main(["--check", "--content", str(content), BRIEF, *extra])
    return code, capsys.readouterr().err.splitlines()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line
    )


def test_the_fixture_content_is_valid(minimal, capsys):
    code, err = run(minimal, capsys)
    assert code == 0, err


def test_an_unknown_field_names_its_line_and_suggests_the_near_miss(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, "capital: unknown", "capitol: unknown")
    code, err = run(minimal, capsys)
    assert code == 1
    line = line_of(kz, "capitol")
    assert any(
        e.endswith(f"countries/kz.yaml:{line}:10: capitol: unknown field 'capitol'; did you mean 'capital'?")
        for e in err
    ), err
    assert any("capital: required field is missing" in e for e in err)


def test_a_wrong_type_is_reported_with_the_value(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, "status: in_force", "status: 42")
    code, err = run(minimal, capsys)
    assert code == 1
    assert f"kz.yaml:{line_of(kz, 'status: 42')}:11: eu_relations.status:" in err[0]
    assert "(got 42)" in err[0]


def test_a_missing_translation_is_named(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, "name: {ar: كازاخستان, en: Kazakhstan}", "name: {ar: كازاخستان}")
    code, err = run(minimal, capsys)
    assert code == 1
    assert f"kz.yaml:{line_of(kz, 'name: {ar')}:1: name.en: missing English translation (en)" in err[0]


def test_an_empty_translation_is_an_error(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, "name: {ar: كازاخستان, en: Kazakhstan}", 'name: {ar: "  ", en: Kazakhstan}')
    code, err = run(minimal, capsys)
    assert code == 1 and "name.ar: must not be empty" in err[0]


def test_an_unknown_source_id_is_an_error_with_a_suggestion(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, "  source: seed-003", "  source: seed-0003")
    code, err = run(minimal, capsys)
    assert code == 1
    assert (
        f"kz.yaml:{line_of(kz, 'seed-0003')}:11: head_of_state.source: unknown source id 'seed-0003'; did you mean 'seed-003'?"
        in err[0]
    )


def test_an_impossible_date_is_an_error(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, 'date: "2025-04-04"', 'date: "2025-02-30"')
    code, err = run(minimal, capsys)
    assert code == 1
    assert f"kz.yaml:{line_of(kz, '2025-02-30')}:" in err[0]
    assert "engagements[0].date: impossible date 2025-02-30" in err[0]


def test_duplicate_yaml_keys_are_errors_not_silently_dropped(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, "foreign_minister: unknown", "foreign_minister: unknown\nforeign_minister: unknown")
    code, err = run(minimal, capsys)
    assert code == 1
    first = line_of(kz, "foreign_minister")
    assert f"kz.yaml:{first + 1}:1: foreign_minister: duplicate key (first defined on line {first})" in err[0]


def test_duplicate_source_ids_are_errors(minimal, capsys):
    sources = minimal / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace("id: seed-003", "id: seed-001"), encoding="utf-8"
    )
    code, err = run(minimal, capsys)
    assert code == 1
    assert any(e.endswith("sources.yaml:6:7: [1].id: duplicate source id 'seed-001'") for e in err), err


def test_a_country_file_must_hold_the_id_of_its_name(minimal, capsys):
    (minimal / "countries" / "kz.yaml").rename(minimal / "countries" / "kk.yaml")
    code, err = run(minimal, capsys)
    assert code == 1 and "countries/kk.yaml:1:5: id: id 'kz' does not match the file name 'kk.yaml'" in err[0]


def test_a_python_object_tag_is_refused(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, "capital: unknown", 'capital: !!python/object/apply:os.system ["touch /tmp/pwned"]')
    code, err = run(minimal, capsys)
    assert code == 1 and "YAML tag !!python/object/apply:os.system is not allowed" in err[0]


def test_every_problem_of_a_run_is_reported_together(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, "capital: unknown", "capitol: unknown")
    edit(kz, 'date: "2025-04-04"', 'date: "2025-13-01"')
    edit(minimal / "sources.yaml", "language: ar", "language: xx")
    code, err = run(minimal, capsys)
    assert code == 1
    problems = [e for e in err if not e.startswith("build failed")]
    # unknown field, the field it misspelt now missing, bad date, bad language
    assert len(problems) == 4, problems
    assert {p.split(": ")[1] for p in problems} == {
        "capitol",
        "capital",
        "engagements[0].date",
        "[0].language",
    }
    assert err[-1] == "build failed: 4 problem(s); no output was changed"


def test_a_content_error_writes_nothing_and_keeps_previous_outputs(minimal, tmp_path, capsys):
    out = tmp_path / "out"
    previous = out / "country-profiles" / "kz.ar.pdf"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"previous build")
    edit(minimal / "countries" / "kz.yaml", "capital: unknown", "capitol: unknown")
    code = cli.main(["--content", str(minimal), "--out", str(out), BRIEF])
    assert code == 1
    assert previous.read_bytes() == b"previous build"
    assert sorted(p.name for p in previous.parent.iterdir()) == ["kz.ar.pdf"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: 1\n\tb: 2\n", "tabs are not allowed"),
        ("", "file is empty"),
        ("a: &x [1]\nb: *x\n", "YAML aliases (*name) are not allowed"),
    ],
)
def test_malformed_yaml_is_one_clear_line(minimal, capsys, text, message):
    (minimal / "countries" / "kz.yaml").write_text(text, encoding="utf-8")
    code, err = run(minimal, capsys)
    assert (
        code == 1
        and message in err[0]
        and err[0].startswith(str(minimal / "countries" / "kz.yaml").lstrip("/")[:0])
    )


# -- language parity (parity.py) ----------------------------------------------
def test_a_number_that_differs_between_the_languages_is_an_error(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(kz, "في 9 أغسطس 2024.", "في 9 أغسطس ٢٠٢٥.")  # Arabic-Indic digits are compared as numbers too
    edit(kz, "a €10 billion priority", "a €12 billion priority")
    code, err = run(minimal, capsys)
    assert code == 1
    line = line_of(kz, "9 August 2024")
    assert any(
        e.endswith(
            f"countries/kz.yaml:{line}:3: regional_role.text: numbers differ: ar has {{2025}}, en has {{2024}}"
        )
        for e in err
    ), err
    assert any(e.endswith("talking_points[1]: numbers differ: ar has {10}, en has {12}") for e in err), err


def test_an_ordinal_word_matches_its_digits_in_the_other_language(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    # "السادس" (sixth) against "6th": the same number, as a word; it passed above. Now a wrong ordinal word:
    edit(kz, "الاجتماع التشاوري السادس", "الاجتماع التشاوري السابع")
    code, err = run(minimal, capsys)
    assert code == 1
    assert any(e.endswith("regional_role.text: numbers differ: ar has {}, en has {6}") for e in err), err


def test_numbers_differ_exempts_a_field_with_its_reason(minimal, capsys):
    kz = minimal / "countries" / "kz.yaml"
    edit(
        kz,
        'en: "The 27% US tariff is a challenge."}',
        'en: "The 28% US tariff is a challenge.", numbers_differ: "test: the sources disagree"}',
    )
    code, err = run(minimal, capsys)
    assert code == 0, err


def test_label_slots_must_match(tmp_path):
    from briefing import parity

    assert parity.difference("حتى {date}", "as of {day}") == ({"{date}"}, {"{day}"})
    assert parity.difference("الـ20", "20th") is None
    assert parity.difference("35 مليار دولار", "US$35bn") is None
    assert parity.difference("١٬٢٣٤ طن", "1,234 tonnes") is None
    assert parity.difference("العاشرة", "tenth") is None
    assert parity.difference("استثمرت", "6") == (set(), {"6"})  # "ست" inside a word is not six
