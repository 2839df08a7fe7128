import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.fiscal_year import (
    MAX_FISCAL_YEAR,
    MIN_FISCAL_YEAR,
    FiscalYearError,
    era_label,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_short_label,
    parse_fiscal_year,
)

years = st.integers(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        (2013, 2013),
        ("2013", 2013),
        ("2013年度", 2013),
        ("FY2013", 2013),
        ("H25", 2013),
        ("h25", 2013),
        ("Ｈ２５", 2013),
        ("H25年度", 2013),
        ("H25 年度", 2013),  # as the plan's PDF prints it
        ("平成25年度", 2013),
        ("平成 25 年度", 2013),
        ("平成２５年度", 2013),
        ("R5", 2023),
        ("令和5年度", 2023),
        ("令和元年度", 2019),
        ("R元", 2019),
        ("平成31年度", 2019),  # FY2019 began under 平成
        ("平成元年度", 1989),
        ("昭和63年度", 1988),
        ("H34", 2022),  # a plan of 2015 names its target year in 平成
        ("２０１３年度", 2013),
        # In a 年度 column a year written with 年 alone names the fiscal year.
        ("2013年", 2013),
        ("H25年", 2013),
    ],
)
def test_parse_fiscal_year_accepts_the_forms_people_write(text, year):
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize(
    "text",
    [
        "",
        "令和",
        "H",
        "平成0年度",
        "X25",
        "H25.4",
        "20130",
        "1800",
        "3000",
        "大正10年度",
        "二〇一三年度",
        True,
        None,
        2013.0,
    ],
)
def test_parse_fiscal_year_rejects_what_is_not_a_fiscal_year(text):
    with pytest.raises(FiscalYearError):
        parse_fiscal_year(text)


def test_error_message_says_what_was_wrong_and_how_to_write_it():
    with translation.override("ja"), pytest.raises(FiscalYearError, match=r"X25.*平成25年度"):
        parse_fiscal_year("X25")
    with translation.override("en"), pytest.raises(FiscalYearError, match=r"X25.*cannot be read"):
        parse_fiscal_year("X25")


def test_labels():
    with translation.override("ja"):
        assert fiscal_year_label(2013) == "2013年度（平成25年度）"
        assert fiscal_year_label(2019) == "2019年度（令和元年度）"
        assert fiscal_year_label(2023) == "2023年度（令和5年度）"
        assert fiscal_year_label(1988) == "1988年度（昭和63年度）"
    assert fiscal_year_label(2013, language="en") == "FY2013 (Heisei 25)"
    assert era_label(1989) == "平成元年度"
    assert fiscal_year_short_label(2008) == "H20"
    assert fiscal_year_short_label(2022) == "R4"


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2013, 4, 1), 2013),
        (datetime.date(2014, 3, 31), 2013),
        (datetime.date(2014, 1, 1), 2013),
        (datetime.date(2019, 4, 30), 2019),
        (datetime.date(2019, 12, 31), 2019),
    ],
)
def test_fiscal_year_of_a_date_runs_april_to_march(day, year):
    assert fiscal_year_of(day) == year


@given(years)
def test_every_label_parses_back_to_its_year(year):
    assert parse_fiscal_year(fiscal_year_label(year, language="ja").split("（")[0]) == year
    assert parse_fiscal_year(era_label(year)) == year
    assert parse_fiscal_year(fiscal_year_short_label(year)) == year
    assert parse_fiscal_year(str(year)) == year


full_width = str.maketrans("0123456789HRS", "０１２３４５６７８９ＨＲＳ")


@given(years, st.booleans(), st.sampled_from(["", " ", "　", "\t"]))
def test_parsing_ignores_width_and_layout_spaces(year, wide, space):
    label = era_label(year)
    if wide:
        label = label.translate(full_width)
    spaced = space.join(label)
    assert parse_fiscal_year(spaced) == year


@given(st.text(max_size=12))
def test_parse_never_fails_with_anything_but_fiscal_year_error(text):
    try:
        year = parse_fiscal_year(text)
    except FiscalYearError:
        return
    assert MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR


@given(st.integers().filter(lambda y: not MIN_FISCAL_YEAR <= y <= MAX_FISCAL_YEAR))
def test_years_out_of_range_are_refused(year):
    with pytest.raises(FiscalYearError):
        parse_fiscal_year(year)


def test_the_reporting_reach_is_computed_once_while_held(monkeypatch):
    from infrastructure import fiscal_year

    calls = []

    def provider():
        calls.append(1)
        return (2015, 2022)

    monkeypatch.setattr(fiscal_year, "_reach_provider", provider)
    with fiscal_year.reporting_reach_held():
        assert fiscal_year.reporting_reach() == (2015, 2022)
        fiscal_year.validate_reporting_year(2016)
        assert fiscal_year.reporting_years()[-1] == 2022
    assert len(calls) == 1
    fiscal_year.reporting_reach()  # outside the block: asked again
    assert len(calls) == 2


def test_the_current_fiscal_year_turns_on_1_april_in_japan_whatever_the_servers_zone():
    import datetime

    import time_machine

    from infrastructure.fiscal_year import current_fiscal_year

    # 31 March 16:00 UTC is already 1 April 01:00 in Tokyo: the new fiscal year.
    with time_machine.travel(datetime.datetime(2027, 3, 31, 16, 0, tzinfo=datetime.UTC)):
        assert current_fiscal_year() == 2027
    with time_machine.travel(datetime.datetime(2027, 3, 31, 14, 0, tzinfo=datetime.UTC)):
        assert current_fiscal_year() == 2026
