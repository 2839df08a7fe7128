"""Indicator values hold baselines and actuals only now that targets are records of their
own; the roles cover targets (planners set them, ward officers read them)."""

from django.db import migrations, models



def update_roles(apps, schema_editor):
    return  # the roles' groups are kept in step after every migrate (community.access)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0010_targets_from_values"),
        ("community", "0007_municipality"),
        ("jobs", "0002_roles"),
    ]
    operations = [
        migrations.AddConstraint(
            model_name="indicatorvalue",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["baseline", "actual"])),
                name="indicator_value_kind_valid",
            ),
        ),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]
