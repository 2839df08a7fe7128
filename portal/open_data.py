"""The open-data catalogue (issue 14, item 1; docs/open-data.md): one definition per dataset.

Each dataset names its slug, its Japanese and English titles, a description, its fields (the
Frictionless table schema: name, title, type, constraints; primary and foreign keys) and its
rows, an iterator of dicts keyed by the field names, read in chunks so that memory stays
bounded. Only what the public sees is offered: workflow records through
``visible_to(access.PUBLIC)`` (approved rows only, never a draft), whoever asks.

The layout follows the 自治体標準オープンデータセット: the first columns are
全国地方公共団体コード, ID and 地方公共団体名; a fiscal year comes in both forms (年度 2016 and
年度（和暦） 平成28年度); one value to a cell (a list is a dataset of its own, one row per item);
the headers are Japanese. The publisher is the municipality of the plan's data.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from community import access
from community.areas import area_text, areas
from community.models import (
    DIRECTORY,
    CommunityResource,
    HealthTownPlanningRecord,
    Municipality,
    SchoolDistrict,
)
from evaluations.models import Evaluation
from indicators.models import Indicator, IndicatorValue, Target
from infrastructure.fiscal_year import era_label
from programs.models import InitiativeProgress, Plan
from programs.selectors import current_plan

CHUNK = 500  # rows read from the database at a time

CODE = "全国地方公共団体コード"
ID = "ID"
NAME = "地方公共団体名"


@dataclass(frozen=True)
class Field:
    name: str  # the Japanese column header
    title: str  # English
    type: str = "string"  # string, integer, number, date, boolean, year
    required: bool = False
    constraints: dict = field(default_factory=dict)

    def descriptor(self) -> dict:
        constraints = dict(self.constraints)
        if self.required:
            constraints["required"] = True
        out = {"name": self.name, "title": self.title, "type": self.type}
        if constraints:
            out["constraints"] = constraints
        return out


def _head(id_type: str = "integer") -> list[Field]:
    return [
        Field(CODE, "Local government code", required=True, constraints={"pattern": r"\d{6}"}),
        Field(ID, "ID", id_type, required=True, constraints={"unique": True}),
        Field(NAME, "Local government name", required=True),
    ]


def _years(name: str, title: str, *, required: bool = True) -> list[Field]:
    return [
        Field(name, f"{title} (Western)", "year", required=required),
        Field(f"{name}（和暦）", f"{title} (Japanese era)", required=required),
    ]


#: Where a dataset's columns name the row's area (``area_fields``).
AREA_COLUMNS = Field("", "")


def area_fields() -> list[Field]:
    """The columns naming a row's area, in the municipality's own word for its areas: 区コード
    and 区名 for a city of wards, 地区コード and 地区名 for one of 地区; none for a
    municipality without areas (its rows are all city-wide: a column always empty, headed by
    a word the municipality does not use, would say nothing)."""
    found = areas()
    if not found.exist:
        return []
    word, en = found.word, found.word_en[:1].upper() + found.word_en[1:]
    return [
        Field(f"{word}コード", f"{en} code (JIS X 0402 local government code where it has one)"),
        Field(f"{word}名", f"{en} name"),
    ]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    title_en: str
    description: str
    declared: list[Field]  # ``AREA_COLUMNS`` where the area's columns go
    queryset: Callable[[Plan | None], QuerySet]
    row: Callable[[object], dict]
    # The time of the latest change among the rows, or None where the rows keep no such time
    # (the catalogue then shows the time the data were generated, and says so).
    updated_field: str | None = None
    foreign_keys: list[dict] = field(default_factory=list)
    primary_key: tuple[str, ...] = (ID,)

    @property
    def fields(self) -> list[Field]:
        """The columns, the area's as the municipality names them (``area_fields``)."""
        found = []
        for declared in self.declared:
            found.extend(area_fields() if declared is AREA_COLUMNS else [declared])
        return found

    @property
    def header(self) -> list[str]:
        return [f.name for f in self.fields]

    def rows(self, publisher: Municipality | None = None) -> Iterator[dict]:
        """The rows, each starting with the publisher's code and name."""
        publisher = publisher if publisher is not None else publisher_of()
        code, name = (publisher.code, publisher.name) if publisher else ("", "")
        names = [f.name for f in area_fields()]
        for obj in self.queryset(current_plan()).iterator(chunk_size=CHUNK):
            yield {CODE: code, NAME: name, **_area_named(self.row(obj), names)}

    def count(self) -> int:
        return self.queryset(current_plan()).count()

    def updated_at(self) -> datetime.datetime | None:
        if not self.updated_field:
            return None
        return self.queryset(current_plan()).aggregate(latest=Max(self.updated_field))["latest"]

    def schema(self) -> dict:
        return {
            "fields": [f.descriptor() for f in self.fields],
            "primaryKey": list(self.primary_key),
            "foreignKeys": self.foreign_keys,
            "missingValues": [""],
        }


def publisher_of() -> Municipality | None:
    """The municipality the data are about: the current plan's, else the one loaded."""
    plan = current_plan()
    if plan is not None and plan.municipality_id:
        return plan.municipality
    return Municipality.objects.order_by("code").first()


def license_descriptor() -> dict:
    return dict(settings.OPEN_DATA_LICENSE)


# --- cells ----------------------------------------------------------------------------------


def number(value: Decimal | None) -> Decimal | None:
    """A stored figure without the padding zeros of its column (12.5000 → 12.5)."""
    if value is None:
        return None
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def era(year: int | None) -> str:
    return era_label(year) if year is not None else ""


_AREA_CELLS = object()  # a row's key for its ward, until ``_area_named`` names its columns


def ward_cells(ward) -> dict:
    """A row's ward (area), where its columns go: ``_area_named`` names them."""
    return {_AREA_CELLS: ward}


def _area_named(row: dict, names: list[str]) -> dict:
    """``row`` with its ward (``ward_cells``) as the columns ``names`` (``area_fields``;
    none without areas), in place: the code is the ward's own 全国地方公共団体コード where it
    has one (the code the API's ``?ward=`` takes too), else its code in the plan folder; both
    empty for a city-wide row."""
    named = {}
    for key, value in row.items():
        if key is not _AREA_CELLS:
            named[key] = value
        elif names:
            code, name = (value.municipality_code or value.code, value.name) if value else ("", "")
            named.update(zip(names, (code, name), strict=True))
    return named


def _values_title_en() -> str:
    found = areas()
    by = f" and {found.word_en}" if found.exist else ""
    return f"Indicator values by fiscal year{by}"


def _fk(fields: list[str], resource: str, ref: list[str]) -> dict:
    return {"fields": fields, "reference": {"resource": resource, "fields": ref}}


# --- the datasets ---------------------------------------------------------------------------


def _indicators(plan):
    return Indicator.objects.filter(plan=plan).select_related("pillar", "section")


def _indicator_row(i: Indicator) -> dict:
    return {
        ID: i.code,
        "指標名": i.name,
        "施策番号": i.pillar.number if i.pillar_id else None,
        "施策名": i.pillar.title if i.pillar_id else "",
        "単位": i.get_unit_display(),
        "単位の種類": i.unit.get_kind_display(),
        "望ましい方向": i.get_direction_display(),
        "小数点以下の桁数": i.decimal_places,
        "出典": i.source,
    }


def _targets(plan):
    return (
        Target.objects.filter(indicator__plan=plan)
        .select_related("indicator", "ward")
        .order_by(*Target._meta.ordering)
    )


def _target_row(t: Target) -> dict:
    return {
        ID: t.pk,
        "指標コード": t.indicator.code,
        "指標名": t.indicator.name,
        **ward_cells(t.ward),
        "目標年度": t.fiscal_year,
        "目標年度（和暦）": era(t.fiscal_year),
        "目標値": number(t.value),
        "単位": t.indicator.get_unit_display(),
        "見直した年度": t.revised_in,
        "見直した年度（和暦）": era(t.revised_in),
        "見直しの理由": t.reason,
        "時点": t.as_of,
        "出典": t.source,
        "設定日時": timezone.localtime(t.set_at).isoformat(timespec="seconds"),
    }


def _values(plan):
    return (
        IndicatorValue.objects.visible_to(access.PUBLIC)
        .filter(indicator__plan=plan)
        .select_related("indicator", "ward")
        .order_by("indicator__code", "fiscal_year", "kind", "ward__position", "pk")
    )


def _value_row(v: IndicatorValue) -> dict:
    return {
        ID: v.pk,
        "指標コード": v.indicator.code,
        "指標名": v.indicator.name,
        "年度": v.fiscal_year,
        "年度（和暦）": era(v.fiscal_year),
        **ward_cells(v.ward),
        "種別": v.get_kind_display(),
        "値": number(v.value),
        "単位": v.indicator.get_unit_display(),
        "時点": v.as_of,
        "備考": v.note,
        "出典": v.source,
    }


def _progress(plan):
    from django.db.models import Q

    return (
        InitiativeProgress.objects.visible_to(access.PUBLIC)
        .filter(Q(initiative__pillar__plan=plan) | Q(section__pillar__plan=plan))
        .select_related("initiative", "section", "ward")
        .order_by("fiscal_year", "initiative__code", "section__number", "ward__position", "pk")
    )


def _progress_row(p: InitiativeProgress) -> dict:
    return {
        ID: p.pk,
        "年度": p.fiscal_year,
        "年度（和暦）": era(p.fiscal_year),
        "取組施策コード": p.initiative.code if p.initiative_id else "",
        "取組施策名": p.initiative.title if p.initiative_id else "",
        "施策の項目名": p.section.title if p.section_id else "",
        **ward_cells(p.ward),
        "進捗": p.get_state_display(),
        "実績": p.results,
        "課題": p.issues,
        "次年度の方針": p.next_steps,
        "開催回数": p.events_held,
        "参加者数": p.participants,
        "養成者数": p.trainees,
        "出典": p.source,
    }


def _evaluations(plan):
    from django.db.models import Q

    return (
        Evaluation.objects.visible_to(access.PUBLIC)
        .filter(
            Q(pillar__plan=plan) | Q(section__pillar__plan=plan) | Q(initiative__pillar__plan=plan)
        )
        .select_related("pillar", "section__pillar", "initiative")
        .order_by("fiscal_year", *Evaluation._meta.ordering, "pk")
    )


def _evaluation_row(e: Evaluation) -> dict:
    return {
        ID: e.pk,
        "年度": e.fiscal_year,
        "年度（和暦）": era(e.fiscal_year),
        "評価対象の種類": e.subject_kind_label,
        "評価対象コード": e.subject_code,
        "評価対象名": e.subject.title,
        "評価段階": e.get_stage_display(),
        "評価": e.rating,
        "成果": e.results,
        "要因分析": e.analysis,
        "課題": e.issues,
        "今後の方向性": e.get_direction_display() if e.direction else "",
        "意見": e.comment,
    }


def _resources(plan):
    return CommunityResource.objects.select_related(
        "organisation_type", "ward", "school_district"
    ).order_by(*CommunityResource._meta.ordering)


# The directory's columns (community.models.DIRECTORY) as the open data publishes them: the
# ward as its code and name, the school district as its code, the texts in this order (受付時間
# before ウェブサイト), no lists (life stages are a dataset of their own).
_RESOURCE_TEXTS = ("address", "phone", "hours", "website", "opening_notes", "description")


def _directory_field(name: str, **kwargs) -> Field:
    return Field(DIRECTORY[name].column, DIRECTORY[name].title, **kwargs)


def _resource_row(r: CommunityResource) -> dict:
    return {
        ID: r.pk,
        DIRECTORY["name"].column: r.name,
        DIRECTORY["organisation_type"].column: r.organisation_type.name,
        **ward_cells(r.ward),
        "小学校区コード": r.school_district.code if r.school_district_id else "",
        **{DIRECTORY[name].column: getattr(r, name) for name in _RESOURCE_TEXTS},
        DIRECTORY["consultation"].column: r.consultation,
    }


def _resource_stages(plan):
    return CommunityResource.life_stages.through.objects.select_related(
        "communityresource", "lifestage"
    ).order_by("communityresource_id", "lifestage__position")


def _resource_stage_row(link) -> dict:
    return {
        ID: link.pk,
        "地域資源ID": link.communityresource_id,
        "ライフステージコード": link.lifestage.code,
        "ライフステージ": link.lifestage.name,
    }


def _districts(plan):
    return SchoolDistrict.objects.select_related("ward").order_by("ward__position", "code")


def _district_row(d: SchoolDistrict) -> dict:
    return {ID: d.code, "小学校区名": d.name, **ward_cells(d.ward)}


def _stages(plan):
    return HealthTownPlanningRecord.objects.select_related("school_district__ward").order_by(
        "school_district__ward__position", "school_district__code", "fiscal_year"
    )


def _stage_row(h: HealthTownPlanningRecord) -> dict:
    return {
        ID: h.pk,
        "小学校区コード": h.school_district.code,
        "小学校区名": h.school_district.name,
        **ward_cells(h.school_district.ward),
        "年度": h.fiscal_year,
        "年度（和暦）": era(h.fiscal_year),
        "到達した段階": h.stage,
        "段階の名称": h.get_stage_display(),
        "到達日": h.reached_on,
    }


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "indicators",
        _("成果指標"),
        "Outcome indicators",
        _(
            "計画の成果指標：コード、名称、単位とその種類（数・割合・金額・その他の量）、"
            "望ましい方向。目標値は「成果指標の目標値」にあります。"
        ),
        [
            *_head("string"),
            Field("指標名", "Name", required=True),
            Field("施策番号", "Pillar number", "integer"),
            Field("施策名", "Pillar"),
            Field("単位", "Unit"),
            Field("単位の種類", "Kind of unit"),
            Field("望ましい方向", "Desired direction"),
            Field("小数点以下の桁数", "Decimal places", "integer"),
            Field("出典", "Source"),
        ],
        _indicators,
        _indicator_row,
    ),
    Dataset(
        "indicator-targets",
        _("成果指標の目標値"),
        "Indicator targets",
        _(
            "成果指標の目標値。計画当初の目標値と、見直した目標値をそれぞれ1行に載せます"
            "（見直しても前の目標値は消しません）。"
        ),
        [
            *_head(),
            Field("指標コード", "Indicator code", required=True),
            Field("指標名", "Indicator name"),
            AREA_COLUMNS,
            *_years("目標年度", "Target fiscal year"),
            Field("目標値", "Target value", "number", required=True),
            Field("単位", "Unit"),
            *_years("見直した年度", "Revised in fiscal year", required=False),
            Field("見直しの理由", "Reason for the revision"),
            Field("時点", "As of"),
            Field("出典", "Source"),
            Field("設定日時", "Set at"),
        ],
        _targets,
        _target_row,
        updated_field="set_at",
        foreign_keys=[_fk(["指標コード"], "indicators", [ID])],
    ),
    Dataset(
        "indicator-values",
        area_text(
            gettext_noop("成果指標の値（年度・%(area)s別）"), gettext_noop("成果指標の値（年度別）")
        ),
        lazy(_values_title_en, str)(),
        area_text(
            gettext_noop("承認済みの基準値と実績値。%(area)sの欄が空の行は市全体の値です。"),
            gettext_noop("承認済みの基準値と実績値。"),
        ),
        [
            *_head(),
            Field("指標コード", "Indicator code", required=True),
            Field("指標名", "Indicator name"),
            *_years("年度", "Fiscal year"),
            AREA_COLUMNS,
            Field("種別", "Kind", required=True),
            Field("値", "Value", "number", required=True),
            Field("単位", "Unit"),
            Field("時点", "As of"),
            Field("備考", "Note"),
            Field("出典", "Source"),
        ],
        _values,
        _value_row,
        updated_field="updated_at",
        foreign_keys=[_fk(["指標コード"], "indicators", [ID])],
    ),
    Dataset(
        "initiative-progress",
        _("取組の進捗"),
        "Initiative progress",
        area_text(
            gettext_noop(
                "各%(area)s・市全体の取組の進捗（承認済み）：実績、課題、次年度の方針と活動の数。"
            ),
            gettext_noop("市全体の取組の進捗（承認済み）：実績、課題、次年度の方針と活動の数。"),
        ),
        [
            *_head(),
            *_years("年度", "Fiscal year"),
            Field("取組施策コード", "Initiative code"),
            Field("取組施策名", "Initiative"),
            Field("施策の項目名", "Section"),
            AREA_COLUMNS,
            Field("進捗", "State", required=True),
            Field("実績", "Results"),
            Field("課題", "Issues"),
            Field("次年度の方針", "Next year's course"),
            Field("開催回数", "Events held", "integer", constraints={"minimum": 0}),
            Field("参加者数", "Participants", "integer", constraints={"minimum": 0}),
            Field("養成者数", "Trainees", "integer", constraints={"minimum": 0}),
            Field("出典", "Source"),
        ],
        _progress,
        _progress_row,
        updated_field="updated_at",
    ),
    Dataset(
        "evaluations",
        _("施策評価"),
        "Evaluations",
        _("承認済みの施策評価（一次評価、二次評価、審議会意見）。"),
        [
            *_head(),
            *_years("年度", "Fiscal year"),
            Field("評価対象の種類", "Kind of subject", required=True),
            Field("評価対象コード", "Subject code", required=True),
            Field("評価対象名", "Subject"),
            Field("評価段階", "Stage", required=True),
            Field("評価", "Rating"),
            Field("成果", "Results"),
            Field("要因分析", "Analysis"),
            Field("課題", "Issues"),
            Field("今後の方向性", "Direction"),
            Field("意見", "Comment"),
        ],
        _evaluations,
        _evaluation_row,
        updated_field="updated_at",
    ),
    Dataset(
        "community-resources",
        _("相談できるところ・地域資源"),
        "Places to consult and community resources",
        area_text(
            gettext_noop(
                "地域資源の一覧（相談窓口を含む）。%(area)sの欄が空の行は市全体の機関です。"
                "ライフステージは「地域資源のライフステージ」にあります。"
            ),
            gettext_noop(
                "地域資源の一覧（相談窓口を含む）。"
                "ライフステージは「地域資源のライフステージ」にあります。"
            ),
        ),
        [
            *_head(),
            _directory_field("name", required=True),
            _directory_field("organisation_type", required=True),
            AREA_COLUMNS,
            Field("小学校区コード", "School district code"),
            *[_directory_field(name) for name in _RESOURCE_TEXTS],
            _directory_field("consultation", type="boolean", required=True),
        ],
        _resources,
        _resource_row,
        updated_field="updated_at",
        foreign_keys=[_fk(["小学校区コード"], "school-districts", [ID])],
    ),
    Dataset(
        "community-resource-life-stages",
        _("地域資源のライフステージ"),
        "Life stages of the community resources",
        _("地域資源ごとの、対象とするライフステージ（1行に1つ）。"),
        [
            *_head(),
            Field("地域資源ID", "Community resource ID", "integer", required=True),
            Field("ライフステージコード", "Life stage code", required=True),
            Field("ライフステージ", "Life stage"),
        ],
        _resource_stages,
        _resource_stage_row,
        foreign_keys=[_fk(["地域資源ID"], "community-resources", [ID])],
    ),
    Dataset(
        "school-districts",
        _("小学校区"),
        "School districts",
        area_text(gettext_noop("小学校区とその%(area)s。"), gettext_noop("小学校区。")),
        [*_head("string"), Field("小学校区名", "School district", required=True), AREA_COLUMNS],
        _districts,
        _district_row,
    ),
    Dataset(
        "health-town-planning",
        _("校区の健康まちづくりの段階"),
        "Health town-planning stages of the school districts",
        _("小学校区ごと・年度ごとに到達した健康まちづくりの段階（1〜7）。"),
        [
            *_head(),
            Field("小学校区コード", "School district code", required=True),
            Field("小学校区名", "School district"),
            AREA_COLUMNS,
            *_years("年度", "Fiscal year"),
            Field(
                "到達した段階",
                "Stage reached",
                "integer",
                required=True,
                constraints={"minimum": 1, "maximum": 7},
            ),
            Field("段階の名称", "Stage"),
            Field("到達日", "Reached on", "date"),
        ],
        _stages,
        _stage_row,
        updated_field="updated_at",
        foreign_keys=[_fk(["小学校区コード"], "school-districts", [ID])],
    ),
)
BY_SLUG = {d.slug: d for d in DATASETS}


def package_name(publisher: Municipality | None) -> str:
    """The Data Package's ``name``: ``<全国地方公共団体コード>-community-welfare-open-data``
    (lower-case letters, digits and ``-``, as Frictionless asks); without a municipality
    loaded, ``community-welfare-open-data``."""
    base = "community-welfare-open-data"
    return f"{publisher.code}-{base}" if publisher else base


def data_package(resource_path: Callable[[Dataset], str], *, base_url: str = "") -> dict:
    """The Frictionless Data Package describing every dataset; ``resource_path`` gives a
    dataset's path (an absolute URL on the site, or a file name inside the zip)."""
    publisher = publisher_of()
    name = publisher.name if publisher else ""
    package = {
        "profile": "tabular-data-package",
        # The package's identifier and title are the municipality's (its 全国地方公共団体コード
        # and name), so that packages of several municipalities can sit side by side.
        "name": package_name(publisher),
        "title": f"{name} 地域福祉計画 オープンデータ".strip(),
        "description": "Open data of the community welfare plan: indicators, targets, "
        "values, initiative progress, evaluations, the directory and school districts.",
        "licenses": [license_descriptor()],
        "contributors": [
            {
                "title": name,
                "role": "publisher",
                **({"path": base_url} if base_url else {}),
            }
        ],
        "created": timezone.now().isoformat(timespec="seconds"),
        "resources": [],
    }
    for dataset in DATASETS:
        package["resources"].append(
            {
                "profile": "tabular-data-resource",
                "name": dataset.slug,
                "path": resource_path(dataset),
                "title": str(dataset.title),
                "description": f"{dataset.title_en}. {dataset.description}",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": dataset.schema(),
            }
        )
    return package
