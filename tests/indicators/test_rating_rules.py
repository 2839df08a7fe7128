"""The rating rules: one verdict per indicator and year, whose status is its band's group."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.choices import BandUse, ProgressStatus, RulePreset
from indicators.models import Indicator, RatingBand, RatingRule
from indicators.progress import Point, compute_progress
from indicators.rating_rules import PRESET_BANDS, Band, Rule, problems
from indicators.selectors import active_rule, progress_by_indicator, rating_codes
from indicators.services import rating_rule_activate

D = Decimal


def judge(rule, *, baseline=(2010, "50"), target=(2020, "70"), actual, direction="increase",
          survey=False, as_of=None):  # fmt: skip
    return compute_progress(
        direction=direction,
        baseline=Point(baseline[0], D(baseline[1])),
        target=Point(target[0], D(target[1])),
        actuals=[Point(actual[0], D(actual[1]))],
        rule=Rule.preset(rule),
        as_of=as_of,
        survey_percentage=survey,
    )


@pytest.mark.parametrize(
    ("actual", "code", "status"),
    [
        ((2015, "60"), "A", "on_track"),  # pace 1.0
        ((2015, "58"), "B", "on_track"),  # pace 0.8
        ((2015, "56"), "C", "behind"),  # pace 0.6
        ((2015, "55"), "D", "behind"),  # pace 0.5
    ],
)
def test_pace(actual, code, status):
    p = judge(RulePreset.PACE, actual=actual)
    assert (p.rating.code, p.status) == (code, status)


@pytest.mark.parametrize(
    ("actual", "survey", "code"),
    [
        ((2015, "60"), False, "a"),  # on pace
        ((2015, "51"), False, "b"),  # behind pace, better than the baseline
        ((2015, "50"), False, "b"),  # level with the baseline is not worse
        ((2015, "48"), False, "c"),  # worse than the baseline
        ((2015, "48"), True, "b"),  # a survey's percentage within 3 points: 横ばい
        ((2015, "46.9"), True, "c"),  # beyond 3 points
    ],
)
def test_fukuoka(actual, survey, code):
    assert judge(RulePreset.FUKUOKA, actual=actual, survey=survey).rating.code == code


@pytest.mark.parametrize(
    ("actual", "code", "status"),
    [
        ((2015, "70"), "A", "achieved"),  # 100 % of the way, ahead of time
        ((2015, "66"), "B", "on_track"),  # 80 %
        ((2015, "60"), "C", "behind"),  # 50 %
        ((2015, "59"), "D", "behind"),
    ],
)
def test_attainment_looks_at_the_rate_alone(actual, code, status):
    p = judge(RulePreset.ATTAINMENT, actual=actual)
    assert (p.rating.code, p.status) == (code, status)


def test_statcan_compares_compound_growth_rates():
    # From 50 to 100 in 10 years needs 7.18 % a year; 5 years at 7.18 % give 70.7.
    on_track = judge(RulePreset.STATCAN, target=(2020, "100"), actual=(2015, "70.8"))
    assert on_track.measure >= D("0.95")
    assert on_track.rating.code == "A"
    # 65 after 5 years: 5.39 % a year, 0.75 of what is needed (linear pace would say 0.6).
    moderate = judge(RulePreset.STATCAN, target=(2020, "100"), actual=(2015, "65"))
    assert D("0.74") < moderate.measure < D("0.76")
    assert moderate.rating.code == "B"
    worse = judge(RulePreset.STATCAN, target=(2020, "100"), actual=(2015, "49"))
    assert worse.measure < 0 and worse.rating.code == "D"
    decreasing = judge(
        RulePreset.STATCAN,
        direction="decrease",
        baseline=(2010, "100"),
        target=(2020, "50"),
        actual=(2015, "70.7"),
    )
    assert decreasing.rating.code == "A"


def test_statcan_without_a_positive_value_falls_back_to_linear_growth():
    p = judge(RulePreset.STATCAN, baseline=(2010, "0"), target=(2020, "10"), actual=(2015, "5"))
    assert p.measure == D("1") and p.rating.code == "A"


@pytest.mark.parametrize("preset", RulePreset.values)
def test_every_preset_gives_the_final_verdict_after_the_target_year(preset):
    achieved = judge(preset, actual=(2020, "70"), as_of=2021)
    missed = judge(preset, actual=(2021, "69"), as_of=2021)
    unknown = judge(preset, actual=(2018, "69"), as_of=2021)
    assert (achieved.status, achieved.rating.code) == ("achieved", "達成")
    assert (missed.status, missed.rating.code) == ("not_achieved", "未達成")
    assert (unknown.status, unknown.rating.code) == ("no_data", "—")
    assert unknown.latest_actual == Point(2018, D("69"))


@pytest.mark.parametrize("preset", RulePreset.values)
def test_every_preset_is_a_usable_rule(preset):
    assert problems(list(PRESET_BANDS[preset])) == []


years = st.integers(min_value=2008, max_value=2030)
amounts = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    preset=st.sampled_from(RulePreset.values),
    direction=st.sampled_from(["increase", "decrease", "maintain"]),
    baseline_year=years,
    span=st.integers(min_value=0, max_value=12),
    baseline=amounts,
    target=amounts,
    actuals=st.lists(st.tuples(years, amounts), max_size=4),
    as_of=st.one_of(st.none(), years),
    survey=st.booleans(),
)
def test_the_status_is_always_the_group_of_the_rating_band(
    preset, direction, baseline_year, span, baseline, target, actuals, as_of, survey
):
    rule = Rule.preset(preset)
    p = compute_progress(
        direction=direction,
        baseline=Point(baseline_year, baseline),
        target=Point(baseline_year + span, target),
        actuals=[Point(y, v) for y, v in actuals],
        rule=rule,
        as_of=as_of,
        survey_percentage=survey,
    )
    (band,) = [b for b in rule.bands if b.code == p.rating.code]
    assert p.status == band.group
    # Final and no-data bands only where the rule says so.
    if band.use == BandUse.FINAL:
        assert p.final and p.latest_actual.fiscal_year >= p.target.fiscal_year
    if p.latest_actual is None:
        assert p.status == ProgressStatus.NO_DATA


def test_problems_name_what_makes_bands_unusable():
    bands = [b for b in PRESET_BANDS[RulePreset.PACE] if b.code != "D"]  # no floor
    bands.append(Band("E", "?", ProgressStatus.NOT_ACHIEVED, BandUse.IN_PROGRESS, D("0.1")))
    found = problems(bands)
    assert any("最下位" in p for p in found)
    assert any("「E」" in p for p in found)


@pytest.mark.django_db
def test_the_migrations_bring_every_preset_with_pace_in_use():
    assert sorted(RatingRule.objects.values_list("name", flat=True)) == sorted(RulePreset.values)
    assert RatingRule.objects.get(is_active=True).name == "pace"
    for rule in RatingRule.objects.all():
        assert problems(list(rule.bands.all())) == []
    assert rating_codes() == ["A", "B", "C", "D", "達成", "未達成", "—"]


@pytest.mark.django_db
def test_a_planner_switches_the_rule_and_every_verdict_follows(planner):
    fukuoka = RatingRule.objects.get(name="fukuoka")
    rating_rule_activate(user=planner, rule=fukuoka)
    assert RatingRule.objects.get(is_active=True) == fukuoka
    assert active_rule().name == "fukuoka"
    kpi = Indicator.objects.get(code="KPI-1-1")
    p = progress_by_indicator([kpi], up_to=2016)[kpi.pk]
    assert p.rating.code == "b"  # pace 0.99: behind pace, better than the baseline
    assert p.status == "behind"
    assert fukuoka.history.latest().history_user == planner


@pytest.mark.django_db
def test_a_ward_officer_cannot_switch_the_rule(chuo_officer):
    with pytest.raises(PermissionDenied):
        rating_rule_activate(user=chuo_officer, rule=RatingRule.objects.get(name="fukuoka"))
    assert RatingRule.objects.get(is_active=True).name == "pace"


@pytest.mark.django_db
def test_a_rule_whose_bands_cannot_judge_is_not_activated(planner):
    statcan = RatingRule.objects.get(name="statcan")
    RatingBand.objects.filter(rule=statcan, use=BandUse.NO_DATA).delete()
    with pytest.raises(ValidationError, match="実績なし"):
        rating_rule_activate(user=planner, rule=statcan)
    assert RatingRule.objects.get(is_active=True).name == "pace"


@pytest.mark.django_db
def test_without_an_active_rule_the_pace_preset_judges():
    RatingRule.objects.update(is_active=False)
    assert active_rule() == Rule.preset(RulePreset.PACE)
