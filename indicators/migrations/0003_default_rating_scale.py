"""The default evaluation scale for 施策評価; planners edit it in the admin."""

from decimal import Decimal

from django.db import migrations

BANDS = [
    ("A", "順調", Decimal("1.0")),
    ("B", "概ね順調", Decimal("0.8")),
    ("C", "やや遅れ", Decimal("0.6")),
    ("D", "遅れ", None),
]


def create_scale(apps, schema_editor):
    scale_model = apps.get_model("indicators", "RatingScale")
    if scale_model.objects.exists():
        return
    scale = scale_model.objects.create(name="施策評価（標準）", is_active=True)
    for code, label, min_pace in BANDS:
        scale.bands.create(code=code, label=label, min_pace=min_pace)


def remove_scale(apps, schema_editor):
    apps.get_model("indicators", "RatingScale").objects.filter(name="施策評価（標準）").delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_initial")]
    operations = [migrations.RunPython(create_scale, remove_scale)]
