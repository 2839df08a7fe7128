"""The admin role covers the models of the account libraries: the lockout's access attempts
and logs (axes), API tokens (knox) and TOTP devices (django-otp). This app has no models of
its own; the libraries bring their own migrations."""

from django.db import migrations



def update_roles(apps, schema_editor):
    return  # the roles' groups are kept in step after every migrate (community.access)


class Migration(migrations.Migration):
    dependencies = [
        ("axes", "0010_accessattemptexpiration"),
        ("knox", "0009_extend_authtoken_field"),
        ("otp_totp", "0003_add_timestamps"),
        ("community", "0006_life_stages_and_roles"),
        ("jobs", "0002_roles"),
    ]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
