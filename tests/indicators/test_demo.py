"""The sample data never overwrites a person's work: loading it again (``make run`` on every
start) creates what is missing and leaves every row already there as it is."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from community.models import Ward
from indicators.demo import DEMO_SOURCE, demo_data_load
from indicators.models import IndicatorValue
from indicators.services import indicator_value_delete, indicator_value_update
from infrastructure.workflow import Status, Transition, record_transition
from programs.models import InitiativeProgress
from programs.services import initiative_progress_update

pytestmark = pytest.mark.django_db


def demo_values():
    return IndicatorValue.objects.filter(source=DEMO_SOURCE)


def snapshot():
    return {
        "values": set(demo_values().values_list("pk", "value", "status", "version")),
        "progress": set(
            InitiativeProgress.objects.filter(source=DEMO_SOURCE).values_list(
                "pk", "state", "results", "status", "version"
            )
        ),
    }


def correct(record: IndicatorValue, planner, amount: Decimal) -> IndicatorValue:
    """A planner's correction of an approved figure, through the workflow: reopen with a
    reason, change the value, submit and approve again."""
    record = record_transition(
        record=record, transition=Transition.REOPEN, user=planner, comment="集計の誤り"
    )
    record = indicator_value_update(
        user=planner, record=record, expected_version=record.version, value=amount
    )
    for transition in (Transition.SUBMIT, Transition.APPROVE):
        record = record_transition(
            record=record, transition=transition, user=planner, expected_version=record.version
        )
    return record


def test_loading_again_keeps_a_planners_correction_its_id_and_its_history(planner, settings):
    settings.ALLOW_SELF_APPROVAL = True  # one person here (four eyes: test_department_reporting)
    first = demo_data_load()
    assert first.created > 200 and first.kept_changed == 0
    chuo = Ward.objects.get(code="chuo")
    original = demo_values().get(indicator__code="KPI-3-1", fiscal_year=2016, ward=chuo)
    assert original.status == Status.APPROVED and original.history.count() == 0
    corrected = correct(original, planner, original.value + 7)
    history = list(corrected.history.values_list("history_id", "version", "value"))
    assert len(history) == 4

    again = demo_data_load()

    assert again == type(again)(created=0, kept_changed=1)
    survivor = IndicatorValue.objects.get(
        indicator__code="KPI-3-1", fiscal_year=2016, kind="actual", ward=chuo
    )
    assert survivor.pk == original.pk
    assert (survivor.value, survivor.status, survivor.version) == (
        original.value + 7,
        Status.APPROVED,
        5,
    )
    assert list(survivor.history.values_list("history_id", "version", "value")) == history
    assert [t.transition for t in survivor.transitions.all()] == ["reopen", "submit", "approve"]


def test_loading_again_changes_no_row_and_fills_only_what_is_missing(planner):
    demo_data_load()
    progress = InitiativeProgress.objects.filter(source=DEMO_SOURCE).first()
    progress = initiative_progress_update(
        user=planner,
        record=record_transition(
            record=progress, transition=Transition.REOPEN, user=planner, comment="記述の修正"
        ),
        expected_version=progress.version + 1,
        results="実際の取組内容",
    )
    before = snapshot()
    # A sample row removed by the command line (no person) comes back; one a planner deleted
    # stays deleted.
    gone = demo_values().filter(ward__code="nishi", indicator__code="KPI-1-1")
    restored = set(gone.values_list("fiscal_year", "value"))
    gone_ids = set(gone.values_list("pk", flat=True))
    gone.delete()
    deleted = demo_values().get(ward__code="kita", indicator__code="KPI-1-1", fiscal_year=2015)
    deleted = record_transition(
        record=deleted, transition=Transition.REOPEN, user=planner, comment="誤って作成"
    )
    indicator_value_delete(user=planner, record=deleted, expected_version=deleted.version)

    again = demo_data_load()

    assert again.created == len(restored) == 6
    assert again.kept_changed == 1  # the progress report; the deleted value is no row
    after = snapshot()
    assert after["progress"] == before["progress"]
    assert after["values"] > {
        row for row in before["values"] if row[0] not in {*gone_ids, deleted.pk}
    }
    # Brought back with the same figures (the same seed), as new rows.
    back = demo_values().filter(ward__code="nishi", indicator__code="KPI-1-1")
    assert set(back.values_list("fiscal_year", "value")) == restored
    assert not gone_ids & set(back.values_list("pk", flat=True))
    assert (
        not demo_values()
        .filter(ward__code="kita", indicator__code="KPI-1-1", fiscal_year=2015)
        .exists()
    )
    progress.refresh_from_db()
    assert progress.results == "実際の取組内容" and progress.status == Status.DRAFT


def test_make_run_twice_keeps_every_row(monkeypatch, planner, settings):
    """``make run`` loads the sample data on each start, through the command."""
    settings.ALLOW_SELF_APPROVAL = True  # one person here (four eyes: test_department_reporting)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    call_command("load_demo_data", verbosity=0)
    record = demo_values().filter(ward__isnull=True).first()
    correct(record, planner, record.value + 1)
    before = snapshot()
    call_command("load_demo_data", verbosity=0)
    assert snapshot() == before
