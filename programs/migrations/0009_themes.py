"""Themes are data (issue 20 item 6): each plan folder declares the themes (分野) its pillars
belong to (``themes`` in plan.yaml), and ``load_plan`` keeps them in the new ``Theme`` table.
``Pillar.theme`` becomes a foreign key to it by the theme's code, in the same column
(``theme``), so every stored row and the API keep their value. The themes of the closed list
get a row here, with their names, so that every theme that was valid stays valid; the shipped
plan declares the same. A plan folder declares its own."""

import django.db.models.deletion
from django.db import migrations, models


# The closed list themes were chosen from before.
BUILT_IN = {
    "elderly": ("高齢者", "Elderly"),
    "disability": ("障がい者", "Disability"),
    "children": ("子ども・子育て", "Children and child-rearing"),
    "health": ("健康づくり", "Health"),
}


def themes_in_use(apps, schema_editor):
    Pillar = apps.get_model("programs", "Pillar")
    Theme = apps.get_model("programs", "Theme")
    for code in sorted(set(BUILT_IN) | set(Pillar.objects.values_list("theme", flat=True))):
        name, name_en = BUILT_IN.get(code, (code, ""))
        Theme.objects.create(code=code, name=name, name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0008_text_rule"),
    ]

    operations = [
        migrations.CreateModel(
            name="Theme",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=20, unique=True, verbose_name="コード")),
                ("name", models.CharField(max_length=40, verbose_name="名称")),
                ("name_en", models.CharField(blank=True, max_length=80, verbose_name="英語名")),
            ],
            options={
                "verbose_name": "分野",
                "verbose_name_plural": "分野",
            },
        ),
        migrations.RemoveConstraint(
            model_name="pillar",
            name="pillar_theme_valid",
        ),
        migrations.RunPython(themes_in_use, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalpillar",
            name="theme",
            field=models.ForeignKey(
                blank=True,
                db_column="theme",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="programs.theme",
                to_field="code",
                verbose_name="分野",
            ),
        ),
        migrations.AlterField(
            model_name="pillar",
            name="theme",
            field=models.ForeignKey(
                db_column="theme",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pillars",
                to="programs.theme",
                to_field="code",
                verbose_name="分野",
            ),
        ),
    ]
