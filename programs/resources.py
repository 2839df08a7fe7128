"""The initiative-progress sheet (取組の進捗): a django-import-export ``ModelResource`` on the
shared ``SheetResource`` (``infrastructure.imports.resources``), registered as a sheet in
``ProgramsConfig.ready``. Rows are written through ``programs.services``."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from community.areas import area_text
from community.resources import ward_column
from infrastructure.imports.resources import (
    COUNT_HELP,
    INFORMATIONAL,
    Column,
    ProgressResource,
    status_column,
    year_column,
)
from infrastructure.imports.sheets import Sheet
from infrastructure.imports.widgets import (
    ChoiceWidget,
    CountWidget,
    LookupWidget,
    TextWidget,
    key_text,
)
from infrastructure.workflow import Status

from .choices import ProgressState
from .models import ITEM_SUBJECTS, Initiative, InitiativeProgress, Section, subject_kind
from .selectors import current_plan, subjects_by_code
from .services import initiative_progress_create, initiative_progress_update

INITIATIVE_PROGRESS = "initiative_progress"


def load_subjects() -> dict[str, object]:
    """Initiatives and sections of the current plan by code (``subjects_by_code``: an
    initiative wins over a section of the same code)."""
    subjects = subjects_by_code(current_plan(), kinds=ITEM_SUBJECTS)
    return {key_text(code): subject for code, subject in subjects.items()}


class SubjectColumn(Column):
    """取組コード: an initiative, or a section where the plan has no numbered initiative."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.subject = self.clean(row, **kwargs)

    def get_value(self, instance):
        return instance.subject


class InitiativeProgressResource(ProgressResource):
    subject = SubjectColumn(
        attribute="subject",
        column_name="取組コード",
        en="initiative",
        required=True,
        help=gettext_lazy(
            "取組施策のコード（例：1-2-1、2-3）。取組施策のない項目は項目のコード（例：4-1）。"
        ),
        widget=LookupWidget(
            load_subjects,
            missing=gettext_lazy("取組コードを入力してください。"),
            unknown=gettext_lazy("取組コード「%(code)s」は計画にありません。"),
            render=lambda subject: subject.code,
        ),
    )
    title = Column(column_name="取組名", en="title", help=INFORMATIONAL, readonly=True)
    ward = ward_column()
    fiscal_year = year_column()
    state = Column(
        attribute="state",
        column_name="進捗",
        en="state",
        help=gettext_lazy("未着手（空欄も未着手）、実施中、完了、遅延のいずれか。"),
        widget=ChoiceWidget(
            ProgressState,
            default=ProgressState.NOT_STARTED,
            error=gettext_lazy(
                "進捗「%(value)s」は使えません。未着手・実施中・完了・遅延のいずれかです。"
            ),
        ),
    )
    results = Column(
        attribute="results",
        column_name="実績",
        en="results",
        help=gettext_lazy("その年度に行ったこと。"),
        widget=TextWidget(),
    )
    issues = Column(
        attribute="issues",
        column_name="課題",
        en="issues",
        help=gettext_lazy("見えてきた課題。"),
        widget=TextWidget(),
    )
    next_steps = Column(
        attribute="next_steps",
        column_name="次年度の方針",
        en="next_steps",
        help=gettext_lazy("次の年度の進め方。"),
        widget=TextWidget(),
    )
    events_held = Column(
        attribute="events_held",
        column_name="開催回数",
        en="events_held",
        help=COUNT_HELP,
        widget=CountWidget(),
    )
    participants = Column(
        attribute="participants",
        column_name="参加者数",
        en="participants",
        help=COUNT_HELP,
        widget=CountWidget(),
    )
    trainees = Column(
        attribute="trainees",
        column_name="養成者数",
        en="trainees",
        help=gettext_lazy("0以上の整数（例：認知症サポーターの養成数）。"),
        widget=CountWidget(),
    )
    status = status_column()

    texts = ("results", "issues", "next_steps")
    counts = ("events_held", "participants", "trainees")
    data_columns = ("state", *texts, *counts, "status")
    compared = ("state", *texts, *counts)
    error_columns = {"initiative": "subject", "section": "subject", NON_FIELD_ERRORS: "subject"}
    key_description = area_text(
        gettext_noop("取組コード・%(area)s・年度"), gettext_noop("取組コード・年度")
    )

    class Meta:
        model = InitiativeProgress
        fields = (
            "subject",
            "title",
            "ward",
            "fiscal_year",
            "state",
            "results",
            "issues",
            "next_steps",
            "events_held",
            "participants",
            "trainees",
            "status",
        )
        import_id_fields = ("subject", "fiscal_year", "ward")

    def key_of(self, values: dict) -> tuple:
        subject, ward = values["subject"], values["ward"]
        return (subject_kind(subject), subject.pk, values["fiscal_year"], ward and ward.pk)

    def existing_records(self, keys: list[tuple]) -> dict:
        records = InitiativeProgress.objects.filter(
            InitiativeProgress.about_subjects(keys),
            fiscal_year__in={key[2] for key in keys},
        ).select_related("ward")
        return {(*r.subject_key, r.fiscal_year, r.ward_id): r for r in records}

    def label(self, instance) -> str:
        where = instance.ward.name if instance.ward else _("市全体")
        return " ".join([instance.subject_code, where, str(instance.fiscal_year)])

    def candidate(self, instance):
        return InitiativeProgress(ward=instance.ward, status=Status.DRAFT)

    def create(self, instance):
        return initiative_progress_create(
            user=self.user,
            **{instance.subject_kind: instance.subject},
            fiscal_year=instance.fiscal_year,
            ward=instance.ward,
            **{name: getattr(instance, name) for name in self.compared},
        )

    def update(self, instance, changes: dict):
        return initiative_progress_update(
            user=self.user, record=instance, expected_version=instance.version, **changes
        )

    def dehydrate_title(self, record) -> str:
        return record.initiative.title if record.initiative_id else record.section.title

    def export_queryset(self, user):
        return (
            InitiativeProgress.objects.visible_to(user)
            .select_related("initiative", "section__pillar", "ward")
            .order_by("fiscal_year", "initiative__code", "section__number", "ward__position")
        )

    def template_rows(self, *, ward, fiscal_year: int) -> list[list]:
        """One row per initiative (or section without initiatives), in code order, the ward
        and the year filled in, the rest left for the ward to enter."""
        place = {"ward": ward.name if ward else "", "fiscal_year": fiscal_year}
        plan = current_plan()
        subjects = [(i.code, i.title) for i in Initiative.objects.filter(pillar__plan=plan)]
        subjects += [
            (s.code, s.title)
            for s in Section.objects.filter(
                pillar__plan=plan, initiatives__isnull=True
            ).select_related("pillar")
        ]
        subjects.sort(key=lambda s: [int(p) for p in s[0].split("-")])
        return [
            self.template_row({"subject": code, "title": title, **place})
            for code, title in subjects
        ]


PROGRESS_SHEET = Sheet(
    kind=INITIATIVE_PROGRESS,
    title=gettext_lazy("取組の進捗"),
    model_label="programs.InitiativeProgress",
    resource_class=InitiativeProgressResource,
    file_name="initiative-progress",
)
