"""The plan's やさしい日本語 text as plan data (issue 20 item 4): loaded from the plan folder by
load_plan (portal.plan_folder), read by the /yasashii/ pages."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):


    dependencies = [
        ('portal', '0001_search_indexes'),
        ('programs', '0009_themes'),
    ]

    operations = [
        migrations.CreateModel(
            name='EasyJapanese',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('intro', models.JSONField(blank=True, default=list, verbose_name='はじめの文')),
                ('pillars', models.JSONField(blank=True, default=dict, verbose_name='施策')),
                ('indicators', models.JSONField(blank=True, default=dict, verbose_name='成果指標')),
                ('wards', models.JSONField(blank=True, default=dict, verbose_name='区')),
                ('plan', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='easy_japanese', to='programs.plan', verbose_name='計画')),
            ],
            options={
                'verbose_name': 'やさしい日本語の文章',
                'verbose_name_plural': 'やさしい日本語の文章',
            },
        ),
    ]
