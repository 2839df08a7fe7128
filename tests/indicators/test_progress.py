"""The one definition of progress, pinned."""

from decimal import Decimal

import pytest

from indicators.models import Indicator, RatingBand, RatingRule
from indicators.progress import Point, ProgressStatus, compute_progress
from indicators.selectors import progress_by_indicator

D = Decimal


def progress(
    direction="increase", baseline=(2010, "10"), target=(2020, "20"), actuals=(), as_of=None
):
    """Under the default rule (pace: A ≥ 1.0, B ≥ 0.8 順調; C ≥ 0.6, D 遅れ)."""
    return compute_progress(
        direction=direction,
        baseline=Point(baseline[0], D(baseline[1])) if baseline else None,
        target=Point(target[0], D(target[1])) if target else None,
        actuals=[Point(y, D(v)) for y, v in actuals],
        as_of=as_of,
    )


def test_increase_on_track():
    p = progress(actuals=[(2015, "15")])
    assert p.achievement_rate == D("50.0")
    assert p.expected_progress == D("0.5")
    assert p.status is ProgressStatus.ON_TRACK
    assert p.pace == D("1")
    assert (p.rating.code, str(p.rating.label)) == ("A", "順調")


def test_increase_behind():
    p = progress(actuals=[(2015, "14")])
    assert p.achievement_rate == D("40.0")
    assert p.rating.code == "B"  # pace 0.8
    assert p.status is ProgressStatus.ON_TRACK  # B's group: the band decides, nothing else


def test_the_latest_actual_counts():
    p = progress(actuals=[(2018, "12"), (2015, "19")])  # pace 0.25
    assert p.latest_actual == Point(2018, D("12"))
    assert p.status is ProgressStatus.BEHIND
    assert p.rating.code == "D"


def test_decrease_uses_the_same_formula():
    p = progress("decrease", baseline=(2010, "100"), target=(2020, "60"), actuals=[(2015, "80")])
    assert p.achievement_rate == D("50.0")
    assert p.status is ProgressStatus.ON_TRACK
    worse = progress(
        "decrease", baseline=(2010, "100"), target=(2020, "60"), actuals=[(2015, "110")]
    )
    assert worse.achievement_rate == D("-25.0")
    assert worse.status is ProgressStatus.BEHIND


@pytest.mark.parametrize(
    ("direction", "actual", "status", "code"),
    [
        ("increase", "25", ProgressStatus.ACHIEVED, "達成"),
        ("increase", "20", ProgressStatus.ACHIEVED, "達成"),
        ("increase", "19.9", ProgressStatus.NOT_ACHIEVED, "未達成"),
        ("decrease", "5", ProgressStatus.ACHIEVED, "達成"),
        ("decrease", "11", ProgressStatus.NOT_ACHIEVED, "未達成"),
    ],
)
def test_after_the_target_year_the_verdict_is_final(direction, actual, status, code):
    baseline, target = (
        ((2010, "10"), (2020, "20")) if direction == "increase" else ((2010, "20"), (2020, "10"))
    )
    p = progress(direction, baseline, target, [(2021, actual)], as_of=2021)
    assert p.final
    assert (p.status, p.rating.code) == (status, code)


def test_the_target_years_own_actual_makes_it_final():
    p = progress(actuals=[(2020, "20")], as_of=2020)
    assert p.final and p.status is ProgressStatus.ACHIEVED


def test_before_the_target_year_reaching_the_target_is_judged_on_pace():
    p = progress(actuals=[(2016, "25")], as_of=2016)
    assert not p.final
    assert (p.rating.code, p.status) == ("A", ProgressStatus.ON_TRACK)


def test_past_the_target_year_without_its_actual_is_no_data_showing_the_last_one():
    p = progress(actuals=[(2015, "19")], as_of=2022)
    assert p.final
    assert p.status is ProgressStatus.NO_DATA
    assert p.rating.code == "—"
    assert p.latest_actual == Point(2015, D("19"))  # still shown
    assert p.achievement_rate == D("90.0")


def test_in_the_target_year_before_its_figure_is_in_the_verdict_is_not_final():
    p = progress(actuals=[(2015, "15")], as_of=2020)
    assert not p.final
    assert p.status is ProgressStatus.ON_TRACK


@pytest.mark.parametrize(
    ("direction", "actual", "status"),
    [
        ("maintain", "50", ProgressStatus.ON_TRACK),
        ("maintain", "51", ProgressStatus.ON_TRACK),
        ("maintain", "49", ProgressStatus.BEHIND),
        ("decrease", "49", ProgressStatus.ON_TRACK),
        ("increase", "49", ProgressStatus.BEHIND),
    ],
)
def test_target_equal_to_baseline_means_meeting_it(direction, actual, status):
    p = progress(direction, (2010, "50"), (2020, "50"), [(2015, actual)])
    assert p.achievement_rate is None
    assert p.status is status
    assert p.rating.code == ("A" if status is ProgressStatus.ON_TRACK else "D")


def test_no_data_without_an_actual_after_the_baseline():
    assert progress(actuals=[]).rating.code == "—"
    assert progress(actuals=[]).status is ProgressStatus.NO_DATA
    assert progress(actuals=[(2010, "12")]).status is ProgressStatus.NO_DATA
    assert progress(baseline=None, actuals=[(2015, "12")]).status is ProgressStatus.NO_DATA
    assert progress(actuals=[]).achievement_rate is None


def test_expected_progress_is_clamped():
    late = progress(actuals=[(2025, "18")])
    assert late.expected_progress == D("1")
    assert late.status is ProgressStatus.NOT_ACHIEVED  # final: 18 < 20
    early = progress(actuals=[(2005, "9")])
    assert early.status is ProgressStatus.NO_DATA  # before the baseline year


def test_rate_has_one_decimal_rounded_half_up():
    p = progress(baseline=(2010, "0"), target=(2020, "3"), actuals=[(2015, "1")])
    assert p.achievement_rate == D("33.3")
    p = progress(baseline=(2010, "0"), target=(2020, "20"), actuals=[(2015, "0.05")])
    assert p.achievement_rate == D("0.3")  # 0.25 rounds half up, not to even


def test_expected_value_is_the_plans_road_by_the_actuals_year():
    p = progress(actuals=[(2015, "14")])
    assert p.expected_value == D("15")


@pytest.mark.django_db
def test_kpi_1_1_of_the_plan_is_55_percent_and_on_track_as_of_h28():
    kpi = Indicator.objects.get(code="KPI-1-1")
    p = progress_by_indicator([kpi], up_to=2016)[kpi.pk]
    assert p.achievement_rate == D("55.0")  # 0.44 of 0.80
    assert p.expected_progress == D("0.5556")  # 5/9
    assert p.status is ProgressStatus.ON_TRACK
    assert p.status_label == "順調"
    assert p.rating.code == "B"  # pace 0.99
    assert not p.final  # the H29 target year is after the H25 actual


@pytest.mark.django_db
def test_kpi_1_1_past_its_h29_target_year_without_an_actual_is_no_data():
    kpi = Indicator.objects.get(code="KPI-1-1")
    p = progress_by_indicator([kpi], up_to=2018)[kpi.pk]
    assert p.final
    assert (p.status, p.rating.code) == (ProgressStatus.NO_DATA, "—")
    assert p.latest_actual == Point(2013, D("79.05"))  # the H25 actual, still shown


@pytest.mark.django_db
def test_indicators_without_actuals_have_no_data():
    progresses = progress_by_indicator(Indicator.objects.exclude(code="KPI-1-1"))
    assert {p.status for p in progresses.values()} == {ProgressStatus.NO_DATA}


@pytest.mark.django_db
def test_rating_bands_are_data_planners_edit():
    rule = RatingRule.objects.get(is_active=True)
    assert rule.name == "pace"
    assert [(b.code, b.label, b.group) for b in rule.bands.all()] == [
        ("A", "順調", "on_track"),
        ("B", "概ね順調", "on_track"),
        ("C", "やや遅れ", "behind"),
        ("D", "遅れ", "behind"),
        ("達成", "達成", "achieved"),
        ("未達成", "未達成", "not_achieved"),
        ("—", "未把握", "no_data"),
    ]
    kpi = Indicator.objects.get(code="KPI-1-1")
    band = RatingBand.objects.get(rule=rule, code="A")
    band.minimum = D("0.95")
    band.save()
    assert progress_by_indicator([kpi], up_to=2016)[kpi.pk].rating.code == "A"
    # A group is data too: the status follows the band.
    band.group = "achieved"
    band.save()
    assert progress_by_indicator([kpi], up_to=2016)[kpi.pk].status is ProgressStatus.ACHIEVED


@pytest.mark.django_db
def test_a_ward_is_measured_against_the_city_only_for_rates():
    from infrastructure.workflow import Status
    from tests.factories import value, ward

    chuo = ward("chuo")
    value(
        indicator="KPI-3-2",
        ward_code="chuo",
        fiscal_year=2016,
        amount="22.1",
        status=Status.APPROVED,
    )
    value(
        indicator="KPI-3-1",
        ward_code="chuo",
        fiscal_year=2016,
        amount="23000",
        status=Status.APPROVED,
    )
    indicators = Indicator.objects.filter(code__in=["KPI-3-1", "KPI-3-2"])
    by_code = {
        i.code: p
        for i, p in zip(
            indicators,
            [progress_by_indicator(indicators, ward_id=chuo.pk)[i.pk] for i in indicators],
            strict=True,
        )
    }
    # A rate: the ward against the city's baseline 18.2 and target 26.0.
    assert by_code["KPI-3-2"].achievement_rate == D("50.0")
    # A count: the ward's 23,000 users are a part of the city's 111,901; no city target.
    assert by_code["KPI-3-1"].status is ProgressStatus.NO_DATA
    assert by_code["KPI-3-1"].latest_actual == Point(2016, D("23000"))
