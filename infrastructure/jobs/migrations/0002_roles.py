"""The roles cover the models of the background jobs (jobs, reporting rounds and their
reminders, annual reports)."""

from django.db import migrations



def update_roles(apps, schema_editor):
    return  # the roles' groups are kept in step after every migrate (community.access)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("indicators", "0006_reportinground_reminder"),
        ("programs", "0004_annualreport"),
        ("community", "0003_roles"),
    ]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
