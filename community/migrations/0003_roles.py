"""The staff roles (ward_officer, planner, admin) as groups with their permissions.

The roles' groups are now kept in step after every migrate (community.access).
"""

from django.db import migrations



def create_roles(apps, schema_editor):
    return  # the roles' groups are kept in step after every migrate (community.access)


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
