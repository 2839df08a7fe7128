"""The yearly evaluation report (施策評価) as an xlsx workbook: one sheet per pillar."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from infrastructure.api.renderers import escape_cell
from infrastructure.fiscal_year import era_label, fiscal_year_label
from infrastructure.text import export_text


def _point(point):
    return (fiscal_year_label(point.fiscal_year), float(point.value)) if point else ("", None)


# The stages of an evaluation (施策評価), in the order the report prints them.
STAGES = ("primary", "secondary", "council")


# --- The evaluations' seam ----------------------------------------------------------------
#
# The evaluations (一次評価, 二次評価, 審議会意見) live in the ``evaluations`` app. The report
# reads them through these two functions only; every other part (grouping, the template, the
# workbook) works on the plain structure ``evaluations_by_subject`` makes.


def _evaluations(fiscal_year: int, plan) -> dict:
    """The year's approved evaluations of the plan, keyed by subject (the Pillar, Section or
    Initiative), each a dict by stage (``evaluations_by_subject``)."""
    from evaluations.selectors import approved_evaluations

    return evaluations_by_subject(approved_evaluations(fiscal_year=fiscal_year, plan=plan))


def _is_final(fiscal_year: int, plan=None) -> bool:
    """Whether every evaluation the year expects exists and is approved (and none waits for
    approval): until then the report is a draft (案) on every page."""
    from evaluations.selectors import evaluations_complete

    return evaluations_complete(fiscal_year=fiscal_year, plan=plan)


def evaluations_by_subject(rows) -> dict:
    """``{subject: {"primary": entry | None, "secondary": …, "council": …}}`` from approved
    evaluation rows (each with ``subject``, ``stage``, ``rating``, ``results``, ``analysis``,
    ``issues``, ``comment``, ``direction``, ``department`` and the choices' displays). An
    entry is a plain dict, with the rating's label from the active rule."""
    from indicators.progress import Rating
    from indicators.rating_labels import rating_label
    from indicators.selectors import active_rule

    bands = active_rule().bands
    labels = {band.code: rating_label(band.label, band.label_en) for band in bands}
    # The rating as read once: 「B 概ね順調」, only 「達成」 where the code is the word.
    texts = {band.code: Rating.of(band).text for band in bands}
    grouped: dict = {}
    for row in rows:
        # The evaluated item itself (one of the three is set), so that the report finds it
        # by the Pillar, Section or Initiative it prints; ``subject`` where only that is given.
        subject = next(
            (
                item
                for item in (
                    getattr(row, "initiative", None),
                    getattr(row, "section", None),
                    getattr(row, "pillar", None),
                )
                if item is not None
            ),
            row.subject,
        )
        stages = grouped.setdefault(subject, dict.fromkeys(STAGES))
        stages[row.stage] = {
            "stage": row.stage,
            "stage_label": str(row.get_stage_display()),
            "rating": row.rating or "",
            "rating_label": labels.get(row.rating, "") if row.rating else "",
            "rating_text": texts.get(row.rating, row.rating) if row.rating else "",
            "results": row.results,
            "analysis": row.analysis,
            "issues": row.issues,
            "comment": row.comment,
            "direction": row.direction,
            "direction_label": str(row.get_direction_display()) if row.direction else "",
            "department": department_of(row),
        }
    return grouped


def department_of(subject) -> str:
    """The 所管課 of a section or an initiative, empty until a planner sets one (a pillar
    has none)."""
    department = getattr(subject, "department", None)
    return str(department) if department else ""


def _stages(evaluations: dict, subject) -> dict:
    found = evaluations.get(subject)
    return {"stages": found, "any": True} if found else {"stages": {}, "any": False}


def _indicator_entries(pillar_rows, series, targets, fiscal_year: int) -> list[dict]:
    from indicators.choices import ValueKind
    from indicators.svg_charts import trend_chart_svg

    entries = []
    for indicator, progress in pillar_rows:
        own = series[indicator.pk]
        entries.append(
            {
                "indicator": indicator,
                "progress": progress,
                "department": department_of(indicator.section) if indicator.section else "",
                "targets": targets[indicator.pk],
                "actuals": [
                    p
                    for p in own["points"]
                    if p.kind == ValueKind.ACTUAL and p.fiscal_year <= fiscal_year
                ],
                "chart": trend_chart_svg(
                    indicator, own, chart_id=f"trend-{indicator.code.lower()}"
                ),
            }
        )
    return entries


def _outline(pillar, grid: dict, evaluations: dict) -> list[dict]:
    """The pillar's sections and initiatives in plan order, each with its 所管課, its
    evaluations and (where progress is reported on it) its row of the progress grid."""
    from programs.models import Initiative, Section

    # Each subject's reports as (ward, record or None) pairs: city-wide (ward None) first,
    # then the wards in their order.
    cells = {row["subject"]: row["labelled"] for row in grid["rows"]}
    initiatives = [row["subject"] for row in grid["rows"] if isinstance(row["subject"], Initiative)]

    def initiative_entry(initiative) -> dict:
        return {
            "subject": initiative,
            "kind": "initiative",
            "department": department_of(initiative),
            "evaluations": _stages(evaluations, initiative),
            "cells": cells.get(initiative),
        }

    outline = [initiative_entry(i) for i in initiatives if i.section_id is None]
    for section in Section.objects.filter(pillar=pillar).select_related("pillar"):
        outline.append(
            {
                "subject": section,
                "kind": "section",
                "department": department_of(section),
                "evaluations": _stages(evaluations, section),
                "cells": cells.get(section),  # a section with no numbered initiative
                "initiatives": [
                    initiative_entry(i) for i in initiatives if i.section_id == section.pk
                ],
            }
        )
    return outline


def summary_rows(pillars: list, expected_subjects) -> list[dict]:
    """The summary table (総括表): every item evaluated or expecting an evaluation this year
    (``expected_subjects``: the evaluations app's rule), in plan order, with its 所管課, its
    一次評価's and 二次評価's rating and the course set (今後の方向性: the 二次評価's, else the
    一次評価's). A stage not approved yet reads as empty."""
    rows = []
    for entry in pillars:
        for part in _subjects(entry):
            stages = part["evaluations"]["stages"] or {}
            if part["subject"] not in expected_subjects and not any(stages.values()):
                continue
            primary, secondary = stages.get("primary"), stages.get("secondary")
            direction = next(
                (e["direction_label"] for e in (secondary, primary) if e and e["direction_label"]),
                "",
            )
            rows.append(
                {
                    "subject": part["subject"],
                    "kind": part.get("kind", "pillar"),
                    "department": part["department"],
                    "primary": primary["rating_text"] if primary else "",
                    "secondary": secondary["rating_text"] if secondary else "",
                    "direction": direction,
                }
            )
    return rows


def _minimum_text(minimum) -> str | None:
    """A band's minimum as a planner wrote it: 1.0, 0.95, 0.0 (not 1.0000)."""
    if minimum is None:
        return None
    if minimum == minimum.to_integral_value():
        return f"{minimum:.1f}"
    return f"{minimum.normalize():f}"


def rating_method() -> dict:
    """The page 評価の方法: the active rating rule's name, what its measure is and its bands
    (code, label, when it applies, minimum), as the verdicts of this report used them."""
    from indicators.choices import BandUse, ProgressStatus
    from indicators.progress import Rating
    from indicators.rating_labels import rule_label
    from indicators.rating_rules import MEASURE_TEXTS
    from indicators.selectors import active_rule

    rule = active_rule()
    bands = [*rule.in_progress(), *[b for b in rule.bands if b.use != BandUse.IN_PROGRESS]]
    return {
        "rule": rule_label(rule),
        "measure": MEASURE_TEXTS.get(rule.name, ""),
        "bands": [
            {
                "code": band.code,
                "label": str(Rating.of(band).label),
                "use": BandUse(band.use).label,
                "group": ProgressStatus(band.group).label,
                "minimum": _minimum_text(band.minimum),
                "in_progress": band.use == BandUse.IN_PROGRESS,
            }
            for band in bands
        ],
    }


def cover_year_label(fiscal_year: int) -> str:
    """The year as the cover names it: ``平成28年度（2016年度）``, era first as councils
    cite it; ``FY2016 (Heisei 28)`` in English."""
    from django.utils.translation import get_language

    if (get_language() or "ja").startswith("en"):
        return fiscal_year_label(fiscal_year)
    return f"{era_label(fiscal_year)}（{fiscal_year}年度）"


def evaluation_context(
    *, fiscal_year: int, user, plan=None, evaluations=None, is_final=None, generated_at=None
) -> dict:
    """Everything the report (施策評価書) shows for the fiscal year, as ``user`` may see it:
    per pillar of the plan (the current plan by default), in plan order, its indicators
    with progress (approved data), targets, actuals and a trend chart, its sections and
    initiatives with their 所管課, approved evaluations and the initiatives' reports,
    city-wide and per ward. ``evaluations`` and ``is_final`` default to the evaluations
    app's (the seam above); tests pass their own. The report is a draft (案) until every
    evaluation the year expects is approved; ``missing_evaluations`` says how many are not."""
    from evaluations.selectors import (
        evaluation_year,
        evaluations_complete,
        expected_evaluations,
        missing_evaluations,
    )
    from indicators.selectors import (
        indicators_with_progress,
        reporting_years,
        series_by_indicator,
        target_rows_by_indicator,
    )
    from portal.pages import progress_grid
    from programs.models import Pillar
    from programs.selectors import current_plan

    plan = plan or current_plan()
    if evaluations is None:
        evaluations = _evaluations(fiscal_year, plan)
    # What the year expects, once: for the draft mark, the cover's count and the summary.
    expected_items = expected_evaluations(plan=plan)
    expected = missing = None
    if is_final is None:
        missing_items = missing_evaluations(
            fiscal_year=fiscal_year, plan=plan, expected=expected_items
        )
        is_final = evaluations_complete(fiscal_year=fiscal_year, plan=plan, missing=missing_items)
        expected, missing = len(expected_items), len(missing_items)
    rows = indicators_with_progress(up_to=fiscal_year, plan=plan)
    indicators = [i for i, _p in rows]
    # What was known in the year: no target revision made in a later one.
    targets = target_rows_by_indicator(indicators, fiscal_year=fiscal_year, known_only=True)
    series = series_by_indicator(indicators, fiscal_year=fiscal_year, known_only=True)
    pillars = list(Pillar.objects.filter(plan=plan))
    entries = []
    for pillar in pillars:
        pillar_rows = [(i, p) for i, p in rows if i.pillar_id == pillar.pk]
        grid = progress_grid(pillar=pillar, fiscal_year=fiscal_year, user=user)
        entries.append(
            {
                "pillar": pillar,
                "anchor": f"pillar-{pillar.number}",
                "rows": pillar_rows,
                # Every target with its revision; the one in force this year is marked.
                "targets": [(i, target) for i, _p in pillar_rows for target in targets[i.pk]],
                "indicators": _indicator_entries(pillar_rows, series, targets, fiscal_year),
                "evaluations": _stages(evaluations, pillar),
                "outline": _outline(pillar, grid, evaluations),
                "grid": grid,
            }
        )
    expected_subjects = {subject for subject, _stage in expected_items}
    return {
        "plan": plan,
        # The introduction: the plan, its period, the year's process and its committee.
        "committee": evaluation_year(fiscal_year=fiscal_year, plan=plan),
        "municipality": plan.municipality if plan else None,
        "summary": summary_rows(entries, expected_subjects),
        "method": rating_method(),
        "fiscal_year": fiscal_year,
        "cover_year": cover_year_label(fiscal_year),
        "years": reporting_years(plan),
        "is_final": is_final,
        # How many evaluations the year expects, how many are missing or unapproved (None
        # where a caller said whether the report is final).
        "expected_evaluations": expected,
        "missing_evaluations": missing,
        "generated_at": generated_at or timezone.now(),
        "pillars": entries,
    }


def _subjects(entry: dict):
    """The pillar, then its sections and initiatives in plan order, as outline entries."""
    yield {
        "subject": entry["pillar"],
        "department": "",
        "evaluations": entry.get("evaluations", {"stages": {}}),
    }
    for part in entry.get("outline", []):
        yield part
        yield from part.get("initiatives", [])


def _append(sheet, values: list) -> None:
    """A row of the workbook; every text, whoever wrote it (a planner's rating label, a code),
    without the characters a workbook cannot hold (``escape_cell`` does the same for text
    people typed, and escapes formulas)."""
    sheet.append([export_text(v) if isinstance(v, str) else v for v in values])


def _evaluation_rows(sheet, entry: dict, font) -> None:
    """The 施策評価 block of a pillar's sheet: a row per subject and approved stage (one with
    its 所管課 only where none is approved yet)."""
    _append(sheet, [])
    _append(
        sheet,
        [
            _("評価の対象"),
            _("所管課"),
            _("段階"),
            _("評価"),
            _("成果"),
            _("要因分析"),
            _("課題"),
            _("今後の方向性"),
            _("意見・コメント"),
        ],
    )
    for cell in sheet[sheet.max_row]:
        cell.font = font(bold=True)
    from openpyxl.styles import Alignment

    for part in _subjects(entry):
        subject = escape_cell(str(part["subject"]))
        department = escape_cell(part["department"])
        found = [e for e in part["evaluations"]["stages"].values() if e]
        if not found:
            _append(sheet, [subject, department, _("承認済みの評価なし")])
        for evaluation in found:
            _append(
                sheet,
                [
                    subject,
                    escape_cell(evaluation["department"] or part["department"]),
                    evaluation["stage_label"],
                    evaluation["rating_text"],
                    escape_cell(evaluation["results"]),
                    escape_cell(evaluation["analysis"]),
                    escape_cell(evaluation["issues"]),
                    evaluation["direction_label"],
                    escape_cell(evaluation["comment"]),
                ],
            )
            for cell in sheet[sheet.max_row][4:9]:  # 成果 … コメント: long text, wrapped
                cell.alignment = Alignment(wrap_text=True, vertical="top")


# --- Printing the workbook ---------------------------------------------------------------

#: The pillar sheets' column widths (characters): code, name, unit, then year and figure
#: pairs, the rate, the status and the rating; the later blocks (targets, the progress
#: grid, the evaluations) share the columns.
PILLAR_WIDTHS = (14, 44, 10, 16, 14, 16, 14, 16, 14, 12, 14, 18)
SUMMARY_WIDTHS = (48, 20, 18, 18, 14)


def number_format(decimals: int) -> str:
    """An indicator's figures as the plan prints them: thousands separated, ``decimals``
    places (``#,##0.0`` for one)."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _print_setup(sheet, *, header_row: int, widths, landscape: bool = True) -> None:
    """A4, fit to the page's width (as many pages down as it takes), the header row repeated
    on every printed page and frozen on screen with the first column, the columns sized."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = f"B{header_row + 1}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _summary_sheet(workbook, rows: list, font) -> None:
    """The first sheet: the summary table (総括表)."""
    sheet = workbook.create_sheet(_("総括表"))
    _append(sheet, [_("評価の対象"), _("所管課"), _("一次評価"), _("二次評価"), _("今後の方向性")])
    for cell in sheet[sheet.max_row]:
        cell.font = font(bold=True)
    for row in rows:
        _append(
            sheet,
            [
                escape_cell(str(row["subject"])),
                escape_cell(row["department"]),
                row["primary"],
                row["secondary"],
                row["direction"],
            ],
        )
    _print_setup(sheet, header_row=1, widths=SUMMARY_WIDTHS, landscape=False)


def evaluation_workbook(
    *, plan, fiscal_year: int, pillars: list, generated_at=None, summary=(), **_context
) -> bytes:
    """The workbook; with ``generated_at`` (a stored report), each sheet says when it was
    made, so a copy read later shows its age."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    _summary_sheet(workbook, list(summary), Font)
    for entry in pillars:
        pillar = entry["pillar"]
        sheet = workbook.create_sheet(_("施策%(number)s") % {"number": pillar.number})
        _append(
            sheet,
            [
                escape_cell(
                    f"{plan.title if plan else ''} {_('施策評価')} {fiscal_year_label(fiscal_year)}"
                )
            ],
        )
        _append(sheet, [escape_cell(str(pillar))])
        if generated_at is not None:
            _append(
                sheet,
                [
                    _("作成日時"),
                    timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
                    _("承認済みのデータのみ"),
                ],
            )
        _append(sheet, [])
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
        _append(sheet, header)
        header_row = sheet.max_row
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for indicator, progress in entry["rows"]:
            _append(
                sheet,
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
                    f"{progress.status_mark} {progress.status_label}",
                    progress.rating.text if progress.rating else "",
                ],
            )
            figures = number_format(indicator.decimal_places)
            for column in ("E", "G", "I"):  # 基準値, 実績値, 目標値
                sheet[f"{column}{sheet.max_row}"].number_format = figures
            sheet[f"J{sheet.max_row}"].number_format = "0.0"  # 達成率 (%), one decimal
        _append(sheet, [])
        _append(
            sheet,
            [
                _("指標コード"),
                _("目標値の設定"),
                _("目標値の年度"),
                _("目標値"),
                _("見直しの理由"),
                _("この年度に適用"),
            ],
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for indicator, target in entry.get("targets", []):
            _append(
                sheet,
                [
                    indicator.code,
                    _("当初（計画書）")
                    if target.revised_in is None
                    else _("%(year)sに見直し") % {"year": fiscal_year_label(target.revised_in)},
                    fiscal_year_label(target.fiscal_year),
                    float(target.value),
                    escape_cell(target.reason),
                    _("適用中") if target.in_force else "",
                ],
            )
            sheet[f"D{sheet.max_row}"].number_format = number_format(indicator.decimal_places)
        _append(sheet, [])
        grid = entry["grid"]
        _append(
            sheet,
            [
                _("取組施策"),
                *[ward.display_name if ward else _("市全体") for ward in grid["columns"]],
            ],
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in grid["rows"]:
            _append(
                sheet,
                [
                    escape_cell(str(row["subject"])),
                    *[
                        escape_cell(f"{record.get_state_display()}: {record.results}".strip(": "))
                        if record
                        else _("未報告")
                        for _ward, record in row["labelled"]
                    ],
                ],
            )
        _evaluation_rows(sheet, entry, Font)
        _print_setup(sheet, header_row=header_row, widths=PILLAR_WIDTHS)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
