"""The evaluation sheet (評価シート): a django-import-export ``ModelResource`` on the shared
``ProgressResource`` (``infrastructure.imports.resources``), registered in
``EvaluationsConfig.ready``. One row per item, year and stage; rows are written through
``evaluations.services`` as the importing user, so the one policy decides every row (a
department's officer: their items' 一次評価 only) and nothing is overwritten silently."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    CodeWidget,
    TextWidget,
    cell_text,
    is_blank,
    key_text,
)
from infrastructure.workflow import Status
from programs.models import Pillar, Section, subject_kind
from programs.selectors import current_plan, subjects_by_code

from .choices import Direction, EvaluationStage
from .models import Evaluation
from .selectors import RELATED
from .services import evaluation_create, evaluation_update

EVALUATION = "evaluation"


def load_items() -> dict[str, object]:
    """The current plan's pillars (by number), sections and initiatives (by code):
    ``subjects_by_code`` (an initiative wins over a section of the same code)."""
    return {key_text(code): subject for code, subject in subjects_by_code(current_plan()).items()}


class SubjectColumn(Column):
    """項目・取組: the code of a section (1-2) or an initiative (1-2-1, 2-3) of the pillar in
    施策; blank for the pillar's own evaluation."""

    PILLAR_HEADER = "施策"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._items: dict[str, object] | None = None

    @property
    def items(self) -> dict[str, object]:
        if self._items is None:
            self._items = load_items()
        return self._items

    def clean(self, row, **kwargs):
        pillar_cell = row.get(self.PILLAR_HEADER)
        if is_blank(pillar_cell):
            raise CellError(_("施策の番号を入力してください。"))
        pillar_key = key_text(pillar_cell)
        pillar = self.items.get(pillar_key)
        if not isinstance(pillar, Pillar):
            raise CellError(
                _("施策「%(value)s」は計画にありません。") % {"value": cell_text(pillar_cell)}
            )
        item_cell = row.get(self.column_name)
        if is_blank(item_cell):
            return pillar
        code = key_text(item_cell)
        if "-" not in code:  # the number within the pillar: 2 → 1-2
            code = f"{pillar_key}-{code}"
        item = self.items.get(code)
        if item is None or isinstance(item, Pillar):
            raise CellError(
                _("項目・取組「%(value)s」は施策%(pillar)sにありません。")
                % {"value": cell_text(item_cell), "pillar": pillar.number}
            )
        if item.pillar_id != pillar.pk:
            raise CellError(
                _("項目・取組「%(value)s」は施策%(pillar)sにありません。")
                % {"value": cell_text(item_cell), "pillar": pillar.number}
            )
        return item

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.subject = self.clean(row, **kwargs)

    def get_value(self, instance):
        return instance.subject


class EvaluationResource(ProgressResource):
    fiscal_year = year_column()
    pillar = Column(
        column_name="施策",
        en="pillar",
        required=True,
        help=gettext_lazy("施策の番号（例：1）。"),
        readonly=True,  # read with 項目・取組, which names the evaluated item
        widget=CodeWidget(),
    )
    subject = SubjectColumn(
        attribute="subject",
        column_name="項目・取組",
        en="item",
        aliases=("施策の中の番号", "取組"),
        help=gettext_lazy(
            "施策の項目のコード（例：1-2）か取組施策のコード（例：1-2-1、2-3）。"
            "空欄は施策全体の評価。"
        ),
        widget=CodeWidget(),
    )
    title = Column(column_name="名称", en="title", help=INFORMATIONAL, readonly=True)
    department = Column(column_name="所管課", en="department", help=INFORMATIONAL, readonly=True)
    stage = Column(
        attribute="stage",
        column_name="評価段階",
        en="stage",
        required=True,
        help=gettext_lazy("一次評価・二次評価・審議会意見のいずれか。"),
        widget=ChoiceWidget(
            EvaluationStage,
            default=None,
            error=gettext_lazy(
                "評価段階「%(value)s」は使えません。一次評価・二次評価・審議会意見のいずれかです。"
            ),
        ),
    )
    rating = Column(
        attribute="rating",
        column_name="評価",
        en="rating",
        help=gettext_lazy("評価基準の区分（例：A、B、C、D）。"),
        widget=CodeWidget(),
    )
    results = Column(
        attribute="results",
        column_name="成果",
        en="results",
        help=gettext_lazy("その年度の成果。"),
        widget=TextWidget(),
    )
    analysis = Column(
        attribute="analysis",
        column_name="要因分析",
        en="analysis",
        help=gettext_lazy("評価の理由。"),
        widget=TextWidget(),
    )
    issues = Column(
        attribute="issues",
        column_name="課題",
        en="issues",
        help=gettext_lazy("見えてきた課題。"),
        widget=TextWidget(),
    )
    direction = Column(
        attribute="direction",
        column_name="今後の方向性",
        en="direction",
        help=gettext_lazy("拡充・継続・改善・縮小・休廃止・終了のいずれか（空欄も可）。"),
        widget=ChoiceWidget(
            Direction,
            default="",
            error=gettext_lazy(
                "今後の方向性「%(value)s」は使えません。"
                "拡充・継続・改善・縮小・休廃止・終了のいずれかです。"
            ),
        ),
    )
    comment = Column(
        attribute="comment",
        column_name="意見",
        en="comment",
        help=gettext_lazy("意見・コメント。"),
        widget=TextWidget(),
    )
    status = status_column()

    texts = ("results", "analysis", "issues", "comment")
    data_columns = ("rating", *texts, "direction", "status")
    compared = ("rating", *texts, "direction")
    error_columns = {
        "pillar": "subject",
        "section": "subject",
        "initiative": "subject",
        NON_FIELD_ERRORS: "subject",
    }
    key_description = gettext_lazy("年度・施策・項目・取組・評価段階")
    place_column = "stage"

    class Meta:
        model = Evaluation
        fields = (
            "fiscal_year",
            "pillar",
            "subject",
            "title",
            "department",
            "stage",
            "rating",
            "results",
            "analysis",
            "issues",
            "direction",
            "comment",
            "status",
        )
        import_id_fields = ("subject", "fiscal_year", "stage")

    @classmethod
    def key_column(cls) -> Column:
        # 評価段階 tells this sheet from the others (年度 is in every sheet).
        return cls.fields["stage"]

    def key_of(self, values: dict) -> tuple | None:
        subject = values["subject"]
        if values["stage"] is None:
            return None
        return (subject_kind(subject), subject.pk, values["fiscal_year"], values["stage"])

    def existing_records(self, keys: list[tuple]) -> dict:
        records = Evaluation.objects.filter(
            Evaluation.about_subjects(keys), fiscal_year__in={key[2] for key in keys}
        ).select_related(*RELATED)
        return {(*r.subject_key, r.fiscal_year, r.stage): r for r in records}

    def label(self, instance) -> str:
        return str(instance)

    def candidate(self, instance):
        """The row's item and stage as a new draft: may this user write it at all?"""
        record = Evaluation(stage=instance.stage, status=Status.DRAFT)
        record.subject = instance.subject
        return record

    def create(self, instance):
        return evaluation_create(
            user=self.user,
            **{instance.subject_kind: instance.subject},
            fiscal_year=instance.fiscal_year,
            stage=instance.stage,
            **{name: getattr(instance, name) for name in self.compared},
        )

    def update(self, instance, changes: dict):
        return evaluation_update(
            user=self.user, record=instance, expected_version=instance.version, **changes
        )

    def dehydrate_pillar(self, record) -> int:
        return record.pillar_number

    def dehydrate_subject(self, record) -> str:
        return "" if record.pillar_id else record.subject.code

    def dehydrate_title(self, record) -> str:
        return record.subject.title

    def dehydrate_department(self, record) -> str:
        department = record.department
        return department.name if department else ""

    def export_queryset(self, user):
        return (
            Evaluation.objects.visible_to(user)
            .select_related(*RELATED)
            .order_by(*Evaluation._meta.ordering)
        )

    def template_rows(self, *, ward, fiscal_year: int) -> list[list]:
        """One row per pillar, section and initiative of the current plan, in plan order,
        with the year filled in; the stage and the text are left to fill in."""
        plan = current_plan()
        rows = []
        for pillar in Pillar.objects.filter(plan=plan).order_by("number"):
            rows.append((pillar, None))
            items = [*pillar.sections.all(), *pillar.initiatives.select_related("section")]
            items.sort(key=_plan_position)
            rows.extend((pillar, item) for item in items)
        return [
            self.template_row(
                {
                    "fiscal_year": fiscal_year,
                    "pillar": pillar.number,
                    "subject": item.code if item else "",
                    "title": (item or pillar).title,
                    "department": getattr(getattr(item, "department", None), "name", ""),
                }
            )
            for pillar, item in rows
        ]


def _plan_position(item) -> tuple[int, int]:
    if isinstance(item, Section):
        return (item.number, 0)
    return (item.section.number if item.section_id else 0, item.number)


EVALUATION_SHEET = Sheet(
    kind=EVALUATION,
    title=gettext_lazy("評価シート"),
    model_label="evaluations.Evaluation",
    resource_class=EvaluationResource,
    file_name="evaluations",
)

__all__ = ["EVALUATION_SHEET", "EvaluationResource"]
