"""Import files built as offices produce them, and a snapshot of everything an import could
write, to show that a failed import left the database as it was."""

import csv
import io

from openpyxl import Workbook

from indicators.models import IndicatorValue, IndicatorValueTransition
from programs.models import InitiativeProgress, InitiativeProgressTransition

INDICATOR_HEADERS = ["指標コード", "指標名", "区", "年度", "種別", "値", "備考"]
PROGRESS_HEADERS = ["取組コード", "取組名", "区", "年度", "進捗", "実績", "開催回数", "参加者数"]


def csv_bytes(rows, *, encoding="utf-8-sig") -> bytes:
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\r\n").writerows(rows)
    return stream.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def snapshot() -> dict[str, int]:
    return {
        "values": IndicatorValue.objects.count(),
        "value history": IndicatorValue.history.count(),
        "value transitions": IndicatorValueTransition.objects.count(),
        "progress": InitiativeProgress.objects.count(),
        "progress history": InitiativeProgress.history.count(),
        "progress transitions": InitiativeProgressTransition.objects.count(),
    }


def errors_of(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def where(report):
    return [(e.row, e.column) for e in report.errors]
