"""Validation beyond the bad-input catalogue: the fixture content is valid, and language parity.

Each kind of content mistake (one line each, file:line:col: field: message, exit 1,
nothing written) is a case in tests/bad-inputs/ (test_bad_inputs.py), not a test here."""

from __future__ import annotations

from pathlib import Path

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


# -- language parity (parity.py) ----------------------------------------------
def test_a_number_that_differs_between_the_languages_needs_review(complete, capsys):
    """A translation to review (translations.py): marked in a draft build, refused by --final."""
    kz = complete / "countries" / "kz.yaml"
    edit(kz, "في 9 أغسطس 2024.", "في 9 أغسطس ٢٠٢٥.")  # Arabic-Indic digits are compared as numbers too
    edit(kz, "a €10 billion priority", "a €12 billion priority")
    assert run(complete, capsys)[0] == 0
    code, err = run(complete, capsys, "--final")
    assert code == 1
    line = line_of(kz, "9 August 2024")
    shown = "; shown in country-profiles/kz.ar, country-profiles/kz.ar-en"
    assert any(
        e.endswith(
            f"countries/kz.yaml:{line}:3: regional_role.text: ar needs review (numbers differ: ar has {{2025}}, "
            f"en has {{2024}}){shown}"
        )
        for e in err
    ), err
    assert any(
        e.endswith(
            f"talking_points[1]: ar needs review (numbers differ: ar has {{10}}, en has {{12}}){shown}"
        )
        for e in err
    ), err


def test_an_ordinal_word_matches_its_digits_in_the_other_language(complete, capsys):
    kz = complete / "countries" / "kz.yaml"
    # "السادس" (sixth) against "6th": the same number, as a word; it passed above. Now a wrong ordinal word:
    edit(kz, "الاجتماع التشاوري السادس", "الاجتماع التشاوري السابع")
    code, err = run(complete, capsys, "--final")
    assert code == 1
    assert any(
        "regional_role.text: ar needs review (numbers differ: ar has {}, en has {6})" in e for e in err
    ), err


def test_numbers_differ_exempts_a_field_with_its_reason(complete, capsys):
    kz = complete / "countries" / "kz.yaml"
    edit(
        kz,
        'en: "The 27% US tariff is a challenge."}',
        'en: "The 28% US tariff is a challenge.", numbers_differ: "test: the sources disagree"}',
    )
    code, err = run(complete, capsys, "--final")
    assert code == 0, err


def test_label_slots_must_match():
    from briefing import parity

    assert parity.difference("حتى {date}", "as of {day}") == ({"{date}"}, {"{day}"})
    assert parity.difference("الـ20", "20th") is None
    assert parity.difference("35 مليار دولار", "US$35bn") is None
    assert parity.difference("١٬٢٣٤ طن", "1,234 tonnes") is None
    assert parity.difference("العاشرة", "tenth") is None
    assert parity.difference("استثمرت", "6") == (set(), {"6"})  # "ست" inside a word is not six
