"""The four life stages of the plan's consultation figure (施策2 図2), and the roles'
permissions on the new community records."""

from django.db import migrations


LIFE_STAGES = [
    ("early-childhood", "幼児期", "Early childhood"),
    ("school-age", "学齢期", "School age"),
    ("youth-adult", "青年期・成人期", "Youth and adulthood"),
    ("old-age", "高齢期", "Old age"),
]


def create_life_stages(apps, schema_editor):
    life_stage = apps.get_model("community", "LifeStage")
    for position, (code, name, name_en) in enumerate(LIFE_STAGES, start=1):
        life_stage.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )


def remove_life_stages(apps, schema_editor):
    apps.get_model("community", "LifeStage").objects.filter(
        code__in=[code for code, _name, _en in LIFE_STAGES]
    ).delete()


def update_roles(apps, schema_editor):
    return  # the roles' groups are kept in step after every migrate (community.access)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0005_community_records"),
        ("indicators", "0007_derived_values"),
    ]
    operations = [
        migrations.RunPython(create_life_stages, remove_life_stages),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]
