"""評価基準 in the admin: planners edit bands (checked as a whole) and choose the rule in use;
the demo data's pages never show two contradicting words."""

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from indicators.choices import STATUS_MARKS, ProgressStatus
from indicators.demo import demo_data_load
from indicators.models import RatingBand, RatingRule
from indicators.selectors import active_rule, indicators_with_progress

pytestmark = pytest.mark.django_db


def band_form(rule: RatingRule, **changes) -> dict:
    """The change form's data for ``rule``, with ``changes`` as {band code: {field: value}}."""
    bands = list(rule.bands.all())
    data = {
        "bands-TOTAL_FORMS": str(len(bands)),
        "bands-INITIAL_FORMS": str(len(bands)),
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
        "label": rule.label,
    }
    for i, band in enumerate(bands):
        fields = {
            "id": band.pk,
            "rule": rule.pk,
            "position": band.position,
            "code": band.code,
            "label": band.label,
            "group": band.group,
            "use": band.use,
            "minimum": "" if band.minimum is None else str(band.minimum),
        }
        fields.update(changes.get(band.code, {}))
        data.update({f"bands-{i}-{name}": value for name, value in fields.items()})
    return data


def test_a_planner_edits_a_bands_label_and_minimum(client, planner):
    client.force_login(planner)
    rule = RatingRule.objects.get(name="pace")
    url = reverse("admin:indicators_ratingrule_change", args=[rule.pk])
    response = client.post(url, band_form(rule, B={"minimum": "0.85", "label": "おおむね順調"}))
    assert response.status_code == 302
    band = RatingBand.objects.get(rule=rule, code="B")
    assert (band.minimum, band.label) == (Decimal("0.85"), "おおむね順調")
    assert str(next(b for b in active_rule().bands if b.code == "B").label) == "おおむね順調"


def test_bands_that_cannot_judge_are_refused_with_the_reason(client, planner):
    client.force_login(planner)
    rule = RatingRule.objects.get(name="pace")
    url = reverse("admin:indicators_ratingrule_change", args=[rule.pk])
    response = client.post(url, band_form(rule, D={"minimum": "0.1"}))  # no floor left
    assert response.status_code == 200
    assert "下限のない区分（最下位）はちょうど1つ必要です" in response.content.decode()
    assert RatingBand.objects.get(rule=rule, code="D").minimum is None
    wrong_group = band_form(rule, 達成={"group": "behind"})
    response = client.post(url, wrong_group)
    assert "進捗状況ではありません" in response.content.decode()


def test_the_activate_action_switches_the_rule(client, planner):
    client.force_login(planner)
    statcan = RatingRule.objects.get(name="statcan")
    response = client.post(
        reverse("admin:indicators_ratingrule_changelist"),
        {"action": "activate", "_selected_action": [statcan.pk]},
        follow=True,
    )
    assert "使用中にしました" in response.content.decode()
    assert RatingRule.objects.get(is_active=True) == statcan


def test_a_ward_officer_reads_the_rules_but_cannot_switch(client, chuo_officer):
    client.force_login(chuo_officer)
    statcan = RatingRule.objects.get(name="statcan")
    changelist = reverse("admin:indicators_ratingrule_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "activate", "_selected_action": [statcan.pk]})
    assert RatingRule.objects.get(is_active=True).name == "pace"


def _cells(html: str, code: str) -> str:
    row = re.search(rf'<tr>\s*<th scope="row"><a href="[^"]*">{code}</a>.*?</tr>', html, re.S)
    return " " + " ".join(re.sub(r"<[^>]+>", " ", row.group(0)).split()) + " "


@pytest.mark.parametrize("name", ["pace", "fukuoka", "attainment", "statcan"])
def test_the_demo_home_page_never_shows_two_contradicting_words(client, planner, name):
    from indicators.services import rating_rule_activate

    demo_data_load()
    rating_rule_activate(user=planner, rule=RatingRule.objects.get(name=name))
    rule = active_rule()
    for year in (2016, 2019):
        html = client.get(f"/?fiscal_year={year}").content.decode()
        for indicator, progress in indicators_with_progress(up_to=year):
            band = next(b for b in rule.bands if b.code == progress.rating.code)
            assert progress.status == band.group
            cells = _cells(html, indicator.code)
            # The status words and mark shown are the band's group's, the rating its band's.
            assert f"{STATUS_MARKS[progress.status]} {ProgressStatus(band.group).label}" in cells
            assert f"{band.code} {band.label}" in cells
            others = {s.label for s in ProgressStatus} - {ProgressStatus(band.group).label}
            status_cell = cells.split(str(band.label))[0]
            assert not any(f" {other} " in status_cell for other in others), cells


def test_the_on_track_factor_setting_is_refused_at_start_up():
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PROGRESS_ON_TRACK_FACTOR": "0.9"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PROGRESS_ON_TRACK_FACTOR is no longer used" in result.stderr
