"""A few common indicators (共通指標) to start from: national definitions only, which any
municipality may map its own indicators to. The installation's administrator adds more in the
admin."""

from django.db import migrations

COMMON_INDICATORS = [
    {
        "code": "dementia-supporters",
        "name": "認知症サポーター養成者数",
        "name_en": "People trained as dementia supporters",
        "unit": "人",
        "unit_en": "people",
        "unit_kind": "count",
        "description": "認知症サポーター養成講座を修了した人の数（累計）。",
    },
    {
        "code": "childcare-waiting-children",
        "name": "保育所等待機児童数",
        "name_en": "Children waiting for a place in childcare",
        "unit": "人",
        "unit_en": "children",
        "unit_kind": "count",
        "description": "保育所等利用待機児童数調査の定義による、4月1日時点の待機児童数。",
    },
    {
        "code": "community-gathering-places",
        "name": "住民主体の通いの場の数",
        "name_en": "Resident-run community gathering places",
        "unit": "か所",
        "unit_en": "places",
        "unit_kind": "count",
        "description": (
            "介護予防に資する住民主体の通いの場の数"
            "（介護予防・日常生活支援総合事業の実施状況調査の定義）。"
        ),
    },
    {
        "code": "independence-support-consultations",
        "name": "生活困窮者自立相談支援事業の新規相談受付件数",
        "name_en": "New consultations of the self-reliance support programme for people in need",
        "unit": "件",
        "unit_en": "cases",
        "unit_kind": "count",
        "description": (
            "生活困窮者自立支援制度の自立相談支援事業で年度中に受け付けた新規相談の件数。"
        ),
    },
    {
        "code": "welfare-commissioner-fill-rate",
        "name": "民生委員・児童委員の充足率",
        "name_en": "Commissioned welfare volunteers in post against the fixed number",
        "unit": "%",
        "unit_en": "%",
        "unit_kind": "percentage",
        "description": "民生委員・児童委員の定数に対する委嘱数の割合（12月1日時点）。",
    },
]


def ship(apps, schema_editor):
    CommonIndicator = apps.get_model("indicators", "CommonIndicator")
    for position, entry in enumerate(COMMON_INDICATORS, start=1):
        CommonIndicator.objects.update_or_create(
            code=entry["code"], defaults={**entry, "position": position}
        )


def unship(apps, schema_editor):
    CommonIndicator = apps.get_model("indicators", "CommonIndicator")
    codes = [entry["code"] for entry in COMMON_INDICATORS]
    CommonIndicator.objects.filter(code__in=codes, indicators__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0020_common_indicators")]

    operations = [migrations.RunPython(ship, unship)]
