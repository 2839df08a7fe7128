"""The indicator-value sheet (指標の値): a django-import-export ``ModelResource`` on the
shared ``SheetResource`` (``infrastructure.imports.resources``), registered as a sheet in
``IndicatorsConfig.ready``. Rows are written through ``indicators.services``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from community.areas import area_text
from community.resources import ward_column
from infrastructure.imports.resources import (
    INFORMATIONAL,
    Column,
    ProgressResource,
    status_column,
    year_column,
)
from infrastructure.imports.sheets import Sheet
from infrastructure.imports.widgets import (
    CellError,
    ChoiceWidget,
    LookupWidget,
    NumberWidget,
    TextWidget,
    is_blank,
    key_text,
)
from infrastructure.workflow import Status
from programs.selectors import current_plan

from .choices import Derivation, RecordedKind, ValueKind
from .models import Indicator, IndicatorValue
from .services import indicator_value_create, indicator_value_update

INDICATOR_VALUE = "indicator_value"


def load_indicators() -> dict[str, object]:
    """The current plan's indicators (codes are unique within a plan)."""
    return {key_text(i.code).upper(): i for i in Indicator.objects.filter(plan=current_plan())}


class ValueKindWidget(ChoiceWidget):
    """The kind of an imported value: an actual or a baseline. A target row is refused:
    targets are set by planners (admin 目標値, or the API's indicators/<code>/targets/)."""

    TARGET_WORDS = {"目標", "目標値", "target"}

    def clean(self, value, row=None, **kwargs):
        if not is_blank(value) and key_text(value).lower() in self.TARGET_WORDS:
            raise CellError(
                _(
                    "目標値は取り込みでは登録できません。計画担当が管理画面の「目標値」"
                    "（目標値の見直し）で設定します。"
                )
            )
        return super().clean(value, row=row, **kwargs)


class IndicatorValueResource(ProgressResource):
    indicator = Column(
        attribute="indicator",
        column_name="指標コード",
        en="indicator",
        required=True,
        help=gettext_lazy("成果指標のコード（例：KPI-1-1）。"),
        widget=LookupWidget(
            load_indicators,
            normalise=str.upper,
            missing=gettext_lazy("指標コードを入力してください。"),
            unknown=gettext_lazy("指標コード「%(code)s」は計画にありません。"),
            render=lambda indicator: indicator.code,
        ),
    )
    name = Column(
        attribute="indicator__name",
        column_name="指標名",
        en="name",
        help=INFORMATIONAL,
        readonly=True,
        widget=TextWidget(),
    )
    ward = ward_column()
    fiscal_year = year_column()
    kind = Column(
        attribute="kind",
        column_name="種別",
        en="kind",
        help=gettext_lazy(
            "実績（空欄も実績）か基準値。目標値は取り込めません（計画担当が管理画面で設定）。"
        ),
        widget=ValueKindWidget(
            RecordedKind,
            default=RecordedKind.ACTUAL,
            aliases=(
                ("実績", RecordedKind.ACTUAL),
                ("基準", RecordedKind.BASELINE),
            ),
            template_labels=("実績", "基準値"),
            error=gettext_lazy("種別「%(value)s」は使えません。実績か基準値のどちらかです。"),
        ),
    )
    value = Column(
        attribute="value",
        column_name="値",
        en="value",
        required=True,
        help=gettext_lazy(
            "数値。桁区切りのカンマ、末尾の％、▲・△（マイナス）、全角数字が使えます。"
        ),
        widget=NumberWidget(blank_message=gettext_lazy("値を入力してください。")),
    )
    note = Column(
        attribute="note",
        column_name="備考",
        en="note",
        help=gettext_lazy(
            "成果指標の妥当性チェック（下限・上限、前の値からの変化の上限）に該当する値には"
            "理由を書きます。"
        ),
        widget=TextWidget(),
    )
    status = status_column()

    data_columns = ("value", "note", "status")
    compared = ("value", "note")
    key_description = area_text(
        gettext_noop("指標コード・%(area)s・年度・種別"), gettext_noop("指標コード・年度・種別")
    )

    class Meta:
        model = IndicatorValue
        fields = ("indicator", "name", "ward", "fiscal_year", "kind", "value", "note", "status")
        import_id_fields = ("indicator", "fiscal_year", "kind", "ward")

    def key_of(self, values: dict) -> tuple:
        ward = values["ward"]
        return (values["indicator"].pk, values["fiscal_year"], values["kind"], ward and ward.pk)

    def existing_records(self, keys: list[tuple]) -> dict:
        records = IndicatorValue.objects.filter(
            indicator__in={key[0] for key in keys}, fiscal_year__in={key[1] for key in keys}
        ).select_related("indicator", "ward")
        return {(r.indicator_id, r.fiscal_year, r.kind, r.ward_id): r for r in records}

    def label(self, instance) -> str:
        return " ".join(
            [
                instance.indicator.code,
                instance.ward.name if instance.ward else _("市全体"),
                str(instance.fiscal_year),
                str(ValueKind(instance.kind).label),
            ]
        )

    def candidate(self, instance):
        return IndicatorValue(indicator=instance.indicator, ward=instance.ward, status=Status.DRAFT)

    def create(self, instance):
        return indicator_value_create(
            user=self.user,
            indicator=instance.indicator,
            fiscal_year=instance.fiscal_year,
            kind=instance.kind,
            value=instance.value,
            ward=instance.ward,
            note=instance.note,
        )

    def update(self, instance, changes: dict):
        return indicator_value_update(
            user=self.user, record=instance, expected_version=instance.version, **changes
        )

    def export_queryset(self, user):
        return (
            IndicatorValue.objects.visible_to(user)
            .select_related("indicator", "ward")
            .order_by("indicator__code", "fiscal_year", "kind", "ward__position")
        )

    def template_rows(self, *, ward, fiscal_year: int) -> list[list]:
        """One row per indicator a ward types in (not those computed from the community's
        records), the ward and the year filled in, the value left blank."""
        place = {"ward": ward.name if ward else "", "fiscal_year": fiscal_year}
        typed_in = Indicator.objects.filter(plan=current_plan(), derivation=Derivation.NONE)
        return [
            self.template_row({"indicator": i.code, "name": i.name, **place, "kind": "実績"})
            for i in typed_in.order_by("pillar__number", "position", "code")
        ]


INDICATOR_SHEET = Sheet(
    kind=INDICATOR_VALUE,
    title=gettext_lazy("指標の値"),
    model_label="indicators.IndicatorValue",
    resource_class=IndicatorValueResource,
    file_name="indicator-values",
)
