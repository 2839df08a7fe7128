"""Targets become records of their own: every indicator value of kind ``target`` is moved
into ``Target`` as an original (``revised_in`` empty), keeping its value, fiscal year, ward,
time point, note, source and origin, and who entered it and when. The plan's targets keep
the history reason ``load_plan``, so the next ``load_plan`` sees them as its own.

Targets entered through progress reporting (origin ``entry``) had a workflow status; a
Target has none (planners set targets, and a target is in force once set), so the reason
says what the status was. Going back moves the originals back as approved values; it is
refused while revisions exist, since values have no place for them."""

from django.db import migrations

PLAN_REASON = "load_plan"
STATUS_LABELS = {"draft": "下書き", "submitted": "提出済み", "approved": "承認済み"}


def values_to_targets(apps, schema_editor):
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    HistoricalIndicatorValue = apps.get_model("indicators", "HistoricalIndicatorValue")
    Target = apps.get_model("indicators", "Target")
    HistoricalTarget = apps.get_model("indicators", "HistoricalTarget")
    for value in IndicatorValue.objects.filter(kind="target").order_by("pk"):
        first = (
            HistoricalIndicatorValue.objects.filter(id=value.pk)
            .order_by("history_date", "history_id")
            .values_list("history_user_id", flat=True)
            .first()
        )
        from_plan = value.origin == "plan"
        reason = (
            ""
            if from_plan
            else "指標の値（目標値）から移行。移行時の状態：%s" % STATUS_LABELS.get(value.status, value.status)
        )
        target = Target.objects.create(
            indicator_id=value.indicator_id,
            ward_id=value.ward_id,
            fiscal_year=value.fiscal_year,
            value=value.value,
            revised_in=None,
            reason=reason,
            as_of=value.as_of,
            note=value.note,
            source=value.source,
            origin="plan" if from_plan else "entry",
            set_by_id=first,
            set_at=value.created_at,
        )
        HistoricalTarget.objects.create(
            id=target.pk,
            indicator_id=target.indicator_id,
            ward_id=target.ward_id,
            fiscal_year=target.fiscal_year,
            value=target.value,
            revised_in=None,
            reason=reason,
            as_of=target.as_of,
            note=target.note,
            source=target.source,
            origin=target.origin,
            set_by_id=first,
            set_at=target.set_at,
            history_date=value.updated_at,
            history_type="+",
            history_user_id=first,
            history_change_reason=PLAN_REASON if from_plan else "migrated from indicator values",
        )
        value.delete()


def targets_to_values(apps, schema_editor):
    Target = apps.get_model("indicators", "Target")
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    if Target.objects.filter(revised_in__isnull=False).exists():
        raise RuntimeError(
            "Targets have been revised; indicator values cannot hold revisions. "
            "Delete the revisions first to migrate back."
        )
    for target in Target.objects.order_by("pk"):
        IndicatorValue.objects.create(
            indicator_id=target.indicator_id,
            ward_id=target.ward_id,
            fiscal_year=target.fiscal_year,
            kind="target",
            value=target.value,
            as_of=target.as_of,
            note=target.note,
            source=target.source,
            origin=target.origin,
            status="approved",
        )
    Target.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_targets")]
    operations = [migrations.RunPython(values_to_targets, targets_to_values)]
