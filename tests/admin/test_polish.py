"""What planners and ward officers meet in the admin (issue 12, item 5): the 履歴 page in words,
no way to revert, the entry form's defaults and help, a duplicate's link to the saved record,
natural Japanese in the messages, figures in their indicator's decimals; and the names and
labels that read in English."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from community.models import (
    Department,
    HealthTownPlanningRecord,
    LifeStage,
    Municipality,
    OrganisationType,
    SchoolDistrict,
    VolunteerHeadcount,
    VolunteerProgram,
)
from indicators.models import Indicator, IndicatorValue, Target
from indicators.rating_labels import PRESET_LABELS, rating_label
from infrastructure.admin_mixins import HistoryAdmin, existing_duplicate
from infrastructure.history import reason_label
from infrastructure.workflow import Status, record_transition
from programs.models import InitiativeProgress
from tests.factories import evaluation, progress, value, ward

pytestmark = pytest.mark.django_db

VALUES = "admin:indicators_indicatorvalue"
PROGRESS = "admin:programs_initiativeprogress"
ROOT = Path(__file__).resolve().parents[2]


def entry(**fields) -> dict:
    data = {
        "indicator": Indicator.objects.get(code="KPI-3-2").pk,
        "fiscal_year": "2015",
        "kind": "actual",
        "ward": ward("chuo").pk,
        "value": "21.3",
        "note": "",
        "as_of": "",
        "source": "",
    }
    data.update(fields)
    return data


# --- The 履歴 page ---------------------------------------------------------------------------


def test_the_history_page_reads_in_words_not_codes(client, chuo_officer, planner):
    record = value(indicator="KPI-3-2", amount="21.3", ward_code="chuo")
    client.force_login(chuo_officer)
    edited = client.post(
        reverse(f"{VALUES}_change", args=[record.pk]),
        {**entry(), "value": "79.1", "note": "調査の確定値", "expected_version": 1},
    )
    assert edited.status_code == 302
    record_transition(record=record, transition="submit", user=chuo_officer)
    record_transition(record=record, transition="approve", user=planner, comment="確認済み")

    client.force_login(planner)
    page = client.get(reverse(f"{VALUES}_history", args=[record.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    # The reason, the kind of change and the status: labels.
    assert "承認：確認済み" in html and "approve" not in html
    assert "提出済み → 承認済み" in html and "submitted" not in html
    assert "作成" in html and "変更" in html and "Changed" not in html
    # The figure in the indicator's one decimal; nothing as None; field names as verbose names.
    assert "21.3 → 79.1" in html and "79.1000" not in html and "21.3000" not in html
    assert "None" not in html
    assert "<strong>値：</strong>" in html and "<strong>備考：</strong>" in html
    assert "— → 調査の確定値" in html
    # Headings in Japanese, dates in the Japanese format.
    assert "変更者" in html and "Changed by" not in html and "Date/time" not in html
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", html)
    assert "変更履歴" in page.context["title"]


def test_a_city_wide_ward_reads_as_such_in_the_history(client, planner):
    record = value(amount="115000", ward_code="chuo")
    client.force_login(planner)
    response = client.post(
        reverse(f"{VALUES}_change", args=[record.pk]),
        {
            **entry(indicator=record.indicator_id, value="116000"),
            "ward": "",
            "expected_version": 1,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    html = client.get(reverse(f"{VALUES}_history", args=[record.pk])).content.decode()
    assert "中央区 → 市全体" in html
    assert "115,000 → 116,000" in html


def test_reasons_are_named_in_words():
    assert reason_label("reopen: 数値の誤り") == "承認の取り消し：数値の誤り"
    assert reason_label("submit") == "提出"
    assert reason_label("load_plan") == "計画書のデータの読み込み"
    assert reason_label("derived: recomputed") == "自動計算で再計算"
    assert reason_label("同じ年度の入力の誤り") == "同じ年度の入力の誤り"
    with translation.override("en"):
        assert reason_label("approve: ok") == "Approve: ok"


# --- No revert -------------------------------------------------------------------------------


def _one_of_each(planner) -> dict:
    """A saved row of every model with a history, for the revert checks."""
    district = SchoolDistrict.objects.create(code="T1", name="テスト校区", ward=ward("chuo"))
    HealthTownPlanningRecord.objects.create(school_district=district, fiscal_year=2015, stage=1)
    VolunteerHeadcount.objects.create(
        program=VolunteerProgram.objects.first(), fiscal_year=2015, ward=ward("chuo"), headcount=3
    )
    progress(ward_code="chuo")
    value(ward_code="chuo")
    department = Department.objects.create(municipality=Municipality.objects.get(), name="試験課")
    evaluation(pillar=1, stage="secondary")
    from evaluations.models import EvaluationYear
    from programs.selectors import current_plan

    EvaluationYear.objects.create(plan=current_plan(), fiscal_year=2015, committee_name="委員会")
    assert department.pk
    return {
        model: model._default_manager.order_by("pk").first()
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, HistoryAdmin)
    }


def test_no_history_tracked_admin_offers_or_allows_a_revert(client, city_admin, planner):
    rows = _one_of_each(planner)
    assert {IndicatorValue, InitiativeProgress, Target, HealthTownPlanningRecord} <= set(rows)
    assert all(rows.values()), [m for m, r in rows.items() if r is None]
    client.force_login(city_admin)
    for model, row in rows.items():
        info = model._meta.app_label, model._meta.model_name
        if not row.history.exists():  # made by a migration, before its history
            row.save()
        version = row.history.order_by("history_id").first()
        url = reverse("admin:{}_{}_simple_history".format(*info), args=[row.pk, version.pk])
        page = client.get(url)
        assert page.status_code == 200, model
        html = page.content.decode()
        assert "Revert" not in html and 'name="_save"' not in html, model
        assert '<input type="submit"' not in html, model  # (the logout button aside)
        listing = client.get(reverse("admin:{}_{}_history".format(*info), args=[row.pk]))
        assert "revert" not in listing.content.decode().lower(), model
        before = row.history.count()
        assert client.post(url, {}).status_code == 403, model
        assert row.history.count() == before, model


# --- The entry form --------------------------------------------------------------------------


def test_the_entry_form_starts_on_actual(client, chuo_officer):
    client.force_login(chuo_officer)
    page = client.get(reverse(f"{VALUES}_add"))
    form = page.context["adminform"].form
    assert form["kind"].value() == "actual"
    assert '<option value="actual" selected>' in page.content.decode()


def test_a_ward_officer_is_not_told_that_empty_means_city_wide(client, chuo_officer, planner):
    for name in (f"{VALUES}_add", f"{PROGRESS}_add", "admin:community_volunteerheadcount_add"):
        client.force_login(chuo_officer)
        officer = client.get(reverse(name)).content.decode()
        assert "空欄は市全体" not in officer, name
        assert "所属の区（中央区）の記録です。" in officer, name
        client.force_login(planner)
        assert "空欄は市全体" in client.get(reverse(name)).content.decode(), name


def test_a_ward_officer_reading_a_record_is_not_told_either(client, chuo_officer):
    approved = value(ward_code="higashi", status=Status.APPROVED)
    client.force_login(chuo_officer)
    page = client.get(reverse(f"{VALUES}_change", args=[approved.pk])).content.decode()
    assert "東区" in page and "空欄は市全体" not in page


# --- A duplicate -----------------------------------------------------------------------------


def test_a_duplicate_value_links_to_the_saved_one(client, chuo_officer):
    saved = value(indicator="KPI-3-2", amount="21.3", ward_code="chuo")
    client.force_login(chuo_officer)
    response = client.post(reverse(f"{VALUES}_add"), entry(value="22.0"))
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.non_field_errors())
    assert "すでに登録されています" in errors
    assert f'href="{reverse(f"{VALUES}_change", args=[saved.pk])}"' in errors
    assert IndicatorValue.objects.filter(origin="entry").count() == 1


def test_a_duplicate_progress_report_links_to_the_saved_one(client, chuo_officer):
    saved = progress(ward_code="chuo")
    client.force_login(chuo_officer)
    response = client.post(
        reverse(f"{PROGRESS}_add"),
        {
            "initiative": saved.initiative_id,
            "fiscal_year": "2015",
            "ward": ward("chuo").pk,
            "state": "in_progress",
            **{f: "" for f in ("results", "issues", "next_steps", "source")},
            **{f: "" for f in ("events_held", "participants", "trainees")},
        },
    )
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.non_field_errors())
    assert "すでに登録されています" in errors
    assert f'href="{reverse(f"{PROGRESS}_change", args=[saved.pk])}"' in errors
    assert InitiativeProgress.objects.count() == 1


def test_a_duplicate_never_links_to_a_record_the_user_may_not_see(chuo_officer):
    """Another ward's draft is found as the duplicate, but the link is not given."""
    draft = value(ward_code="higashi")
    twin = IndicatorValue(
        indicator=draft.indicator, fiscal_year=draft.fiscal_year, kind=draft.kind, ward=draft.ward
    )
    assert existing_duplicate(twin) == draft
    model_admin = admin.site._registry[IndicatorValue]
    assert model_admin.visible_change_url(chuo_officer, draft) is None
    own = value(ward_code="chuo")
    assert model_admin.visible_change_url(chuo_officer, own)


def test_a_city_wide_value_and_a_wards_are_different_keys():
    city = value(ward_code=None)
    chuo = IndicatorValue(
        indicator=city.indicator, fiscal_year=city.fiscal_year, kind=city.kind, ward=ward("chuo")
    )
    assert existing_duplicate(chuo) is None


# --- Natural Japanese ------------------------------------------------------------------------


def test_reopening_says_the_approval_was_withdrawn(client, planner):
    record = value(ward_code="chuo", status=Status.APPROVED)
    client.force_login(planner)
    response = client.post(
        reverse(f"{VALUES}_transition", args=[record.pk, "reopen"]),
        {"expected_version": 1, "comment": "数値の誤り"},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "の承認を取り消しました。" in shown and "取り消ししました" not in shown
    returned = value(ward_code="chuo", fiscal_year=2016, status=Status.SUBMITTED)
    response = client.post(
        reverse(f"{VALUES}_transition", args=[returned.pk, "return"]),
        {"expected_version": 1, "comment": "確認を"},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "を差し戻しました。" in shown and "差し戻ししました" not in shown


def test_a_transition_that_cannot_be_taken_says_so_naturally(client, planner):
    draft = value(ward_code="chuo")
    client.force_login(planner)
    page = client.get(reverse(f"{VALUES}_transition", args=[draft.pk, "reopen"]))
    assert "この記録は今承認を取り消せません。" in page.content.decode()


def test_no_message_glues_a_noun_phrase_to_shimashita():
    """「承認の取り消ししました」: a noun phrase joined to する/できる. Every Japanese message in
    the code and the templates is checked."""
    slips = re.compile(
        r"(の取り消し|差し戻し)(しました|できません|できませんでした)|%\(action\)s(し|でき)"
    )
    sources = [
        p
        for folder in (
            "kumamoto_welfare",
            "infrastructure",
            "evaluations",
            "indicators",
            "programs",
            "community",
            "portal",
            "templates",
        )
        for p in (ROOT / folder).rglob("*")
        if p.suffix in {".py", ".html", ".txt"} and "migrations" not in p.parts
    ]
    found = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in sources
        for m in slips.finditer(p.read_text(encoding="utf-8"))
    ]
    assert found == []


# --- Figures in their decimals ---------------------------------------------------------------


def test_figures_read_in_their_indicators_decimals(client, planner):
    rate = value(indicator="KPI-3-2", amount="79.1", ward_code="chuo")
    count = value(indicator="KPI-3-1", amount="1234", ward_code="higashi")
    client.force_login(planner)
    listing = client.get(reverse(f"{VALUES}_changelist")).content.decode()
    assert "79.1</td>" in listing and "1,234</td>" in listing
    assert "79.1000" not in listing and "1234.0000" not in listing
    form = client.get(reverse(f"{VALUES}_change", args=[rate.pk])).content.decode()
    assert 'name="value" value="79.1"' in form
    form = client.get(reverse(f"{VALUES}_change", args=[count.pk])).content.decode()
    assert 'name="value" value="1234"' in form
    assert str(count).endswith(": 1,234")


def test_an_unchanged_figure_is_not_counted_as_changed(client, chuo_officer):
    record = value(indicator="KPI-3-2", amount="79.1", ward_code="chuo")
    client.force_login(chuo_officer)
    response = client.post(
        reverse(f"{VALUES}_change", args=[record.pk]),
        {**entry(value="79.1"), "note": "メモ", "expected_version": 1},
    )
    assert response.status_code == 302
    latest = record.history.latest()
    changes = latest.diff_against(latest.prev_record).changed_fields
    assert changes == ["note"]


def test_a_read_only_figure_reads_in_its_decimals(client, chuo_officer):
    approved = value(indicator="KPI-3-2", amount="79.1", ward_code="higashi", status="approved")
    client.force_login(chuo_officer)
    page = client.get(reverse(f"{VALUES}_change", args=[approved.pk])).content.decode()
    assert "79.1" in page and "79.1000" not in page


def test_targets_read_in_their_decimals(client, planner):
    target = Target.objects.filter(indicator__code="KPI-3-2").first()
    client.force_login(planner)
    listing = client.get(reverse("admin:indicators_target_changelist")).content.decode()
    assert "26.0" in listing and "26.0000" not in listing
    page = client.get(reverse("admin:indicators_target_change", args=[target.pk])).content.decode()
    assert "26.0" in page and "26.0000" not in page


# --- In English ------------------------------------------------------------------------------


def test_rating_labels_read_in_english():
    with translation.override("en"):
        english = {label: rating_label(label) for label in PRESET_LABELS}
        assert english["概ね順調"] == "Mostly on track"
        assert english["やや遅れ"] == "Slightly behind"
        assert english["未達成"] == "Not achieved"
        assert all(re.fullmatch(r"[ -~]+", text) for text in english.values()), english
        assert rating_label("市独自の区分") == "市独自の区分"  # a planner's own label
    assert rating_label("概ね順調") == "概ね順調"


def test_the_api_gives_the_rating_label_in_english(client):
    data = client.get("/api/v1/indicators/KPI-1-1/", HTTP_ACCEPT_LANGUAGE="en").json()
    japanese = client.get("/api/v1/indicators/KPI-1-1/").json()
    assert japanese["rating"]["label"] in PRESET_LABELS
    assert data["rating"]["label"] == rating_label_en(japanese["rating"]["label"])
    assert data["rating"]["label"] != japanese["rating"]["label"]


def rating_label_en(label: str) -> str:
    with translation.override("en"):
        return rating_label(label)


def test_ward_life_stage_and_organisation_type_names_read_in_english():
    chuo = ward("chuo")
    stage = LifeStage.objects.get(code="old-age")
    kind = OrganisationType.objects.get(code="seniors-club")
    assert (str(chuo), str(stage), str(kind)) == ("中央区", "高齢期", "老人クラブ")
    with translation.override("en"):
        assert str(chuo) == "Chuo Ward"
        assert str(stage) == stage.name_en != ""
        assert str(kind) == "Seniors' club"
    assert not OrganisationType.objects.filter(name_en="").exists()


def test_the_english_admin_names_wards_in_english(client, planner):
    value(ward_code="chuo")
    client.force_login(planner)
    client.cookies["django_language"] = "en"
    listing = client.get(reverse(f"{VALUES}_changelist")).content.decode()
    assert "Chuo Ward" in listing and "中央区" not in listing
    history = client.get(
        reverse(f"{VALUES}_history", args=[IndicatorValue.objects.get(origin="entry").pk])
    ).content.decode()
    assert "Changed by" in history and "Created" in history


def test_the_english_pages_name_wards_and_directory_entries_in_english(client):
    page = client.get("/consult/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Chuo Ward" in page and "Old age" in page
    assert "中央区</option>" not in page


def test_the_api_names_types_and_life_stages_in_the_responses_language(client):
    english = client.get("/api/v1/community-resources/", HTTP_ACCEPT_LANGUAGE="en").json()
    rows = english["results"] if isinstance(english, dict) else english
    assert rows
    kinds = {r["organisation_type"]: r["organisation_type_name"] for r in rows}
    assert all(re.fullmatch(r"[ -~]+", name) for name in kinds.values()), kinds
    stages = {n for r in rows for n in r["life_stage_names"]}
    assert stages and all(re.fullmatch(r"[ -~]+", n) for n in stages), stages


def test_a_decimal_is_shown_as_it_is_without_an_indicator():
    from infrastructure.display import figure_text

    assert figure_text(Decimal("79.1000")) == "79.1"
    assert figure_text(Decimal("1234.0000")) == "1,234"
    assert figure_text(Decimal("79.1000"), 2) == "79.10"
    assert figure_text(None) == "—"


def test_a_list_of_counted_records_reads_by_its_labels():
    from infrastructure.changes import value_words as value_text

    field = IndicatorValue._meta.get_field("computation")
    counted = [{"label": "A校区：活動の展開"}, {"label": "B校区：活動の展開"}]
    assert value_text(field, counted) == "A校区：活動の展開、B校区：活動の展開"
    assert value_text(field, []) == "—"
