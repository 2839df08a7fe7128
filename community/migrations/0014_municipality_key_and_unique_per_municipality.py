"""A municipality key on the city rows that reached none (directory entries, organisation
types, school districts, staff profiles, volunteer programs and their history), filled with
the one municipality where there is one, and uniqueness per municipality (issue 22)."""

import community.models
import django.db.models.deletion
from django.db import migrations, models


# The rows that have no municipality yet: every row of an installation that served one
# municipality belongs to it; with none loaded yet they keep none (``load_plan`` gives a
# municipality loaded the rows of none that its folder names by code, and the first one the
# rating presets: docs/architecture.md, "Many municipalities on one installation").
MODELS = ('communityresource', 'historicalcommunityresource', 'historicalorganisationtype', 'historicalschooldistrict', 'historicalvolunteerprogram', 'organisationtype', 'schooldistrict', 'staffprofile', 'volunteerprogram')


def fill_municipality(apps, schema_editor):
    municipalities = list(
        apps.get_model("community", "Municipality").objects.values_list("pk", flat=True)[:2]
    )
    if len(municipalities) != 1:
        return
    for name in MODELS:
        apps.get_model("community", name).objects.filter(municipality__isnull=True).update(
            municipality_id=municipalities[0]
        )


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0013_staff_mail_notifications'),
        ('programs', '0009_themes'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='communityresource',
            name='community_resource_unique_code',
        ),
        migrations.AddField(
            model_name='communityresource',
            name='municipality',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='resources', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='historicalcommunityresource',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='historicalorganisationtype',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='historicalschooldistrict',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='historicalvolunteerprogram',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='organisationtype',
            name='municipality',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisation_types', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='schooldistrict',
            name='municipality',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='school_districts', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='staffprofile',
            name='municipality',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='volunteerprogram',
            name='municipality',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='volunteer_programs', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='historicalorganisationtype',
            name='name',
            field=models.CharField(max_length=100, verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='historicalschooldistrict',
            name='code',
            field=models.CharField(max_length=20, verbose_name='コード'),
        ),
        migrations.AlterField(
            model_name='historicalschooldistrict',
            name='name',
            field=models.CharField(max_length=100, verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='historicalvolunteerprogram',
            name='name',
            field=models.CharField(max_length=100, verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='organisationtype',
            name='code',
            field=models.SlugField(max_length=64, verbose_name='コード'),
        ),
        migrations.AlterField(
            model_name='organisationtype',
            name='name',
            field=models.CharField(max_length=100, verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='schooldistrict',
            name='code',
            field=models.CharField(max_length=20, verbose_name='コード'),
        ),
        migrations.AlterField(
            model_name='schooldistrict',
            name='name',
            field=models.CharField(max_length=100, verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='volunteerprogram',
            name='code',
            field=models.SlugField(max_length=64, verbose_name='コード'),
        ),
        migrations.AlterField(
            model_name='volunteerprogram',
            name='name',
            field=models.CharField(max_length=100, verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='ward',
            name='code',
            field=models.SlugField(max_length=20, verbose_name='コード'),
        ),
        migrations.AlterField(
            model_name='ward',
            name='name',
            field=models.CharField(max_length=20, verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='ward',
            name='position',
            field=models.PositiveSmallIntegerField(verbose_name='順序'),
        ),
        migrations.AddConstraint(
            model_name='communityresource',
            constraint=models.UniqueConstraint(condition=models.Q(('code', ''), _negated=True), fields=('municipality', 'code'), name='community_resource_unique_code_in_municipality', violation_error_message='同じコードの地域資源がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='communityresource',
            constraint=models.UniqueConstraint(condition=models.Q(models.Q(('code', ''), _negated=True), ('municipality__isnull', True)), fields=('code',), name='community_resource_unique_code_without_municipality', violation_error_message='同じコードの地域資源がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='organisationtype',
            constraint=models.UniqueConstraint(fields=('municipality', 'code'), name='organisation_type_unique_code_in_municipality', violation_error_message='同じコードの団体・施設の種類がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='organisationtype',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('code',), name='organisation_type_unique_code_without_municipality', violation_error_message='同じコードの団体・施設の種類がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='organisationtype',
            constraint=models.UniqueConstraint(fields=('municipality', 'name'), name='organisation_type_unique_name_in_municipality', violation_error_message='同じ名称の団体・施設の種類がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='organisationtype',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('name',), name='organisation_type_unique_name_without_municipality', violation_error_message='同じ名称の団体・施設の種類がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='schooldistrict',
            constraint=models.UniqueConstraint(fields=('municipality', 'code'), name='school_district_unique_code_in_municipality', violation_error_message='同じコードの小学校区がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='schooldistrict',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('code',), name='school_district_unique_code_without_municipality', violation_error_message='同じコードの小学校区がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='schooldistrict',
            constraint=models.UniqueConstraint(fields=('municipality', 'name'), name='school_district_unique_name_in_municipality', violation_error_message='同じ名称の小学校区がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='schooldistrict',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('name',), name='school_district_unique_name_without_municipality', violation_error_message='同じ名称の小学校区がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='volunteerprogram',
            constraint=models.UniqueConstraint(fields=('municipality', 'code'), name='volunteer_program_unique_code_in_municipality', violation_error_message='同じコードのボランティア制度がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='volunteerprogram',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('code',), name='volunteer_program_unique_code_without_municipality', violation_error_message='同じコードのボランティア制度がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='volunteerprogram',
            constraint=models.UniqueConstraint(fields=('municipality', 'name'), name='volunteer_program_unique_name_in_municipality', violation_error_message='同じ名称のボランティア制度がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='volunteerprogram',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('name',), name='volunteer_program_unique_name_without_municipality', violation_error_message='同じ名称のボランティア制度がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='ward',
            constraint=models.UniqueConstraint(fields=('municipality', 'code'), name='ward_unique_code_in_municipality', violation_error_message='同じコードの区がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='ward',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('code',), name='ward_unique_code_without_municipality', violation_error_message='同じコードの区がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='ward',
            constraint=models.UniqueConstraint(fields=('municipality', 'name'), name='ward_unique_name_in_municipality', violation_error_message='同じ名称の区がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='ward',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('name',), name='ward_unique_name_without_municipality', violation_error_message='同じ名称の区がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='ward',
            constraint=models.UniqueConstraint(fields=('municipality', 'position'), name='ward_unique_position_in_municipality', violation_error_message='同じ順序の区がすでにあります。'),
        ),
        migrations.AddConstraint(
            model_name='ward',
            constraint=models.UniqueConstraint(condition=models.Q(('municipality__isnull', True)), fields=('position',), name='ward_unique_position_without_municipality', violation_error_message='同じ順序の区がすでにあります。'),
        ),
        migrations.RunPython(fill_municipality, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='communityresource',
            name='municipality',
            field=models.ForeignKey(blank=True, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='resources', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='historicalcommunityresource',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='historicalorganisationtype',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='historicalschooldistrict',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='historicalvolunteerprogram',
            name='municipality',
            field=models.ForeignKey(blank=True, db_constraint=False, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='organisationtype',
            name='municipality',
            field=models.ForeignKey(blank=True, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisation_types', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='schooldistrict',
            name='municipality',
            field=models.ForeignKey(blank=True, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='school_districts', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='staffprofile',
            name='municipality',
            field=models.ForeignKey(blank=True, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='community.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='volunteerprogram',
            name='municipality',
            field=models.ForeignKey(blank=True, default=community.models.municipality_for_new_row, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='volunteer_programs', to='community.municipality', verbose_name='自治体'),
        ),
    ]
