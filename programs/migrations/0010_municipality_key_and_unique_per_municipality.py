"""A municipality key on the city rows that reached none (annualreport), filled with
the one municipality where there is one, and uniqueness per municipality (issue 22)."""

import community.models
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


# The rows that have no municipality yet: every row of an installation that served one
# municipality belongs to it; with none loaded yet they keep none (``load_plan`` gives a
# municipality loaded the rows of none that its folder names by code, and the first one the
# rating presets: docs/architecture.md, "Many municipalities on one installation").
MODELS = ('annualreport',)


def fill_municipality(apps, schema_editor):
    municipalities = list(
        apps.get_model("community", "Municipality").objects.values_list("pk", flat=True)[:2]
    )
    if len(municipalities) != 1:
        return
    for name in MODELS:
        apps.get_model("programs", name).objects.filter(municipality__isnull=True).update(
            municipality_id=municipalities[0]
        )


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0014_municipality_key_and_unique_per_municipality'),
        ('jobs', '0003_job_heartbeat'),
        ('programs', '0009_themes'),
    ]

    operations = [
        migrations.AddField(
            model_name='annualreport',
            name='municipality',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='annual_reports', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='annualreport',
            name='fiscal_year',
            field=models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1927), django.core.validators.MaxValueValidator(2199)], verbose_name='年度'),
        ),
        migrations.AlterField(
            model_name='plan',
            name='code',
            field=models.SlugField(max_length=64, verbose_name='コード'),
        ),
        migrations.AddConstraint(
            model_name='annualreport',
            constraint=models.UniqueConstraint(fields=('municipality', 'fiscal_year'), name='annual_report_unique_fiscal_year_in_municipality', violation_error_message='この年度の年次報告書はすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='annualreport',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('fiscal_year',), name='annual_report_unique_fiscal_year_without_municipality', violation_error_message='この年度の年次報告書はすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='plan',
            constraint=models.UniqueConstraint(fields=('municipality', 'code'), name='plan_unique_code_in_municipality', violation_error_message='同じコードの計画がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='plan',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('code',), name='plan_unique_code_without_municipality', violation_error_message='同じコードの計画がすでにあります。'),
        ),
        migrations.RunPython(fill_municipality, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='annualreport',
            name='municipality',
            field=models.ForeignKey(blank=True, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='annual_reports', to='community.municipality', verbose_name='自治体'),
        ),
    ]
