"""Rating rules and their bands get English names (issue 21 item 5): ``label_en`` on
``RatingRule`` and ``RatingBand``, which planners fill beside the Japanese ``label``; the
shipped presets get theirs here. A name a planner changed since is left without one (it reads
as typed until a planner gives one). Help texts of a few fields speak people's words instead
of a command's or a setting's name (item 7)."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

# The presets' names and band labels as shipped (0012) with their English, as of this
# migration (the catalogue's translations then): a Japanese label maps to one English label.
RULES_EN = {
    "pace": ("進捗の速さ（達成率÷期待進捗）", "Pace (achievement ÷ expected progress)"),
    "fukuoka": ("福岡市方式（a・b・c）", "Fukuoka City method (a, b, c)"),
    "attainment": ("達成率", "Achievement rate"),
    "statcan": ("カナダ統計局方式（Open SDG）", "Statistics Canada method (Open SDG)"),
}
BANDS_EN = {
    "順調": "On track",
    "概ね順調": "Mostly on track",
    "やや遅れ": "Slightly behind",
    "遅れ": "Behind",
    "目標達成に向け順調に進んでいる": "On pace to the target",
    "基準値より改善（横ばいを含む）": "Better than the baseline (or level)",
    "基準値より後退": "Worse than the baseline",
    "目標達成": "Target achieved",
    "概ね達成": "Mostly achieved",
    "一定の進捗": "Some progress",
    "進捗が不十分": "Insufficient progress",
    "進んでいるが加速が必要": "Progress made but acceleration needed",
    "進捗が限定的": "Limited progress",
    "悪化": "Deterioration",
    "達成": "Achieved",
    "未達成": "Not achieved",
    "未把握": "No data",
}


def english_labels(apps, schema_editor):
    rule_model = apps.get_model("indicators", "RatingRule")
    band_model = apps.get_model("indicators", "RatingBand")
    for name, (label, label_en) in RULES_EN.items():
        rule_model.objects.filter(name=name, label=label, label_en="").update(label_en=label_en)
    for label, label_en in BANDS_EN.items():
        band_model.objects.filter(label=label, label_en="").update(label_en=label_en)


def no_english_labels(apps, schema_editor):
    pass  # the columns go with the fields


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0012_area_word"),
        ("indicators", "0017_plausibility"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalratingband",
            name="label_en",
            field=models.CharField(
                blank=True,
                help_text="英語のページに表示する名称。",
                max_length=100,
                verbose_name="英語の表示",
            ),
        ),
        migrations.AddField(
            model_name="historicalratingrule",
            name="label_en",
            field=models.CharField(
                blank=True,
                help_text="英語のページに表示する名称。",
                max_length=100,
                verbose_name="英語名",
            ),
        ),
        migrations.AddField(
            model_name="ratingband",
            name="label_en",
            field=models.CharField(
                blank=True,
                help_text="英語のページに表示する名称。",
                max_length=100,
                verbose_name="英語の表示",
            ),
        ),
        migrations.AddField(
            model_name="ratingrule",
            name="label_en",
            field=models.CharField(
                blank=True,
                help_text="英語のページに表示する名称。",
                max_length=100,
                verbose_name="英語名",
            ),
        ),
        migrations.AlterField(
            model_name="historicalindicator",
            name="department",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="市全体の値を入力・提出する課。空欄なら施策の項目の所管課。計画担当が設定し、計画書を読み込み直しても変わりません。",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="community.department",
                verbose_name="所管課",
            ),
        ),
        migrations.AlterField(
            model_name="historicalindicatorvalue",
            name="origin",
            field=models.CharField(
                choices=[("plan", "計画書"), ("entry", "進捗入力"), ("derived", "自動計算")],
                default="entry",
                help_text="計画書に載っている値は、計画書の読み込みでだけ変わります。",
                max_length=10,
                verbose_name="登録元",
            ),
        ),
        migrations.AlterField(
            model_name="historicaltarget",
            name="origin",
            field=models.CharField(
                choices=[("plan", "計画書"), ("entry", "進捗入力")],
                default="entry",
                help_text="計画書に載っている目標値は、計画書の読み込みでだけ変わります。",
                max_length=10,
                verbose_name="登録元",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="department",
            field=models.ForeignKey(
                blank=True,
                help_text="市全体の値を入力・提出する課。空欄なら施策の項目の所管課。計画担当が設定し、計画書を読み込み直しても変わりません。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="indicators",
                to="community.department",
                verbose_name="所管課",
            ),
        ),
        migrations.AlterField(
            model_name="indicatorvalue",
            name="origin",
            field=models.CharField(
                choices=[("plan", "計画書"), ("entry", "進捗入力"), ("derived", "自動計算")],
                default="entry",
                help_text="計画書に載っている値は、計画書の読み込みでだけ変わります。",
                max_length=10,
                verbose_name="登録元",
            ),
        ),
        migrations.AlterField(
            model_name="reportinground",
            name="reminder_lead_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="締切の何日前から催促するか。空欄なら、この仕組みの既定の日数。",
                null=True,
                validators=[django.core.validators.MaxValueValidator(90)],
                verbose_name="催促の日数",
            ),
        ),
        migrations.AlterField(
            model_name="target",
            name="origin",
            field=models.CharField(
                choices=[("plan", "計画書"), ("entry", "進捗入力")],
                default="entry",
                help_text="計画書に載っている目標値は、計画書の読み込みでだけ変わります。",
                max_length=10,
                verbose_name="登録元",
            ),
        ),
        migrations.RunPython(english_labels, no_english_labels),
    ]
