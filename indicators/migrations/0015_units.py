"""Units are data (issue 20 item 6): each plan folder declares the units its indicators use
(``units`` in plan.yaml) with their kind and decimals, and ``load_plan`` keeps them in the
new ``Unit`` table. ``Indicator.unit`` becomes a foreign key to it by the unit's symbol, in
the same column (``unit``, the symbol as before), so every stored row and the API keep their
value. The units of the closed list get a row here, so that every unit that was valid stays
valid, with its label, kind and decimals (percentages with two decimals, more if a stored
value has more); the shipped plan declares the same. A plan folder declares its own."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


# The closed list units were chosen from before: label, English label, kind, decimals.
BUILT_IN = {
    "%": ("％", "%", "percentage", 2),
    "人": ("人", "people", "count", 0),
    "校区": ("校区", "school districts", "count", 0),
    "件": ("件", "cases", "count", 0),
    "回": ("回", "times", "count", 0),
    "か所": ("か所", "places", "count", 0),
}


def _places(value: Decimal) -> int:
    return max(-value.normalize().as_tuple().exponent, 0)


def units_in_use(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    Target = apps.get_model("indicators", "Target")
    Unit = apps.get_model("indicators", "Unit")
    in_use = set(Indicator.objects.values_list("unit", flat=True))
    for symbol in sorted(set(BUILT_IN) | in_use):
        label, label_en, kind, decimals = BUILT_IN.get(symbol, (symbol, "", "measure", 2))
        if kind != "count":
            stored = [
                *IndicatorValue.objects.filter(indicator__unit=symbol).values_list(
                    "value", flat=True
                ),
                *Target.objects.filter(indicator__unit=symbol).values_list("value", flat=True),
            ]
            decimals = min(max([decimals, *map(_places, stored)]), 4)
        Unit.objects.create(
            symbol=symbol, label=label, label_en=label_en, kind=kind, decimals=decimals
        )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0014_text_rule"),
    ]

    operations = [
        migrations.CreateModel(
            name="Unit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "symbol",
                    models.CharField(
                        help_text="データファイル・取込ファイル・APIで使う表記（例：%、人、円）。",
                        max_length=10,
                        unique=True,
                        verbose_name="単位",
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="数値の横に表示する表記（例：％）。",
                        max_length=20,
                        verbose_name="表示",
                    ),
                ),
                (
                    "label_en",
                    models.CharField(blank=True, max_length=40, verbose_name="英語の表示"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("count", "数"),
                            ("percentage", "割合"),
                            ("money", "金額"),
                            ("measure", "その他の量"),
                        ],
                        max_length=12,
                        verbose_name="種類",
                    ),
                ),
                (
                    "decimals",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="この単位の値が持てる小数の桁数の上限。",
                        validators=[django.core.validators.MaxValueValidator(4)],
                        verbose_name="小数の桁数",
                    ),
                ),
            ],
            options={
                "verbose_name": "単位",
                "verbose_name_plural": "単位",
            },
        ),
        migrations.RemoveConstraint(
            model_name="indicator",
            name="indicator_unit_valid",
        ),
        migrations.RunPython(units_in_use, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["count", "percentage", "money", "measure"])),
                name="unit_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "count"), _negated=True), ("decimals", 0), _connector="OR"
                ),
                name="unit_count_is_whole",
            ),
        ),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.CheckConstraint(
                condition=models.Q(("decimals__lte", 4)), name="unit_decimals_stored"
            ),
        ),
        migrations.AlterField(
            model_name="historicalindicator",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_column="unit",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="indicators.unit",
                to_field="symbol",
                verbose_name="単位",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="unit",
            field=models.ForeignKey(
                db_column="unit",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="indicators",
                to="indicators.unit",
                to_field="symbol",
                verbose_name="単位",
            ),
        ),
    ]
