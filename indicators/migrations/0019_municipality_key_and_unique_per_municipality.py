"""A municipality key on the city rows that reached none (historicalratingrule, ratingrule, reportinground), filled with
the one municipality where there is one, and uniqueness per municipality (issue 22)."""

import community.models
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


# The rows that have no municipality yet: every row of an installation that served one
# municipality belongs to it; with none loaded yet they keep none (``load_plan`` gives a
# municipality loaded the rows of none that its folder names by code, and the first one the
# rating presets: docs/architecture.md, "Many municipalities on one installation").
MODELS = ('historicalratingrule', 'ratingrule', 'reportinground')


def fill_municipality(apps, schema_editor):
    municipalities = list(
        apps.get_model("community", "Municipality").objects.values_list("pk", flat=True)[:2]
    )
    if len(municipalities) != 1:
        return
    for name in MODELS:
        apps.get_model("indicators", name).objects.filter(municipality__isnull=True).update(
            municipality_id=municipalities[0]
        )


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0014_municipality_key_and_unique_per_municipality'),
        ('indicators', '0018_rating_english_labels'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='ratingrule',
            name='one_active_rating_rule',
        ),
        migrations.AddField(
            model_name='historicalratingrule',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='ratingrule',
            name='municipality',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rating_rules', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='reportinground',
            name='municipality',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reporting_rounds', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='historicalratingrule',
            name='name',
            field=models.CharField(choices=[('pace', '進捗の速さ（達成率÷期待進捗）'), ('fukuoka', '福岡市方式（a・b・c）'), ('attainment', '達成率'), ('statcan', 'カナダ統計局方式（Open SDG）')], max_length=20, verbose_name='方式'),
        ),
        migrations.AlterField(
            model_name='ratingrule',
            name='name',
            field=models.CharField(choices=[('pace', '進捗の速さ（達成率÷期待進捗）'), ('fukuoka', '福岡市方式（a・b・c）'), ('attainment', '達成率'), ('statcan', 'カナダ統計局方式（Open SDG）')], max_length=20, verbose_name='方式'),
        ),
        migrations.AlterField(
            model_name='reportinground',
            name='fiscal_year',
            field=models.PositiveSmallIntegerField(help_text='報告の対象の年度（西暦、例：2013 = 平成25年度）。', validators=[django.core.validators.MinValueValidator(1927), django.core.validators.MaxValueValidator(2199)], verbose_name='年度'),
        ),
        migrations.AddConstraint(
            model_name='ratingrule',
            constraint=models.UniqueConstraint(fields=('municipality', 'name'), name='rating_rule_unique_name_in_municipality', violation_error_message='この方式の評価基準はすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='ratingrule',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('name',), name='rating_rule_unique_name_without_municipality', violation_error_message='この方式の評価基準はすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='ratingrule',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('municipality',), name='one_active_rating_rule_in_municipality', violation_error_message='使用中の評価基準はすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='ratingrule',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True), ('municipality__isnull', True)), fields=('is_active',), name='one_active_rating_rule', violation_error_message='使用中の評価基準はすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='reportinground',
            constraint=models.UniqueConstraint(fields=('municipality', 'fiscal_year'), name='reporting_round_unique_fiscal_year_in_municipality', violation_error_message='この年度の報告期間はすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='reportinground',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('fiscal_year',), name='reporting_round_unique_fiscal_year_without_municipality', violation_error_message='この年度の報告期間はすでにあります。'),
        ),
        migrations.RunPython(fill_municipality, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalratingrule',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='ratingrule',
            name='municipality',
            field=models.ForeignKey(blank=True, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rating_rules', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='reportinground',
            name='municipality',
            field=models.ForeignKey(blank=True, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reporting_rounds', to='community.municipality', verbose_name='自治体'),
        ),
    ]
