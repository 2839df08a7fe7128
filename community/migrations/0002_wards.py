"""The city's five wards. They are fixed by ordinance, so they come with the schema."""

from django.db import migrations

WARDS = [
    ("chuo", "中央区", "Chuo Ward"),
    ("higashi", "東区", "Higashi Ward"),
    ("nishi", "西区", "Nishi Ward"),
    ("minami", "南区", "Minami Ward"),
    ("kita", "北区", "Kita Ward"),
]


def create_wards(apps, schema_editor):
    ward_model = apps.get_model("community", "Ward")
    for position, (code, name, name_en) in enumerate(WARDS, start=1):
        ward_model.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )


def remove_wards(apps, schema_editor):
    apps.get_model("community", "Ward").objects.filter(code__in=[w[0] for w in WARDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(create_wards, remove_wards)]
