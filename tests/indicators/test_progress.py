"""The one definition of progress, pinned."""

from decimal import Decimal

import pytest
from django.test import override_settings

from indicators.models import Indicator, RatingBand, RatingScale
from indicators.progress import Point, ProgressStatus, Rating, compute_progress
from indicators.selectors import progress_by_indicator

D = Decimal
BANDS = [
    (D("1.0"), Rating("A", "順調")),
    (D("0.8"), Rating("B", "概ね順調")),
    (D("0.6"), Rating("C", "やや遅れ")),
    (None, Rating("D", "遅れ")),
]


def progress(direction="increase", baseline=(2010, "10"), target=(2020, "20"), actuals=()):
    return compute_progress(
        direction=direction,
        baseline=Point(baseline[0], D(baseline[1])) if baseline else None,
        target=Point(target[0], D(target[1])) if target else None,
        actuals=[Point(y, D(v)) for y, v in actuals],
        bands=BANDS,
    )


def test_increase_on_track():
    p = progress(actuals=[(2015, "15")])
    assert p.achievement_rate == D("50.0")
    assert p.expected_progress == D("0.5")
    assert p.status is ProgressStatus.ON_TRACK
    assert p.pace == D("1")
    assert p.rating == Rating("A", "順調")


def test_increase_behind():
    p = progress(actuals=[(2015, "14")])
    assert p.achievement_rate == D("40.0")
    assert p.status is ProgressStatus.BEHIND  # 0.40 < 0.5 × 0.9
    assert p.rating.code == "B"  # pace 0.8


def test_the_latest_actual_counts():
    p = progress(actuals=[(2018, "12"), (2015, "19")])
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
    ("direction", "actual", "status"),
    [
        ("increase", "25", ProgressStatus.ACHIEVED),
        ("increase", "20", ProgressStatus.ACHIEVED),
        ("decrease", "5", ProgressStatus.ACHIEVED),
    ],
)
def test_reaching_the_target_in_the_direction_is_achieved(direction, actual, status):
    baseline, target = (
        ((2010, "10"), (2020, "20")) if direction == "increase" else ((2010, "20"), (2020, "10"))
    )
    assert progress(direction, baseline, target, [(2016, actual)]).status is status


@pytest.mark.parametrize(
    ("direction", "actual", "status"),
    [
        ("maintain", "50", ProgressStatus.ACHIEVED),
        ("maintain", "51", ProgressStatus.ACHIEVED),
        ("maintain", "49", ProgressStatus.BEHIND),
        ("decrease", "49", ProgressStatus.ACHIEVED),
        ("increase", "49", ProgressStatus.BEHIND),
    ],
)
def test_target_equal_to_baseline_means_meeting_it(direction, actual, status):
    p = progress(direction, (2010, "50"), (2020, "50"), [(2015, actual)])
    assert p.achievement_rate is None
    assert p.status is status


def test_no_data_without_an_actual_after_the_baseline():
    assert progress(actuals=[]).status is ProgressStatus.NO_DATA
    assert progress(actuals=[(2010, "12")]).status is ProgressStatus.NO_DATA
    assert progress(baseline=None, actuals=[(2015, "12")]).status is ProgressStatus.NO_DATA
    assert progress(actuals=[]).achievement_rate is None


def test_expected_progress_is_clamped():
    late = progress(actuals=[(2025, "18")])
    assert late.expected_progress == D("1")
    assert late.status is ProgressStatus.BEHIND  # 0.8 < 1 × 0.9
    early = progress(actuals=[(2005, "9")])
    assert early.status is ProgressStatus.NO_DATA  # before the baseline year


def test_rate_has_one_decimal_rounded_half_up():
    p = progress(baseline=(2010, "0"), target=(2020, "3"), actuals=[(2015, "1")])
    assert p.achievement_rate == D("33.3")
    p = progress(baseline=(2010, "0"), target=(2020, "20"), actuals=[(2015, "0.05")])
    assert p.achievement_rate == D("0.3")  # 0.25 rounds half up, not to even


@override_settings(PROGRESS_ON_TRACK_FACTOR="0.7")
def test_the_on_track_factor_is_a_setting():
    assert progress(actuals=[(2015, "14")]).status is ProgressStatus.ON_TRACK


@pytest.mark.django_db
def test_kpi_1_1_of_the_plan_is_55_percent_and_on_track():
    kpi = Indicator.objects.get(code="KPI-1-1")
    p = progress_by_indicator([kpi])[kpi.pk]
    assert p.achievement_rate == D("55.0")  # 0.44 of 0.80
    assert p.expected_progress == D("0.5556")  # 5/9
    assert p.status is ProgressStatus.ON_TRACK
    assert p.status_label == "順調"
    assert p.rating.code == "B"  # pace 0.99


@pytest.mark.django_db
def test_indicators_without_actuals_have_no_data():
    progresses = progress_by_indicator(Indicator.objects.exclude(code="KPI-1-1"))
    assert {p.status for p in progresses.values()} == {ProgressStatus.NO_DATA}


@pytest.mark.django_db
def test_rating_bands_are_data_planners_edit():
    scale = RatingScale.objects.get(is_active=True)
    assert [(b.code, b.label) for b in scale.bands.all()] == [
        ("A", "順調"),
        ("B", "概ね順調"),
        ("C", "やや遅れ"),
        ("D", "遅れ"),
    ]
    RatingBand.objects.filter(scale=scale, code="A").update(min_pace=D("0.95"))
    kpi = Indicator.objects.get(code="KPI-1-1")
    assert progress_by_indicator([kpi])[kpi.pk].rating.code == "A"


@pytest.mark.django_db
def test_a_ward_is_measured_against_the_city_only_for_rates():
    from kumamoto_welfare.workflow import Status
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
