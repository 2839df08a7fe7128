"""The staff roles (ward_officer, planner, admin) as groups with their permissions.

A later migration that adds models calls ``sync_role_groups`` again so the roles cover them.
"""

from django.db import migrations

from infrastructure.access import sync_role_groups


def create_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_wards"),
        ("programs", "0001_initial"),
        ("indicators", "0003_default_rating_scale"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
