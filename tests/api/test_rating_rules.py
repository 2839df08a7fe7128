"""GET /api/v1/rating-rules/ and POST …/<name>/activate/: the city's choice of rule."""

import pytest

from indicators.models import RatingRule

pytestmark = pytest.mark.django_db


def test_the_rules_are_listed_with_their_bands_and_groups(anon):
    response = anon.get("/api/v1/rating-rules/")
    assert response.status_code == 200
    rules = {rule["name"]: rule for rule in response.json()}
    assert set(rules) == {"pace", "fukuoka", "attainment", "statcan"}
    assert [name for name, rule in rules.items() if rule["active"]] == ["pace"]
    pace = rules["pace"]
    assert {"name", "label", "active", "bands"} <= set(pace)
    assert [(b["code"], b["label"], b["group"]) for b in pace["bands"]][:4] == [
        ("A", "順調", "on_track"),
        ("B", "概ね順調", "on_track"),
        ("C", "やや遅れ", "behind"),
        ("D", "遅れ", "behind"),
    ]
    assert {b["group"] for b in rules["fukuoka"]["bands"]} >= {"on_track", "behind", "no_data"}


def test_labels_come_in_english_on_request(anon):
    response = anon.get("/api/v1/rating-rules/pace/", HTTP_ACCEPT_LANGUAGE="en")
    labels = [band["label"] for band in response.json()["bands"]]
    assert labels[:4] == ["On track", "Mostly on track", "Slightly behind", "Behind"]


def test_a_planner_activates_a_rule_and_the_indicators_follow_it(plan_client, anon):
    response = plan_client.post("/api/v1/rating-rules/fukuoka/activate/")
    assert response.status_code == 200
    assert response.json()["active"] is True
    assert RatingRule.objects.get(is_active=True).name == "fukuoka"
    kpi = anon.get("/api/v1/indicators/KPI-1-1/?fiscal_year=2016").json()
    assert kpi["rating"] == {"code": "b", "label": "基準値より改善（横ばいを含む）"}
    assert (kpi["status"], kpi["status_label"]) == ("behind", "遅れ")


def test_a_ward_officer_gets_403_and_nothing_changes(chuo):
    response = chuo.post("/api/v1/rating-rules/statcan/activate/")
    assert response.status_code == 403
    assert RatingRule.objects.get(is_active=True).name == "pace"


def test_anonymous_cannot_activate(anon):
    assert anon.post("/api/v1/rating-rules/statcan/activate/").status_code == 401
    assert RatingRule.objects.get(is_active=True).name == "pace"


def test_an_unknown_rule_is_404(plan_client):
    assert plan_client.post("/api/v1/rating-rules/nonesuch/activate/").status_code == 404


def test_each_indicator_carries_the_active_rules_verdict(anon):
    indicators = anon.get("/api/v1/indicators/?fiscal_year=2016").json()
    rule = anon.get("/api/v1/rating-rules/pace/").json()
    group_of = {band["code"]: band["group"] for band in rule["bands"]}
    for indicator in indicators:
        assert indicator["status"] == group_of[indicator["rating"]["code"]], indicator["code"]
    kpi = next(i for i in indicators if i["code"] == "KPI-1-1")
    assert (kpi["status"], kpi["rating"]["code"]) == ("on_track", "B")


def test_past_the_target_year_the_api_gives_the_final_verdict(anon):
    kpi = anon.get("/api/v1/indicators/KPI-1-1/?fiscal_year=2018").json()  # target H29
    assert (kpi["status"], kpi["status_label"]) == ("no_data", "未把握")
    assert kpi["rating"]["code"] == "—"
    assert kpi["latest_actual"]["fiscal_year"] == 2013  # still shown
