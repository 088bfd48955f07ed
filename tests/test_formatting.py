"""Per-edition formatting: dates, ranges, money, digits and month names, from Babel's CLDR data."""

from __future__ import annotations

import pytest

from briefing import formatting
from briefing.model import Figure

WORDS = {
    "en": {"scale_billion": "billion", "scale_million": "million", "unit_tonnes": "tonnes"},
    "ar": {"scale_billion": "مليار", "scale_million": "مليون", "unit_tonnes": "طن"},
}


@pytest.mark.parametrize(
    "start, end, lang, expected",
    [
        ("2025-04-03", "2025-04-04", "en", "3–4 April 2025"),
        ("2025-04-03", "2025-04-04", "ar", "3–4 أبريل 2025"),
        ("2025-03-30", "2025-04-04", "en", "30 March – 4 April 2025"),
        ("2024-12-30", "2025-01-02", "en", "30 December 2024 – 2 January 2025"),
        ("2025-03", "2025-04", "ar", "مارس – أبريل 2025"),
        ("2026", "2028", "ar", "2026–2028"),
        ("2025-04-04", "2025-04-04", "en", "4 April 2025"),
    ],
)
def test_date_ranges_say_the_shared_month_and_year_once(start, end, lang, expected):
    assert formatting.date_range(start, end, lang) == expected


def test_a_range_refuses_mixed_precision_and_reversed_ends():
    with pytest.raises(ValueError, match="same precision"):
        formatting.date_range("2025", "2025-04", "en")
    with pytest.raises(ValueError, match="end before"):
        formatting.date_range("2025-04-04", "2025-04-03", "en")


@pytest.mark.parametrize(
    "months, expected",
    [("default", "3–4 أبريل 2025"), ("levantine", "3–4 نيسان 2025"), ("both", "3–4 أبريل/نيسان 2025")],
)
def test_arabic_month_names_follow_the_brief(months, expected):
    assert formatting.date_range("2025-04-03", "2025-04-04", "ar", months) == expected
    assert formatting.date("2025-04-04", "ar", months) == expected.replace("3–", "")


def test_levantine_month_names_come_from_cldr_for_all_twelve_months():
    names = [formatting.month_name(m, "ar", "levantine") for m in range(1, 13)]
    assert names[0] == "كانون الثاني" and names[3] == "نيسان" and names[11] == "كانون الأول"
    assert len(set(names)) == 12
    assert formatting.month_name(4, "en", "levantine") == "April"  # English ignores the Arabic choice


def test_money_with_an_equivalent_in_both_languages():
    fig = Figure.model_validate(
        {
            "value": 12,
            "unit": "EUR",
            "scale": "billion",
            "year": 2025,
            "source": "x",
            "equivalent": {"value": 13.2, "unit": "USD", "scale": "billion"},
        }
    )
    assert formatting.figure(fig, "en", WORDS["en"]) == "€12 billion (US$13.2 billion)"
    assert formatting.figure(fig, "ar", WORDS["ar"]) == "12 مليار يورو (13.2 مليار دولار)"


def test_percent_and_plain_figures():
    pct = Figure.model_validate({"value": 27, "unit": "percent", "year": 2025, "source": "x"})
    assert formatting.figure(pct, "ar", WORDS["ar"]) == formatting.figure(pct, "en", WORDS["en"]) == "27%"
    tonnes = Figure.model_validate(
        {"value": 20, "unit": "tonnes", "scale": "million", "year": 2025, "source": "x"}
    )
    assert formatting.figure(tonnes, "ar", WORDS["ar"]) == "20 مليون طن"
    assert formatting.number(1234567.5, "en") == "1,234,567.5"


@pytest.mark.parametrize(
    "western, indic",
    [
        ("في 9 أغسطس 2024", "في ٩ أغسطس ٢٠٢٤"),
        ("بنسبة 6.5% و27%", "بنسبة ٦٫٥٪ و٢٧٪"),
        ("1,234 طن", "١٬٢٣٤ طن"),
        ("(2024).", "(٢٠٢٤)."),
        ("2026–2028", "٢٠٢٦–٢٠٢٨"),
        ("مؤتمر COP29 واتفاقية EPCA 2020", "مؤتمر COP29 واتفاقية EPCA ٢٠٢٠"),  # digits glued to Latin stay
        ("بمقياس 1:50m و1:110m", "بمقياس 1:50m و1:110m"),  # all of a Latin word's digits stay, none split
    ],
)
def test_arabic_indic_digits_and_back(western, indic):
    assert formatting.arabic_indic(western) == indic
    assert formatting.western(indic) == western


def test_month_names_typed_in_content_follow_the_brief_only_beside_a_date():
    text = "في 2 أبريل 2025، وفي مارس 2020، مارس نشاطه"
    assert formatting.months_in_text(text, "levantine") == "في 2 نيسان 2025، وفي آذار 2020، مارس نشاطه"
    assert formatting.months_in_text(text, "both") == "في 2 أبريل/نيسان 2025، وفي مارس/آذار 2020، مارس نشاطه"
    assert formatting.months_in_text("أبريل/نيسان 2025", "both") == "أبريل/نيسان 2025"  # already both
    assert formatting.months_in_text("لتوقيعها في ديسمبر.", "levantine") == "لتوقيعها في كانون الأول."
    assert formatting.months_in_text(text, "default") == text
