"""The yearly evaluation report (施策評価) as an xlsx workbook: one sheet per pillar."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from kumamoto_welfare.api.renderers import escape_cell
from kumamoto_welfare.fiscal_year import fiscal_year_label


def _point(point):
    return (fiscal_year_label(point.fiscal_year), float(point.value)) if point else ("", None)


def evaluation_context(*, fiscal_year: int, user, plan=None) -> dict:
    """Everything the report shows for the fiscal year, as ``user`` may see it: per pillar
    of the plan (the current plan by default), its indicators with progress (approved data)
    and the initiatives' reports per ward."""
    from django.utils.translation import gettext

    from indicators.charts import achievement_chart
    from indicators.selectors import (
        indicators_with_progress,
        reporting_years,
        target_rows_by_indicator,
    )
    from portal.pages import progress_grid
    from programs.models import Pillar
    from programs.selectors import current_plan

    plan = plan or current_plan()
    rows = indicators_with_progress(up_to=fiscal_year, plan=plan)
    targets = target_rows_by_indicator([i for i, _p in rows], fiscal_year=fiscal_year)
    pillars = list(Pillar.objects.filter(plan=plan))
    return {
        "plan": plan,
        "fiscal_year": fiscal_year,
        "years": reporting_years(plan),
        "pillars": [
            {
                "pillar": pillar,
                "rows": [(i, p) for i, p in rows if i.pillar_id == pillar.pk],
                # Every target with its revision; the one in force this year is marked.
                "targets": [
                    (i, target)
                    for i, _p in rows
                    if i.pillar_id == pillar.pk
                    for target in targets[i.pk]
                ],
                "chart_id": f"chart-pillar-{pillar.number}",
                "chart": achievement_chart(
                    [i.code for i, _p in rows if i.pillar_id == pillar.pk],
                    [
                        (
                            "rate",
                            gettext("達成率"),
                            [p.achievement_rate for i, p in rows if i.pillar_id == pillar.pk],
                        )
                    ],
                ),
                "grid": progress_grid(pillar=pillar, fiscal_year=fiscal_year, user=user),
            }
            for pillar in pillars
        ],
    }


def evaluation_workbook(
    *, plan, fiscal_year: int, pillars: list, generated_at=None, **_context
) -> bytes:
    """The workbook; with ``generated_at`` (a stored report), each sheet says when it was
    made, so a copy read later shows its age."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for entry in pillars:
        pillar = entry["pillar"]
        sheet = workbook.create_sheet(_("施策%(number)s") % {"number": pillar.number})
        sheet.append(
            [
                escape_cell(
                    f"{plan.title if plan else ''} {_('施策評価')} {fiscal_year_label(fiscal_year)}"
                )
            ]
        )
        sheet.append([escape_cell(str(pillar))])
        if generated_at is not None:
            sheet.append(
                [
                    _("作成日時"),
                    timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
                    _("承認済みのデータのみ"),
                ]
            )
        sheet.append([])
        header = [
            _("指標コード"),
            _("成果指標"),
            _("単位"),
            _("基準値の年度"),
            _("基準値"),
            _("実績値の年度"),
            _("実績値"),
            _("目標値の年度"),
            _("目標値"),
            _("達成率（%）"),
            _("状況"),
            _("評価"),
        ]
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for indicator, progress in entry["rows"]:
            sheet.append(
                [
                    indicator.code,
                    escape_cell(indicator.name),
                    str(indicator.get_unit_display()),
                    *_point(progress.baseline),
                    *_point(progress.latest_actual),
                    *_point(progress.target),
                    float(progress.achievement_rate)
                    if progress.achievement_rate is not None
                    else None,
                    str(progress.status.label),
                    f"{progress.rating.code} {progress.rating.label}" if progress.rating else "",
                ]
            )
        sheet.append([])
        sheet.append(
            [
                _("指標コード"),
                _("目標値の設定"),
                _("目標値の年度"),
                _("目標値"),
                _("見直しの理由"),
                _("この年度に適用"),
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for indicator, target in entry.get("targets", []):
            sheet.append(
                [
                    indicator.code,
                    _("当初（計画書）")
                    if target.revised_in is None
                    else _("%(year)sに見直し") % {"year": fiscal_year_label(target.revised_in)},
                    fiscal_year_label(target.fiscal_year),
                    float(target.value),
                    escape_cell(target.reason),
                    _("適用中") if target.in_force else "",
                ]
            )
        sheet.append([])
        grid = entry["grid"]
        sheet.append([_("取組施策"), *[ward.display_name for ward in grid["wards"]]])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in grid["rows"]:
            sheet.append(
                [
                    escape_cell(str(row["subject"])),
                    *[
                        escape_cell(f"{record.get_state_display()}: {record.results}".strip(": "))
                        if record
                        else _("未報告")
                        for record in row["cells"]
                    ],
                ]
            )
        sheet.column_dimensions["B"].width = 48
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
