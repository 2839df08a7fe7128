"""The reads the report and the pages use, and the department a planner set surviving
load_plan."""

import shutil

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.selectors import approved_evaluations, evaluations_complete
from infrastructure.workflow import Status
from programs.models import Initiative, Section
from tests.factories import evaluation

pytestmark = pytest.mark.django_db


def test_approved_evaluations_in_plan_order_without_a_query_per_row(welfare_department):
    evaluation(initiative="1-2-1", stage="secondary", status=Status.APPROVED)
    evaluation(section="1-2", stage="primary", status=Status.APPROVED)
    evaluation(pillar=1, stage="council", status=Status.APPROVED)
    evaluation(pillar=2, stage="primary", status=Status.SUBMITTED)
    evaluation(pillar=3, stage="primary", fiscal_year=2017, status=Status.APPROVED)
    with CaptureQueriesContext(connection) as queries:
        rows = [
            (e.stage, str(e.subject), e.department and e.department.name)
            for e in approved_evaluations(fiscal_year=2016)
        ]
    assert len(queries) <= 2  # the current plan, then the evaluations with their subjects
    assert [(stage, department) for stage, _subject, department in rows] == [
        ("council", None),
        ("primary", "地域福祉課"),
        ("secondary", "地域福祉課"),
    ]


def test_a_year_is_complete_when_every_expected_evaluation_is_approved(welfare_department):
    from evaluations.selectors import expected_evaluations, missing_evaluations
    from programs.models import Pillar

    pillars = list(Pillar.objects.of_current_plan())
    expected = [(str(subject), stage) for subject, stage in expected_evaluations()]
    # Every pillar its 二次評価; the section and initiative with a department their 一次評価.
    assert len(expected) == len(pillars) + 2
    assert (str(Section.objects.get(pillar__number=1, number=2)), "primary") in expected
    assert (str(Initiative.objects.get(code="1-2-1")), "primary") in expected
    assert not evaluations_complete(fiscal_year=2016)  # none yet
    first = evaluation(pillar=1, stage="secondary", status=Status.APPROVED)
    assert not evaluations_complete(fiscal_year=2016)  # one approved is not enough
    assert len(missing_evaluations(fiscal_year=2016)) == len(expected) - 1
    for pillar in pillars[1:]:
        evaluation(pillar=pillar.number, stage="secondary", status=Status.APPROVED)
    evaluation(initiative="1-2-1", stage="primary", status=Status.APPROVED)
    draft = evaluation(section="1-2", stage="primary", status=Status.SUBMITTED)
    assert missing_evaluations(fiscal_year=2016) == [(draft.section, "primary")]
    assert not evaluations_complete(fiscal_year=2016)  # written, not approved
    draft.status = Status.APPROVED
    draft.save()
    assert missing_evaluations(fiscal_year=2016) == []
    assert evaluations_complete(fiscal_year=2016)
    evaluation(section="1-1", stage="council", status=Status.SUBMITTED)
    assert not evaluations_complete(fiscal_year=2016)  # another waits for approval
    assert evaluations_complete(fiscal_year=2017) is False and first.fiscal_year == 2016


def test_load_plan_keeps_the_department_a_planner_set(tmp_path, planner, welfare_department):
    section = Section.objects.get(pillar__number=1, number=2)
    section.department = welfare_department
    section._history_user = planner
    section.save()  # as the admin saves it: a hand edit in the history
    call_command("load_plan", verbosity=0)
    section.refresh_from_db()
    assert section.department == welfare_department

    # A corrected title in the data files still loads (a department is no edit of the
    # plan's text), and the department stays.
    folder = tmp_path / "plan"
    shutil.copytree(settings.PLAN_DATA_DIR, folder)
    path = folder / "pillar-1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sections"][1]["title"] += "（改訂）"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    call_command("load_plan", "--data", str(folder), verbosity=0)
    section.refresh_from_db()
    assert section.title.endswith("（改訂）")
    assert section.department == welfare_department
    assert Initiative.objects.get(code="1-2-1").department == welfare_department
