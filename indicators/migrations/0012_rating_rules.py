"""Rating rules (評価基準): the scale becomes the ``pace`` preset, every band declares its
group (the status) and its use, and the other presets come in inactive."""

from django.db import migrations, models


# The presets' bands as they were on the day of this migration (code, label, group, use,
# minimum); indicators.rating_rules.PRESET_BANDS may change later, a migration may not.
FINAL = [
    ("達成", "達成", "achieved", "final", None),
    ("未達成", "未達成", "not_achieved", "final", None),
    ("—", "未把握", "no_data", "no_data", None),
]
PRESETS = {
    "pace": (
        "進捗の速さ（達成率÷期待進捗）",
        [
            ("A", "順調", "on_track", "in_progress", "1.0"),
            ("B", "概ね順調", "on_track", "in_progress", "0.8"),
            ("C", "やや遅れ", "behind", "in_progress", "0.6"),
            ("D", "遅れ", "behind", "in_progress", None),
        ],
    ),
    "fukuoka": (
        "福岡市方式（a・b・c）",
        [
            ("a", "目標達成に向け順調に進んでいる", "on_track", "in_progress", "1.0"),
            ("b", "基準値より改善（横ばいを含む）", "behind", "in_progress", "0"),
            ("c", "基準値より後退", "behind", "in_progress", None),
        ],
    ),
    "attainment": (
        "達成率",
        [
            ("A", "目標達成", "achieved", "in_progress", "1.0"),
            ("B", "概ね達成", "on_track", "in_progress", "0.8"),
            ("C", "一定の進捗", "behind", "in_progress", "0.5"),
            ("D", "進捗が不十分", "behind", "in_progress", None),
        ],
    ),
    "statcan": (
        "カナダ統計局方式（Open SDG）",
        [
            ("A", "順調", "on_track", "in_progress", "0.95"),
            ("B", "進んでいるが加速が必要", "behind", "in_progress", "0.6"),
            ("C", "進捗が限定的", "behind", "in_progress", "0"),
            ("D", "悪化", "behind", "in_progress", None),
        ],
    ),
}


def presets(apps, schema_editor):
    rule_model = apps.get_model("indicators", "RatingRule")
    band_model = apps.get_model("indicators", "RatingBand")
    existing = rule_model.objects.order_by("-is_active", "pk").first()
    for name, (label, bands) in PRESETS.items():
        if name == "pace" and existing is not None:
            # The scale in use becomes the pace preset, keeping the planners' edits.
            existing.name = "pace"
            if existing.label in ("", "施策評価（標準）"):  # the default scale of 0003
                existing.label = label
            existing.save()
            rule = existing
            defaults = {code: group for code, _label, group, _use, _minimum in bands}
            ordered = sorted(
                rule.bands.all(), key=lambda b: (b.minimum is None, -(b.minimum or 0))
            )
            for position, band in enumerate(ordered):  # the highest band first
                band.group = defaults.get(band.code, "behind")
                band.position = position
                band.save()
        else:
            rule = rule_model.objects.create(
                name=name, label=label, is_active=existing is None and name == "pace"
            )
            for position, (code, band_label, group, use, minimum) in enumerate(bands):
                band_model.objects.create(
                    rule=rule,
                    code=code,
                    label=band_label,
                    group=group,
                    use=use,
                    minimum=minimum,
                    position=position,
                )
        start = rule.bands.count()
        for offset, (code, band_label, group, use, minimum) in enumerate(FINAL):
            if not rule.bands.filter(code=code).exists():
                band_model.objects.create(
                    rule=rule,
                    code=code,
                    label=band_label,
                    group=group,
                    use=use,
                    minimum=minimum,
                    position=start + offset,
                )


def back_to_one_scale(apps, schema_editor):
    """Before this migration there was one scale with bands on the pace alone."""
    apps.get_model("indicators", "RatingRule").objects.exclude(name="pace").delete()
    apps.get_model("indicators", "RatingBand").objects.exclude(use="in_progress").delete()
    if schema_editor.connection.vendor == "postgresql":
        # The tables are altered next, in this transaction: PostgreSQL refuses that while
        # the deletes' deferred foreign-key checks are pending, so run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def update_roles(apps, schema_editor):
    # The renamed models keep their content types; their old permissions' names go.
    apps.get_model("auth", "Permission").objects.filter(
        codename__regex=r"_(historical)?ratingscale$"
    ).delete()
    return  # the roles' groups are kept in step after every migrate (community.access)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0011_target_kind_and_roles")]

    operations = [
        migrations.RemoveConstraint(model_name="ratingscale", name="one_active_rating_scale"),
        migrations.RemoveConstraint(model_name="ratingband", name="rating_band_one_floor"),
        migrations.RemoveConstraint(model_name="ratingband", name="rating_band_unique_code"),
        migrations.AlterModelOptions(name="ratingband", options={"ordering": ["pk"]}),
        migrations.RenameModel("RatingScale", "RatingRule"),
        migrations.RenameModel("HistoricalRatingScale", "HistoricalRatingRule"),
        migrations.RenameField("ratingrule", "name", "label"),
        migrations.RenameField("historicalratingrule", "name", "label"),
        migrations.RenameField("ratingband", "scale", "rule"),
        migrations.RenameField("historicalratingband", "scale", "rule"),
        migrations.RenameField("ratingband", "min_pace", "minimum"),
        migrations.RenameField("historicalratingband", "min_pace", "minimum"),
        migrations.AlterField(
            model_name="ratingrule",
            name="label",
            field=models.CharField(max_length=100, verbose_name="名称"),
        ),
        migrations.AlterField(
            model_name="historicalratingrule",
            name="label",
            field=models.CharField(max_length=100, verbose_name="名称"),
        ),
        migrations.AddField(
            model_name="ratingrule",
            name="name",
            field=models.CharField(max_length=20, null=True, verbose_name="方式"),
        ),
        migrations.AddField(
            model_name="historicalratingrule",
            name="name",
            field=models.CharField(max_length=20, null=True, verbose_name="方式"),
        ),
        *[
            migrations.AddField(model_name=model, name=name, field=field)
            for model in ("ratingband", "historicalratingband")
            for name, field in (
                ("group", models.CharField(default="behind", max_length=20)),
                ("use", models.CharField(default="in_progress", max_length=20)),
                ("position", models.PositiveSmallIntegerField(default=0)),
            )
        ],
        migrations.RunPython(presets, back_to_one_scale),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]
