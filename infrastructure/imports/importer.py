"""Importing a sheet, all or nothing: one path for every kind of record.

``run_import`` reads the file into a tablib Dataset (``formats``), finds which progress sheet
it is (indicator values or initiative progress) and imports it; ``import_file`` does the same
for a sheet whose resource the caller names (the school districts and the directory in
``community.resources``). Both check the header row and hand the rows to the sheet's
django-import-export resource (``resources``): ``import_data(dry_run=…, use_transactions=True,
rollback_on_validation_errors=True, raise_errors=False)`` runs the whole file in one
transaction, each row in a savepoint, every row through the domain services as the importing
user. If any row fails, or on a dry run, the library rolls the transaction back: nothing is
written, and callbacks queued with ``on_commit`` (tasks, cache refreshes) are dropped with it.

The library's ``Result`` is then turned into an ``ImportReport``: every row's outcome, and
every error with its row as the spreadsheet numbers it, its column as the file names it and
the reason in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infrastructure.changes import FieldChange
from infrastructure.fiscal_year import reporting_reach_held

from .formats import FileError, SheetDataset, read_dataset
from .resources import CHANGED, NEW, SKIPPED, UNCHANGED, SheetResource
from .sheets import SHEETS, detect_sheet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from import_export.results import Result

OUTCOME_LABELS = {
    NEW: gettext_lazy("新規"),
    CHANGED: gettext_lazy("変更"),
    UNCHANGED: gettext_lazy("変更なし"),
    SKIPPED: gettext_lazy("空欄（取り込まない）"),
}


@dataclass
class RowError:
    """Why a row (or the file) cannot be imported. ``row`` is numbered as the spreadsheet
    shows it; ``column`` is the header as written in the file (None: the whole row/file)."""

    row: int | None
    column: str | None
    message: str


@dataclass
class RowResult:
    row: int
    outcome: str
    label: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    kind: str | None = None
    file_format: str | None = None
    encoding: str | None = None
    sheet_name: str | None = None
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, SKIPPED), 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for a task result or JSON)."""
        return {**asdict(self), "ok": self.ok, "counts": self.counts}


Progress = Callable[[int, int], None]


def _is_a_sheet(headers: list[object]) -> bool:
    return detect_sheet(headers) is not None


def run_import(
    *,
    data: bytes,
    filename: str,
    user: AbstractBaseUser,
    dry_run: bool,
    progress: Progress | None = None,
    kind: str | None = None,
) -> ImportReport:
    """Read ``data`` (xlsx or CSV), check every row as ``user`` and, unless ``dry_run`` or any
    row fails, write them all. ``progress(done, total)`` is called as rows are processed.
    With ``kind`` (``"indicator_value"`` or ``"initiative_progress"``), a sheet of the other
    kind is refused: the admin page of one model imports only its own records. A ``kind``
    not found by its headers (``Sheet.detected``: the community's) is read as that sheet
    (``import_file`` with its resource), as its own door does."""
    if kind is not None and not SHEETS[kind].detected:
        report = import_file(
            SHEETS[kind].resource_class,
            data=data,
            filename=filename,
            user=user,
            dry_run=dry_run,
            progress=progress,
        )
        report.kind = kind
        return report
    report = ImportReport(filename=filename, dry_run=dry_run)
    dataset = _read(data, filename, report, is_ours=_is_a_sheet)
    if dataset is None:
        return report

    sheet = detect_sheet(dataset.headers)
    if sheet is None:
        report.errors.append(
            RowError(
                dataset.header_row,
                None,
                _(
                    "見出しの行に「指標コード」（indicator）か「取組コード」（initiative）の列が"
                    "ありません。テンプレートの見出しを使ってください。"
                ),
            )
        )
        return report
    report.kind = sheet.kind
    if kind is not None and sheet.kind != kind:
        report.errors.append(
            RowError(
                dataset.header_row,
                None,
                _(
                    "このファイルは「%(found)s」のシートです。「%(expected)s」の画面から取り込んでください。"
                )
                % {"found": sheet.title, "expected": SHEETS[kind].title},
            )
        )
        return report

    _import_dataset(sheet.resource_class, dataset, report, user=user, progress=progress)
    return report


def import_file(
    resource_class: type[SheetResource],
    *,
    data: bytes,
    filename: str,
    user: AbstractBaseUser | None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """``run_import`` for the sheet of ``resource_class``: read ``data`` (xlsx: the first
    sheet with the resource's key column), check every row as ``user`` and, unless
    ``dry_run`` or any row fails, write them all."""
    report = ImportReport(filename=filename, dry_run=dry_run)
    dataset = _read(data, filename, report, is_ours=resource_class.is_ours)
    if dataset is not None:
        _import_dataset(resource_class, dataset, report, user=user, progress=progress)
    return report


def _read(
    data: bytes, filename: str, report: ImportReport, *, is_ours: Callable[[list[object]], bool]
) -> SheetDataset | None:
    """The upload as a Dataset, or None with the reason in ``report``."""
    try:
        dataset, report.file_format = read_dataset(data, filename, is_ours=is_ours)
    except FileError as error:
        report.errors.extend(RowError(row, column, text) for row, column, text in error.problems)
        return None
    report.encoding, report.sheet_name = dataset.encoding, dataset.title
    return dataset


def _import_dataset(
    resource_class: type[SheetResource],
    dataset: SheetDataset,
    report: ImportReport,
    *,
    user: AbstractBaseUser | None,
    progress: Progress | None,
) -> None:
    """Check the header row, run the library's ``import_data`` and fill ``report``."""
    if getattr(user, "pk", None) is not None:
        # The policy asks for the user's groups several times a row: read them once.
        prefetch_related_objects([user], "groups")
    resource = resource_class(user=user, progress=progress)
    positions = resource.match_headers(dataset.headers)
    for name, column in resource.columns():
        if column.required and name not in positions:
            report.errors.append(
                RowError(
                    dataset.header_row,
                    str(column.column_name),
                    _("必須の列「%(ja)s」（%(en)s）がありません。")
                    % {"ja": column.column_name, "en": column.en},
                )
            )
    report.ignored_columns = [
        str(header).strip()
        for index, header in enumerate(dataset.headers)
        if index not in positions.values() and str(header).strip()
    ]
    if report.errors:
        return

    with reporting_reach_held():  # every row's year is checked against it: read it once
        result = resource.import_data(
            resource.canonical(dataset, positions),
            dry_run=report.dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            raise_errors=False,
        )
    report.rows, report.errors = _outcomes(resource, result)
    report.written = not report.dry_run and report.ok


def _outcomes(resource: SheetResource, result: Result) -> tuple[list[RowResult], list[RowError]]:
    """The library's Result as our rows and errors. Its row numbers count data rows from 1,
    without the header and the blank rows; ``resource.row_numbers`` maps them back."""
    errors = [RowError(None, None, str(error.error)) for error in result.base_errors]
    rows = []
    for number, row_result in enumerate(result.rows, start=1):  # every row (report_skipped)
        if row_result.is_valid():
            state = resource.states[number]
            outcome = state.outcome or (NEW if row_result.is_new() else CHANGED)
            rows.append(RowResult(state.number, outcome, state.label, state.shown))
    found = [
        (invalid.number, resource.column_of(key), str(message))
        for invalid in result.invalid_rows
        for key, messages in invalid.error_dict.items()
        for message in messages
    ]
    found += [
        (failed.number, None, _("保存できませんでした：%(error)s") % {"error": error.error})
        for failed in result.error_rows
        for error in failed.errors
    ]
    found.sort(key=lambda error: error[0])  # stable: a row's errors keep their order
    errors += [RowError(resource.row_numbers[n - 1], column, text) for n, column, text in found]
    return rows, errors


__all__ = [
    "CHANGED",
    "NEW",
    "OUTCOME_LABELS",
    "SKIPPED",
    "UNCHANGED",
    "ImportReport",
    "RowError",
    "RowResult",
    "import_file",
    "run_import",
]
