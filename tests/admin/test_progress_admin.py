"""Progress entry and approval in the admin: the same policy and workflow as the API, through
real requests (login, form posts, transitions, bulk actions)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from indicators.services import indicator_value_update
from infrastructure.workflow import Status, record_transition
from programs.models import Challenge, Initiative, InitiativeProgress
from tests.factories import value, ward

pytestmark = pytest.mark.django_db

VALUES = "admin:indicators_indicatorvalue"
PROGRESS = "admin:programs_initiativeprogress"


def url(name: str, *args) -> str:
    return reverse(f"{name}_{args[0]}" if args and isinstance(args[0], str) else name, args=args)


def change_url(record) -> str:
    return reverse(f"{VALUES}_change", args=[record.pk])


def transition_url(record, transition: str, base: str = VALUES) -> str:
    return reverse(f"{base}_transition", args=[record.pk, transition])


def form_data(record: IndicatorValue | None = None, **fields) -> dict:
    """The fields of the indicator-value form, as the browser posts them."""
    data = {
        "indicator": Indicator.objects.get(code="KPI-3-1").pk,
        "fiscal_year": "2015",
        "kind": "actual",
        "ward": ward("chuo").pk,
        "value": "115000",
        "note": "",
        "as_of": "",
        "source": "",
    }
    if record is not None:
        data.update(
            indicator=record.indicator_id,
            fiscal_year=str(record.fiscal_year),
            kind=record.kind,
            ward=record.ward_id or "",
            value=str(record.value),
            note=record.note,
            expected_version=record.version,
        )
    data.update(fields)
    return data


def login(client, user):
    client.force_login(user)
    return client


# --- Who sees and reaches what -------------------------------------------------------------


def test_a_ward_officer_never_reaches_another_wards_record(client, chuo_officer):
    other = value(ward_code="higashi")
    login(client, chuo_officer)
    for name in ("change", "delete", "history"):
        response = client.get(reverse(f"{VALUES}_{name}", args=[other.pk]))
        assert response.status_code in (403, 404), name
        assert "115000" not in response.content.decode()
        assert "115,000" not in response.content.decode()
    assert client.get(transition_url(other, "submit")).status_code == 404
    assert client.post(transition_url(other, "submit"), {"expected_version": 1}).status_code == 404
    history = other.history.first()
    assert (
        client.get(
            reverse(f"{VALUES}_simple_history", args=[other.pk, history.history_id])
        ).status_code
        == 403
    )
    other.refresh_from_db()
    assert other.status == Status.DRAFT and other.version == 1


def test_the_changelist_shows_each_persona_its_rows(client, chuo_officer, planner):
    own = value(ward_code="chuo")
    other = value(ward_code="higashi", fiscal_year=2016)
    other_approved = value(ward_code="higashi", fiscal_year=2014, status=Status.APPROVED)
    login(client, chuo_officer)
    ids = {o.pk for o in client.get(reverse(f"{VALUES}_changelist")).context["cl"].result_list}
    assert own.pk in ids and other_approved.pk in ids and other.pk not in ids
    login(client, planner)
    ids = {o.pk for o in client.get(reverse(f"{VALUES}_changelist")).context["cl"].result_list}
    assert {own.pk, other.pk, other_approved.pk} <= ids


def test_another_wards_approved_figure_is_read_only(client, chuo_officer):
    approved = value(ward_code="higashi", status=Status.APPROVED)
    login(client, chuo_officer)
    page = client.get(change_url(approved))
    assert page.status_code == 200
    assert 'name="value"' not in page.content.decode()
    response = client.post(change_url(approved), form_data(approved, value="1"))
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.value == Decimal("115000")


# --- Entry -----------------------------------------------------------------------------------


def test_a_ward_officer_enters_a_value_for_their_ward(client, chuo_officer):
    login(client, chuo_officer)
    response = client.post(reverse(f"{VALUES}_add"), form_data(fiscal_year="平成27年度"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = IndicatorValue.objects.get(origin="entry")
    assert (record.fiscal_year, record.ward.code, record.status) == (2015, "chuo", Status.DRAFT)
    assert record.history.get().history_user == chuo_officer


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"ward": "higashi"}, "ward", "正しく選択"),
        ({"ward": ""}, "ward", "必須"),
        ({"indicator": "KPI-3-2", "value": "101"}, "value", "0〜100"),
        ({"value": "-1"}, "value", "0以上の整数"),
        ({"value": "12.5"}, "value", "0以上の整数"),
        ({"fiscal_year": "2030"}, "fiscal_year", "計画の対象期間"),
        ({"fiscal_year": "平成"}, "fiscal_year", "解釈できません"),
    ],
)
def test_bad_entries_are_form_errors(client, chuo_officer, fields, field, message):
    if fields.get("ward") == "higashi":
        fields["ward"] = ward("higashi").pk
    if "indicator" in fields:
        fields["indicator"] = Indicator.objects.get(code=fields["indicator"]).pk
    login(client, chuo_officer)
    response = client.post(reverse(f"{VALUES}_add"), form_data(**fields))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, [])), errors
    assert not IndicatorValue.objects.filter(origin="entry").exists()


def test_a_district_count_baseline_is_not_capped_by_the_districts_imported(client, planner):
    from community.models import SchoolDistrict

    for n in range(3):
        SchoolDistrict.objects.create(code=f"T{n}", name=f"テスト{n}校区", ward=ward("chuo"))
    kpi = Indicator.objects.get(code="KPI-4-1")
    login(client, planner)
    # Only three districts imported so far: a typed baseline of four is still a fact.
    more = form_data(indicator=kpi.pk, kind="baseline", value="4")  # actuals are derived
    assert client.post(reverse(f"{VALUES}_add"), more).status_code == 302


def test_a_duplicate_is_a_clear_form_error(client, chuo_officer):
    value(ward_code="chuo")
    login(client, chuo_officer)
    response = client.post(reverse(f"{VALUES}_add"), form_data())
    assert response.status_code == 200
    assert "すでに登録されています" in str(response.context["adminform"].form.errors)
    assert IndicatorValue.objects.filter(origin="entry").count() == 1


def test_city_wide_values_are_for_planners(client, chuo_officer, planner):
    login(client, chuo_officer)
    page = client.get(reverse(f"{VALUES}_add"))
    choices = [c[0] for c in page.context["adminform"].form.fields["ward"].choices]
    assert [str(c) for c in choices] == [str(ward("chuo").pk)]
    login(client, planner)
    assert client.post(reverse(f"{VALUES}_add"), form_data(ward="")).status_code == 302
    assert IndicatorValue.objects.get(origin="entry").ward is None


def test_a_big_change_needs_a_note(client, chuo_officer):
    value(ward_code="chuo", fiscal_year=2014, amount="100000", status=Status.APPROVED)
    login(client, chuo_officer)
    jump = form_data(fiscal_year="2015", value="151000")
    response = client.post(reverse(f"{VALUES}_add"), jump)
    note = " ".join(response.context["adminform"].form.errors["note"])
    assert "+51.0%で、上限の50%を超えて" in note and "の100,000、承認済み" in note
    assert client.post(reverse(f"{VALUES}_add"), {**jump, "note": "新施設"}).status_code == 302


def test_a_ward_officer_edits_their_draft(client, chuo_officer):
    record = value(ward_code="chuo")
    login(client, chuo_officer)
    response = client.post(change_url(record), form_data(record, value="116000"))
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.value, record.version) == (Decimal("116000"), 2)
    latest = record.history.latest()
    assert latest.history_user == chuo_officer and latest.value == Decimal("116000")


def test_the_second_of_two_concurrent_saves_is_refused_with_what_changed(
    client, chuo_officer, planner
):
    record = value(ward_code="chuo")
    login(client, chuo_officer)
    opened = form_data(record, value="117000")  # the officer opened version 1
    indicator_value_update(user=planner, record=record, expected_version=1, value=Decimal(118000))
    response = client.post(change_url(record), opened)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "他の人が更新しました" in errors
    assert "115,000 → 118,000" in errors
    record.refresh_from_db()
    assert (record.value, record.version) == (Decimal("118000"), 2)


def test_delete_goes_through_the_policy(client, chuo_officer):
    own = value(ward_code="chuo")
    submitted = value(ward_code="chuo", fiscal_year=2016, status=Status.SUBMITTED)
    login(client, chuo_officer)
    assert (
        client.post(reverse(f"{VALUES}_delete", args=[submitted.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse(f"{VALUES}_delete", args=[own.pk]),
            {"post": "yes", "expected_version": own.version},
        ).status_code
        == 302
    )
    assert not IndicatorValue.objects.filter(pk=own.pk).exists()
    assert IndicatorValue.history.filter(id=own.pk, history_type="-").get().history_user == (
        chuo_officer
    )


def test_plan_values_are_read_only_for_everyone(client, city_admin):
    plan_value = IndicatorValue.objects.get(indicator__code="KPI-1-1", kind="actual")
    login(client, city_admin)
    page = client.get(change_url(plan_value))
    assert page.status_code == 200 and 'name="value"' not in page.content.decode()
    assert page.context["transitions"] == []


# --- The workflow --------------------------------------------------------------------------


def test_submit_approve_and_both_show_on_the_record(client, chuo_officer, planner):
    record = value(ward_code="chuo")
    login(client, chuo_officer)
    page = client.get(change_url(record))
    assert [label for label, _ in page.context["transitions"]] == ["提出"]
    response = client.post(transition_url(record, "submit"), {"expected_version": 1})
    assert response.status_code == 302
    login(client, planner)
    page = client.get(change_url(record))
    assert [label for label, _ in page.context["transitions"]] == ["承認", "差し戻し"]
    client.post(transition_url(record, "approve"), {"expected_version": 2})
    record.refresh_from_db()
    assert record.status == Status.APPROVED
    page = client.get(change_url(record)).content.decode()
    assert "chuo_officer" in page and "planner" in page and "承認" in page
    assert [(t.transition, t.user) for t in record.transitions.all()] == [
        ("submit", chuo_officer),
        ("approve", planner),
    ]


def test_a_ward_officer_cannot_approve(client, chuo_officer):
    record = value(ward_code="chuo", status=Status.SUBMITTED)
    login(client, chuo_officer)
    response = client.post(transition_url(record, "approve"), {"expected_version": 1})
    assert response.status_code == 200
    assert "計画担当" in str(response.context["form"].non_field_errors())
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED


@pytest.mark.parametrize("transition", ["return", "reopen"])
def test_return_and_reopen_need_a_comment(client, planner, transition):
    status = Status.SUBMITTED if transition == "return" else Status.APPROVED
    record = value(ward_code="chuo", status=status)
    login(client, planner)
    refused = client.post(transition_url(record, transition), {"expected_version": 1})
    assert "comment" in refused.context["form"].errors
    record.refresh_from_db()
    assert record.status == status
    done = client.post(
        transition_url(record, transition), {"expected_version": 1, "comment": "数値の確認を"}
    )
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.status == Status.DRAFT
    assert record.transitions.get().comment == "数値の確認を"


def test_approved_records_are_locked_for_ward_officers(client, chuo_officer):
    record = value(ward_code="chuo", status=Status.APPROVED)
    login(client, chuo_officer)
    page = client.get(change_url(record))
    assert 'name="value"' not in page.content.decode() and page.context["transitions"] == []
    assert client.post(change_url(record), form_data(record, value="1")).status_code == 403


def test_a_stale_transition_is_refused(client, chuo_officer):
    record = value(ward_code="chuo")
    login(client, chuo_officer)
    response = client.post(transition_url(record, "submit"), {"expected_version": 7})
    assert "他の人が更新しました" in str(response.context["form"].non_field_errors())
    record.refresh_from_db()
    assert record.status == Status.DRAFT


def test_bulk_submit_and_bulk_approve_follow_the_same_rules(client, chuo_officer, planner):
    drafts = [value(ward_code="chuo", fiscal_year=year) for year in (2014, 2015)]
    login(client, chuo_officer)
    changelist = client.get(reverse(f"{VALUES}_changelist"))
    offered = {name for name, _ in changelist.context["action_form"].fields["action"].choices}
    assert "submit_selected" in offered and "approve_selected" not in offered
    assert "delete_selected" not in offered
    approve = {"action": "approve_selected", "_selected_action": [d.pk for d in drafts]}
    client.post(reverse(f"{VALUES}_changelist"), approve)
    assert set(IndicatorValue.objects.filter(origin="entry").values_list("status", flat=True)) == {
        Status.DRAFT
    }
    client.post(
        reverse(f"{VALUES}_changelist"),
        {"action": "submit_selected", "_selected_action": [drafts[0].pk]},
    )
    login(client, planner)
    response = client.post(reverse(f"{VALUES}_changelist"), approve, follow=True)
    statuses = dict(IndicatorValue.objects.filter(origin="entry").values_list("pk", "status"))
    assert statuses == {drafts[0].pk: Status.APPROVED, drafts[1].pk: Status.DRAFT}
    shown = [str(m) for m in response.context["messages"]]
    assert any("1件を承認しました" in m for m in shown)
    assert any("1件は承認できませんでした" in m for m in shown)


def test_initiative_progress_is_entered_and_submitted_in_the_admin(client, chuo_officer):
    initiative = Initiative.objects.get(code="1-2-1")
    login(client, chuo_officer)
    response = client.post(
        reverse(f"{PROGRESS}_add"),
        {
            "initiative": initiative.pk,
            "fiscal_year": "H27",
            "ward": ward("chuo").pk,
            "state": "in_progress",
            "results": "ジュニアヘルパー養成講座を3回開催",
            "issues": "",
            "next_steps": "",
            "events_held": "3",
            "participants": "",
            "trainees": "45",
            "source": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = InitiativeProgress.objects.get()
    assert (record.fiscal_year, record.trainees, record.status) == (2015, 45, Status.DRAFT)
    client.post(transition_url(record, "submit", PROGRESS), {"expected_version": 1})
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED
    assert record.history.latest().history_user == chuo_officer


# --- History -------------------------------------------------------------------------------


def test_the_history_page_shows_who_changed_what(client, chuo_officer, planner):
    record = value(ward_code="chuo")
    login(client, chuo_officer)
    client.post(change_url(record), form_data(record, value="116000"))
    record_transition(record=record, transition="submit", user=chuo_officer)
    login(client, planner)
    page = client.get(reverse(f"{VALUES}_history", args=[record.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "chuo_officer" in text and "116,000" in text
    old = record.history.earliest()
    past = client.get(reverse(f"{VALUES}_simple_history", args=[record.pk, old.history_id]))
    assert past.status_code == 200
    # Old versions are shown, never restored: a restore would bypass the workflow.
    restore = client.post(
        reverse(f"{VALUES}_simple_history", args=[record.pk, old.history_id]),
        form_data(record, value="1"),
    )
    assert restore.status_code == 403
    record.refresh_from_db()
    assert record.value == Decimal("116000")


def test_plan_content_keeps_a_history(client, planner):
    challenge = Challenge.objects.filter(pillar__number=1).first()
    loaded = challenge.history.get()
    assert loaded.history_type == "+" and loaded.history_change_reason == "load_plan"
    login(client, planner)
    page = client.get(reverse("admin:programs_challenge_change", args=[challenge.pk]))
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["text"] = challenge.text + "（改）"
    response = client.post(reverse("admin:programs_challenge_change", args=[challenge.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = challenge.history.latest()
    assert latest.history_user == planner and latest.text.endswith("（改）")
    delta = latest.diff_against(loaded)
    assert [change.field for change in delta.changes] == ["text"]
    page = client.get(reverse("admin:programs_challenge_history", args=[challenge.pk]))
    assert page.status_code == 200 and "（改）" in page.content.decode()


def test_a_ward_officer_reads_plan_content_but_never_changes_it(client, chuo_officer):
    initiative = Initiative.objects.get(code="1-2-1")
    login(client, chuo_officer)
    page = client.get(reverse("admin:programs_initiative_change", args=[initiative.pk]))
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()
    assert (
        client.post(
            reverse("admin:programs_initiative_change", args=[initiative.pk]), {"title": "x"}
        ).status_code
        == 403
    )


# --- Completeness and language -------------------------------------------------------------


def test_the_completeness_page_counts_each_wards_records(client, chuo_officer, planner):
    value(ward_code="chuo", fiscal_year=2015)
    value(
        ward_code="chuo",
        fiscal_year=2015,
        indicator="KPI-3-2",
        amount="50",
        status=Status.SUBMITTED,
    )
    value(ward_code="higashi", fiscal_year=2015, status=Status.APPROVED)
    login(client, planner)
    page = client.get(reverse("admin-completeness"), {"fiscal_year": "H27"})
    assert page.status_code == 200 and page.context["fiscal_year"] == 2015
    # City-wide first (no ward), then the wards.
    assert page.context["counts"][0]["ward"] is None
    counts = {row["ward"].code: row["indicator_values"] for row in page.context["counts"][1:]}
    total = Indicator.objects.filter(derivation="").count()  # the derived ones are never owed
    assert (counts["chuo"]["draft"], counts["chuo"]["submitted"], counts["chuo"]["missing"]) == (
        1,
        1,
        total - 2,
    )
    assert counts["higashi"]["approved"] == 1 and counts["kita"]["missing"] == total
    row = next(r for r in page.context["indicator_rows"] if r["subject"].code == "KPI-3-1")
    by_ward = dict(zip([w.code for w in page.context["wards"]], row["cells"], strict=True))
    assert by_ward == {
        "chuo": "draft",
        "higashi": "approved",
        "nishi": None,
        "minami": None,
        "kita": None,
    }
    login(client, chuo_officer)
    page = client.get(reverse("admin-completeness"), {"fiscal_year": "2015"})
    assert [w.code for w in page.context["wards"]] == ["chuo"]


def test_the_admin_speaks_japanese_and_english(client, planner):
    login(client, planner)
    page = client.get(reverse("admin:index"))
    assert "熊本市地域福祉計画 進捗管理" in page.content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(reverse(f"{VALUES}_add")).content.decode()
    assert "Kumamoto" in page and "Fiscal year" in page
