"""A planner's admin (issue 21, item 3): the indicator list's verdicts with a 遅れ filter,
所管課 set on many items at once, the evaluation form's figures and ratings, and each role
offered only what it may use. Through real requests."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Department
from community.services import department_assign
from indicators.models import Indicator
from indicators.selectors import active_rule
from infrastructure import policy
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.workflow import Status
from programs.models import Initiative, Section
from tests.factories import evaluation, value
from tests.visible_text import misplaced_full_width_marks

pytestmark = pytest.mark.django_db

INDICATORS = "admin:indicators_indicator_changelist"
SECTIONS = "admin:programs_section_changelist"
INITIATIVES = "admin:programs_initiative_changelist"
EVALUATIONS = "admin:evaluations_evaluation"


def listed(response) -> dict[str, object]:
    """The indicator list's rows: code -> the progress the list computed for it."""
    assert response.status_code == 200
    return {row.code: row.progress for row in response.context["cl"].result_list}


def behind_kpi_3_1() -> None:
    """KPI-3-1 (baseline 111,901 in FY2013, target 123,086 in FY2019) fell in FY2016."""
    value(indicator="KPI-3-1", fiscal_year=2016, amount="111000", status=Status.APPROVED)


# --- 1. The indicator list: the year's verdict and achievement, and 遅れ -------------------


def test_the_indicator_list_shows_the_years_verdict_and_behind_filter(client, planner):
    behind_kpi_3_1()
    client.force_login(planner)

    # By default the pages' year (the latest with approved figures: FY2016).
    response = client.get(reverse(INDICATORS))
    rows = listed(response)
    assert rows["KPI-3-1"].status == "behind"
    assert rows["KPI-3-1"].achievement_rate == Decimal("-8.1")
    page = response.content.decode()
    assert "△ 遅れ" in page
    assert "-8.1%" in page

    # 遅れ: only the indicators behind (or not achieved) in that year.
    behind = listed(client.get(reverse(INDICATORS), {"progress": "behind"}))
    assert list(behind) == ["KPI-3-1"]

    # An earlier year knows nothing of FY2016's figure: no verdict, nothing behind.
    earlier = listed(client.get(reverse(INDICATORS), {"progress_year": "2014"}))
    assert earlier["KPI-3-1"].status == "no_data"
    assert earlier["KPI-3-1"].achievement_rate is None
    assert not listed(
        client.get(reverse(INDICATORS), {"progress": "behind", "progress_year": "2014"})
    )


def test_more_indicators_on_the_page_add_no_queries(client, planner):
    behind_kpi_3_1()
    client.force_login(planner)

    def queries() -> int:
        client.get(reverse(INDICATORS))  # the rule and the summaries' cache warmed up
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(INDICATORS))
        assert response.status_code == 200
        return len(captured)

    before = queries()
    template = Indicator.objects.get(code="KPI-3-1")
    for number in range(3, 8):
        template.pk = None
        template.code = f"KPI-3-{number}"
        template.save()
        value(indicator=template.code, fiscal_year=2016, amount="111000", status=Status.APPROVED)
    rows = listed(client.get(reverse(INDICATORS)))
    assert rows["KPI-3-7"].status == "no_data"  # no baseline or target of its own
    assert queries() == before


# --- 2. 所管課 on many items at once -----------------------------------------------------


def offered_actions(page) -> set[str]:
    """The actions a list page offers (none at all: no action box)."""
    assert page.status_code == 200
    form = page.context["action_form"]
    return set(dict(form.fields["action"].choices)) - {""} if form else set()


def assign(client, changelist: str, items, department, *, apply: bool = True):
    data = {"action": "assign_department", ACTION_CHECKBOX_NAME: [item.pk for item in items]}
    if apply:
        data.update(apply="1", department=department.pk if department else "")
    return client.post(reverse(changelist), data)


@pytest.mark.parametrize(
    ("changelist", "items"),
    [
        (SECTIONS, lambda: Section.objects.filter(pillar__number=3)),
        (INITIATIVES, lambda: Initiative.objects.filter(code__in=["1-3-1", "1-3-2", "2-1"])),
        (INDICATORS, lambda: Indicator.objects.filter(code__startswith="KPI-4-")),
    ],
)
def test_a_planner_sets_the_department_of_many_items_at_once(
    client, planner, welfare_department, changelist, items
):
    chosen = list(items())
    assert len(chosen) > 1
    client.force_login(planner)

    page = assign(client, changelist, chosen, None, apply=False)
    assert page.status_code == 200
    assert "admin/department_assign.html" in [t.name for t in page.templates]
    assert welfare_department in page.context["form"].fields["department"].queryset

    response = assign(client, changelist, chosen, welfare_department)
    assert response.status_code == 302
    for item in chosen:
        item.refresh_from_db()
        assert item.department == welfare_department
        latest = item.history.first()
        assert latest.department_id == welfare_department.pk
        assert latest.history_user == planner

    # And back to none.
    assign(client, changelist, chosen, None)
    assert (
        not type(chosen[0])
        .objects.filter(pk__in=[i.pk for i in chosen], department__isnull=False)
        .exists()
    )


def test_a_department_officer_may_not_set_departments(client, dept_officer):
    other = Department.objects.create(
        municipality=dept_officer.staff_profile.department.municipality, name="別の課"
    )
    sections = list(Section.objects.filter(pillar__number=3))
    client.force_login(dept_officer)
    page = client.get(reverse(SECTIONS))
    assert page.status_code == 200
    assert "assign_department" not in offered_actions(page)
    assign(client, SECTIONS, sections, other)
    # Nor through the service, whatever the door.
    with pytest.raises(PermissionDenied):
        department_assign(user=dept_officer, items=sections, department=other)
    assert not Section.objects.filter(department=other).exists()


# --- 3. The evaluation form: the item's figures and the rule's ratings ------------------


def test_the_evaluation_form_shows_the_items_indicators_and_offers_the_rules_ratings(
    client, planner
):
    behind_kpi_3_1()
    record = evaluation(section="3-1", fiscal_year=2016, stage="secondary")
    client.force_login(planner)
    page = client.get(reverse(f"{EVALUATIONS}_change", args=[record.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    table = html[html.index('class="evaluation-indicators"') :]
    table = table[: table.index("</table>")]
    assert "KPI-3-1" in table
    assert "KPI-3-2" not in table  # section 3-2's
    assert f"111,000（{fiscal_year_label(2016)}）" in table  # the latest actual
    assert f"123,086（{fiscal_year_label(2019)}）" in table  # the target
    assert "△ 遅れ" in table
    assert "-8.1%" in table

    rating = page.context["adminform"].form.fields["rating"]
    offered = [code for code, _label in rating.widget.choices if code]
    assert offered == [band.code for band in active_rule().bands]
    assert 'name="rating"' in html and "<select" in html[html.index('name="rating"') - 80 :]

    # The server still refuses a rating the rule does not have.
    data = {
        "fiscal_year": "2016",
        "pillar": "",
        "section": record.section_id,
        "initiative": "",
        "stage": "secondary",
        "rating": "Z",
        "results": "",
        "analysis": "",
        "issues": "",
        "direction": "",
        "comment": "",
        "expected_version": record.version,
    }
    response = client.post(reverse(f"{EVALUATIONS}_change", args=[record.pk]), data)
    assert response.status_code == 200
    assert "評価「Z」は使えません" in str(response.context["adminform"].form.errors["rating"])
    record.refresh_from_db()
    assert record.rating == ""


# --- 4. Each role offered only what it may use ------------------------------------------


def test_each_role_is_offered_only_the_stages_and_actions_it_may_use(client, dept_officer, planner):
    client.force_login(dept_officer)
    stage = client.get(reverse(f"{EVALUATIONS}_add")).context["adminform"].form.fields["stage"]
    assert [value for value, _label in stage.widget.choices if value] == ["primary"]
    # The index: only the modules the policy lets them read, "add" only where they may.
    shown = [
        m for app in client.get(reverse("admin:index")).context["app_list"] for m in app["models"]
    ]
    assert shown
    for module in shown:
        model = module["model"]
        assert policy.may(dept_officer, policy.VIEW, model), model
        assert bool(module.get("add_url")) == policy.may(dept_officer, policy.CREATE, model)
    assert Section not in [module["model"] for module in shown if module.get("add_url")]
    actions = offered_actions(client.get(reverse(f"{EVALUATIONS}_changelist")))
    assert "submit_selected" in actions
    assert "approve_selected" not in actions
    for changelist in (INDICATORS, SECTIONS, INITIATIVES):
        assert "assign_department" not in offered_actions(client.get(reverse(changelist)))

    client.force_login(planner)
    stage = client.get(reverse(f"{EVALUATIONS}_add")).context["adminform"].form.fields["stage"]
    assert [value for value, _label in stage.widget.choices if value] == [
        "primary",
        "secondary",
        "council",
    ]
    actions = offered_actions(client.get(reverse(f"{EVALUATIONS}_changelist")))
    assert {"submit_selected", "approve_selected"} <= actions
    for changelist in (INDICATORS, SECTIONS, INITIATIVES):
        assert "assign_department" in offered_actions(client.get(reverse(changelist)))


def test_the_planners_pages_read_in_english(client, planner, welfare_department):
    behind_kpi_3_1()
    record = evaluation(section="3-1", fiscal_year=2016, stage="secondary")
    client.force_login(planner)
    client.cookies["django_language"] = "en"
    pages = {
        "list": client.get(reverse(INDICATORS), {"progress": "behind"}),
        "form": client.get(reverse(f"{EVALUATIONS}_change", args=[record.pk])),
        "assign": assign(
            client, SECTIONS, Section.objects.filter(pillar__number=3), None, apply=False
        ),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert misplaced_full_width_marks(page.content.decode()) == [], name
    assert "Behind (behind or not achieved)" in pages["list"].content.decode()
    assert f"111,000 ({fiscal_year_label(2016)})" in pages["form"].content.decode()
    assert "Set the department" in pages["assign"].content.decode()
