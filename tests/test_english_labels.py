"""English to the last label (issue 21 item 5): rating rules and their bands carry English
names a planner fills (the presets shipped with both by migration 0017); every door shows
them in the reader's language while the codes stay; English pages carry no full-width
punctuation around the Japanese data; the language menu says "English"."""

import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from indicators.demo import demo_data_load
from indicators.models import RatingBand, RatingRule
from portal.reports import evaluations_by_subject
from programs.models import Pillar
from tests.visible_text import misplaced_full_width_marks, visible_lines

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PACE_EN = "Pace (achievement ÷ expected progress)"
ASCII = re.compile(r"[ -~÷]+")


def _text(page: str) -> str:
    return " ".join(visible_lines(page))


def _facts(page: str) -> dict[str, str]:
    """An indicator page's facts (the ``dl`` at the top): term → description, as read."""
    facts = re.search(r'<dl class="facts">(.*?)</dl>', page, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", facts, re.S)
    return {_text(term): _text(description) for term, description in pairs}


# --- The presets, shipped in both languages -------------------------------------------------


def test_every_preset_rule_and_band_is_shipped_with_an_english_name():
    rules = {rule.name: rule for rule in RatingRule.objects.prefetch_related("bands")}
    assert {name: rule.label_en for name, rule in rules.items()} == {
        "pace": PACE_EN,
        "fukuoka": "Fukuoka City method (a, b, c)",
        "attainment": "Achievement rate",
        "statcan": "Statistics Canada method (Open SDG)",
    }
    for rule in rules.values():
        for band in rule.bands.all():
            assert ASCII.fullmatch(band.label_en), (rule.name, band.code, band.label_en)
    pace = [(b.code, b.label, b.label_en) for b in rules["pace"].bands.all()]
    assert pace[:4] == [
        ("A", "順調", "On track"),
        ("B", "概ね順調", "Mostly on track"),
        ("C", "やや遅れ", "Slightly behind"),
        ("D", "遅れ", "Behind"),
    ]


def test_a_rule_and_band_read_in_the_active_language():
    rule = RatingRule.objects.get(name="fukuoka")
    band = rule.bands.get(code="b")
    assert (rule.display_label, band.display_label) == ("福岡市方式（a・b・c）", band.label)
    with translation.override("en"):
        assert str(rule) == "Fukuoka City method (a, b, c)"
        assert str(band) == "b Better than the baseline (or level)"


# --- Every door: the API, the pages, the report, the admin ----------------------------------


def test_the_api_gives_names_and_labels_by_accept_language_and_keeps_its_codes():
    client = Client()
    english = client.get("/api/v1/rating-rules/pace/", **EN).json()
    japanese = client.get("/api/v1/rating-rules/pace/").json()
    assert (english["name"], english["label"]) == ("pace", PACE_EN)
    assert (japanese["name"], japanese["label"]) == ("pace", "進捗の速さ（達成率÷期待進捗）")
    assert [b["code"] for b in english["bands"]] == [b["code"] for b in japanese["bands"]]
    assert [b["label"] for b in english["bands"]][:4] == [
        "On track",
        "Mostly on track",
        "Slightly behind",
        "Behind",
    ]
    kpi = client.get("/api/v1/indicators/KPI-1-1/?fiscal_year=2016", **EN).json()
    assert kpi["rating"] == {"code": "B", "label": "Mostly on track"}
    assert kpi["status"] == "on_track"


def test_an_indicator_page_names_its_band_and_the_rule_in_english():
    client = Client()
    english = _facts(client.get("/indicators/KPI-1-1/?fiscal_year=2016", **EN).content.decode())
    assert english["Rating"] == "B Mostly on track"
    assert english["Rating scale"] == PACE_EN
    japanese = _facts(client.get("/indicators/KPI-1-1/?fiscal_year=2016").content.decode())
    assert japanese["評価"] == "B 概ね順調"
    assert japanese["評価基準"] == "進捗の速さ（達成率÷期待進捗）"


def _rename(client, rule: RatingRule, *, label_en: str, bands: dict[str, dict]) -> None:
    """Save ``rule`` through the admin's change form with an English name and band changes."""
    data = {
        "label": rule.label,
        "label_en": label_en,
        "bands-TOTAL_FORMS": str(rule.bands.count()),
        "bands-INITIAL_FORMS": str(rule.bands.count()),
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
    }
    for i, band in enumerate(rule.bands.all()):
        fields = {
            "id": band.pk,
            "rule": rule.pk,
            "position": band.position,
            "code": band.code,
            "label": band.label,
            "label_en": band.label_en,
            "group": band.group,
            "use": band.use,
            "minimum": "" if band.minimum is None else str(band.minimum),
            **bands.get(band.code, {}),
        }
        data.update({f"bands-{i}-{name}": value for name, value in fields.items()})
    url = reverse("admin:indicators_ratingrule_change", args=[rule.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()


def test_a_planners_english_names_reach_every_door_in_english_only(client, planner):
    client.force_login(planner)
    rule = RatingRule.objects.get(name="pace")
    _rename(
        client,
        rule,
        label_en="City pace rule",
        bands={"B": {"label": "おおむね順調", "label_en": "Fair progress"}},
    )
    band = RatingBand.objects.get(rule=rule, code="B")
    assert (band.label, band.label_en) == ("おおむね順調", "Fair progress")
    assert RatingRule.objects.get(pk=rule.pk).label_en == "City pace rule"

    public = Client()
    api = public.get("/api/v1/indicators/KPI-1-1/?fiscal_year=2016", **EN).json()
    assert api["rating"] == {"code": "B", "label": "Fair progress"}
    assert public.get("/api/v1/rating-rules/pace/", **EN).json()["label"] == "City pace rule"
    japanese = public.get("/api/v1/indicators/KPI-1-1/?fiscal_year=2016").json()
    assert japanese["rating"] == {"code": "B", "label": "おおむね順調"}

    page = public.get("/indicators/KPI-1-1/?fiscal_year=2016", **EN).content.decode()
    assert _facts(page)["Rating"] == "B Fair progress"
    assert _facts(page)["Rating scale"] == "City pace rule"
    home = _text(public.get("/?fiscal_year=2016", **EN).content.decode())
    assert "B Fair progress" in home and "おおむね順調" not in home


def test_a_label_a_planner_left_without_english_reads_as_typed(client, planner):
    client.force_login(planner)
    rule = RatingRule.objects.get(name="pace")
    _rename(client, rule, label_en=rule.label_en, bands={"B": {"label": "市独自", "label_en": ""}})
    api = Client().get("/api/v1/indicators/KPI-1-1/?fiscal_year=2016", **EN).json()
    assert api["rating"] == {"code": "B", "label": "市独自"}


def test_the_reports_evaluations_name_their_rating_in_english():
    pillar = Pillar.objects.get(number=1)
    row = SimpleNamespace(
        subject=pillar,
        pillar=pillar,
        stage="secondary",
        get_stage_display=lambda: "Secondary evaluation",
        rating="B",
        results="",
        analysis="",
        issues="",
        comment="",
        direction="",
        department="",
        get_direction_display=lambda: "",
    )
    with translation.override("en"):
        english = evaluations_by_subject([row])[pillar]["secondary"]
    assert english["rating_label"] == "Mostly on track"
    assert evaluations_by_subject([row])[pillar]["secondary"]["rating_label"] == "概ね順調"


def test_the_english_admin_lists_the_rules_by_their_english_names(client, planner):
    client.force_login(planner)
    client.cookies["django_language"] = "en"
    listing = client.get(reverse("admin:indicators_ratingrule_changelist")).content.decode()
    assert PACE_EN in listing and "Statistics Canada method (Open SDG)" in listing
    assert "進捗の速さ" not in listing
    rule = RatingRule.objects.get(name="pace")
    form = client.get(reverse("admin:indicators_ratingrule_change", args=[rule.pk]))
    assert 'name="label_en"' in form.content.decode()
    assert 'name="bands-0-label_en"' in form.content.decode()


# --- Punctuation ---------------------------------------------------------------------------


@pytest.fixture
def demo():
    demo_data_load()


ENGLISH_PAGES = [
    "/",
    "/pillars/1/",
    "/pillars/2/",
    "/pillars/3/",
    "/pillars/4/",
    "/indicators/KPI-1-1/",
    "/indicators/KPI-3-1/",
    "/consult/",
    "/opendata/",
    "/reports/2016/",
    "/search/?q=相談",
]


def test_english_pages_with_the_sample_data_carry_no_full_width_punctuation(demo):
    client = Client()
    for url in ENGLISH_PAGES:
        response = client.get(url, **EN)
        assert response.status_code == 200, url
        assert misplaced_full_width_marks(response.content.decode()) == [], url


def test_the_pillar_page_gives_the_achievement_in_english_punctuation(demo):
    english = _text(Client().get("/pillars/1/?fiscal_year=2016", **EN).content.decode())
    assert re.search(r"\(achievement \d+\.\d%\)", english)
    japanese = _text(Client().get("/pillars/1/?fiscal_year=2016").content.decode())
    assert re.search(r"（達成率 \d+\.\d%）", japanese)


def test_the_finder_lists_life_stages_with_commas_in_english(demo):
    english = _text(Client().get("/consult/", **EN).content.decode())
    assert "Early childhood, School age" in english
    japanese = _text(Client().get("/consult/").content.decode())
    assert "幼児期、学齢期" in japanese


def test_english_admin_pages_carry_no_full_width_punctuation(client, planner, demo):
    from indicators.models import IndicatorValue, Target

    client.force_login(planner)
    client.cookies["django_language"] = "en"
    record = IndicatorValue.objects.filter(source="デモデータ").first()
    pages = [
        reverse("admin:index"),
        reverse("admin:indicators_indicatorvalue_change", args=[record.pk]),
        reverse("admin:indicators_ratingrule_changelist"),
        reverse("admin:indicators_target_change", args=[Target.objects.first().pk]),
        reverse("admin:indicators_target_changelist"),
        reverse("admin-completeness"),
        reverse("admin-demo-data"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert misplaced_full_width_marks(response.content.decode()) == [], url
    status = _text(client.get(pages[1]).content.decode())
    assert "Status: Approved (version 1)" in status


# --- The language menu -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_language_menu_names_each_language_in_itself(language):
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    menu = re.search(r'<select id="language".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="(\w+)" lang="\1"[^>]*>([^<]*)</option>', menu)
    assert options == [("ja", "日本語"), ("en", "English")]
    assert "英語" not in menu
