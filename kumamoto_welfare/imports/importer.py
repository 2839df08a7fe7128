"""Importing a sheet of indicator values or initiative progress, all or nothing.

Every row goes through the domain services (``indicator_value_create`` / ``_update``,
``initiative_progress_create`` / ``_update`` and ``record_transition``), so an imported record
meets the same validation, the same row-level policy and leaves the same history (with the
importing user) as one entered by hand. django-import-export's own ``Resource.import_data``
is not used for the rows: its bulk mode skips history, and its row errors name no column; see
docs/imports.md.

The whole file runs in one transaction, each row in a savepoint so that one bad row does not
stop the others being checked. If any row fails, or on a dry run, the transaction is rolled
back: nothing is written, and callbacks queued with ``on_commit`` (tasks, cache refreshes)
are dropped with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import Ward
from kumamoto_welfare import access
from kumamoto_welfare.workflow import Status, Transition, VersionConflict, record_transition

from .cells import CellError, cell_text, is_blank, key_text, parse_count, parse_number, parse_year
from .reading import FileError, read_table
from .sheets import (
    INDICATOR_SHEET,
    PROGRESS_SHEET,
    SHEETS,
    Sheet,
    detect_sheet,
    match_columns,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

NEW, CHANGED, UNCHANGED, SKIPPED = "new", "changed", "unchanged", "skipped"
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
class Change:
    column: str
    old: str
    new: str


@dataclass
class RowResult:
    row: int
    outcome: str
    label: str
    changes: list[Change] = field(default_factory=list)

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
    kind is refused: the admin page of one model imports only its own records."""
    report = ImportReport(filename=filename, dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except FileError as error:
        report.errors.append(RowError(error.row, error.column, error.message))
        return report
    report.file_format, report.encoding = table.file_format, table.encoding
    report.sheet_name = table.sheet_name

    sheet = detect_sheet(table.headers)
    if sheet is None:
        report.errors.append(
            RowError(
                table.header_row,
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
                table.header_row,
                None,
                _(
                    "このファイルは「%(found)s」のシートです。「%(expected)s」の画面から取り込んでください。"
                )
                % {"found": sheet.title, "expected": SHEETS[kind].title},
            )
        )
        return report
    positions, written = match_columns(sheet, table.headers)
    for column in sheet.columns:
        if column.required and column.key not in positions:
            report.errors.append(
                RowError(
                    table.header_row,
                    column.ja,
                    _("必須の列「%(ja)s」（%(en)s）がありません。")
                    % {"ja": column.ja, "en": column.en},
                )
            )
    report.ignored_columns = [
        str(header).strip()
        for index, header in enumerate(table.headers)
        if index not in positions.values() and not is_blank(header)
    ]
    if report.errors:
        return report

    if getattr(user, "pk", None) is not None:
        # The policy asks for the user's groups several times a row: read them once.
        prefetch_related_objects([user], "groups")
    rows_class = IndicatorValueRows if sheet is INDICATOR_SHEET else InitiativeProgressRows
    rows = rows_class(user=user, positions=positions, written=written)
    with transaction.atomic():
        rows.run(table.rows, report, progress)
        report.written = not dry_run and report.ok
        if not report.written:
            transaction.set_rollback(True)
    return report


class RowFailure(Exception):
    def __init__(self, errors: list[tuple[str | None, str]]):
        super().__init__(errors)
        self.errors = errors  # [(column key or None, message)]


@dataclass
class Parsed:
    row: int
    key: tuple
    label: str
    fields: dict[str, Any]  # the columns present in the file, read


_STATUS_ORDER = [Status.DRAFT, Status.SUBMITTED, Status.APPROVED]
_STEPS = {
    (Status.DRAFT, Status.SUBMITTED): [Transition.SUBMIT],
    (Status.DRAFT, Status.APPROVED): [Transition.SUBMIT, Transition.APPROVE],
    (Status.SUBMITTED, Status.APPROVED): [Transition.APPROVE],
}


def _choices(choices, *extra: tuple[str, str]) -> dict[str, str]:
    """A lookup of a TextChoices by Japanese label, English value and label (any case)."""
    from django.utils import translation

    lookup = {}
    for value, label in choices.choices:
        with translation.override("ja"):
            lookup[key_text(str(label))] = value
        with translation.override("en"):
            lookup[key_text(str(label)).lower()] = value
        lookup[value.lower()] = value
    for text, value in extra:
        lookup[key_text(text).lower()] = value
    return lookup


class SheetRows:
    """The rows of one sheet: read them, match existing records, write through services."""

    sheet: Sheet
    # Model field → sheet column, for the errors the services raise.
    field_columns: dict[str, str]

    def __init__(self, *, user, positions: dict[str, int], written: dict[str, str]):
        self.user = user
        self.positions = positions
        self.written = written
        self.wards = {}
        for ward in Ward.objects.all():
            for name in (ward.name, ward.name_en, ward.code, ward.name.removesuffix("区")):
                self.wards[key_text(name).lower()] = ward
        self.statuses = _choices(Status)
        self.errors: list[RowError] = []

    # -- columns ---------------------------------------------------------------------------
    def header(self, key: str | None) -> str | None:
        if key is None:
            return None
        return self.written.get(key) or self.sheet.column(key).ja

    def present(self, key: str) -> bool:
        return key in self.positions

    def error(self, row: int, key: str | None, message: str) -> None:
        self.errors.append(RowError(row, self.header(key), message))

    # -- the run ---------------------------------------------------------------------------
    def run(self, table_rows, report: ImportReport, progress: Progress | None) -> None:
        total = len(table_rows)
        if progress:
            progress(0, total)
        parsed_rows: list[Parsed] = []
        for number, cells in table_rows:
            by_key = {
                key: cells[index] if index < len(cells) else None
                for key, index in self.positions.items()
            }
            if self.is_empty(by_key):
                report.rows.append(RowResult(number, SKIPPED, ""))
                continue
            parsed = self.parse(number, by_key)
            if parsed is not None:
                parsed_rows.append(parsed)

        existing = self.existing(parsed_rows)
        seen: dict[tuple, int] = {}
        done = total - len(parsed_rows)
        for parsed in parsed_rows:
            if parsed.key in seen:
                self.error(
                    parsed.row,
                    self.sheet.key_column,
                    _("%(row)s行目と同じ記録です（%(what)sが同じ行は1つにしてください）。")
                    % {"row": seen[parsed.key], "what": self.key_description()},
                )
            else:
                seen[parsed.key] = parsed.row
                try:
                    with transaction.atomic():
                        report.rows.append(self.apply(parsed, existing.get(parsed.key)))
                except RowFailure as failure:
                    for key, message in failure.errors:
                        self.error(parsed.row, key, message)
            done += 1
            if progress:
                progress(done, total)
        report.rows.sort(key=lambda result: result.row)
        report.errors.extend(sorted(self.errors, key=lambda e: e.row or 0))

    def read(self, row: int, cells: dict, key: str, reader, errors: list) -> Any:
        try:
            return reader(cells.get(key))
        except CellError as error:
            errors.append((key, str(error)))
            return None

    def read_ward(self, cell: object) -> Ward | None:
        text = key_text(cell).lower()
        if text in {"", "市全体", "全市", "city-wide", "citywide", "city"}:
            return None
        try:
            return self.wards[text]
        except KeyError:
            raise CellError(
                _(
                    "区「%(value)s」がありません。中央区・東区・西区・南区・北区のいずれか"
                    "（市全体は空欄）で入力してください。"
                )
                % {"value": cell_text(cell)}
            ) from None

    def read_status(self, cell: object) -> str | None:
        if is_blank(cell):
            return None
        try:
            return self.statuses[key_text(cell).lower()]
        except KeyError:
            raise CellError(
                _("状態「%(value)s」は使えません。下書き・提出済み・承認済みのいずれかです。")
                % {"value": cell_text(cell)}
            ) from None

    # -- one row ---------------------------------------------------------------------------
    def apply(self, parsed: Parsed, existing) -> RowResult:
        target = parsed.fields.get("status")
        changes: dict[str, Any] = {}
        if existing is not None:
            changes = self.changes(existing, parsed.fields)
            steps = self.steps(existing.status, target)
            if not changes and not steps and access.allowed(self.user, access.VIEW, existing):
                return RowResult(parsed.row, UNCHANGED, parsed.label)
        else:
            steps = self.steps(Status.DRAFT, target)

        try:  # may this user report in this place (ward or city-wide) at all?
            access.check(self.user, access.CREATE, self.candidate(parsed))
        except PermissionDenied as denial:
            raise RowFailure([("ward", str(denial))]) from denial

        try:
            if existing is None:
                record = self.create(parsed.fields)
                shown = self.display_new(parsed.fields)
            else:
                old = self.display(existing)
                record = self.update(existing, changes) if changes else existing
                shown = [
                    Change(self.header(key), old[key], value)
                    for key, value in self.display(record).items()
                    if key in changes
                ]
        except ValidationError as error:
            raise RowFailure(self.validation_errors(error)) from error
        except PermissionDenied as denial:
            raise RowFailure([(next(iter(changes), None), str(denial))]) from denial
        except VersionConflict as conflict:
            raise RowFailure([(None, str(conflict))]) from conflict
        except DatabaseError as error:
            raise RowFailure(
                [(None, _("保存できませんでした：%(error)s") % {"error": error})]
            ) from error

        before = record.status
        for transition in steps:
            try:
                record = record_transition(
                    record=record,
                    transition=transition,
                    user=self.user,
                    expected_version=record.version,
                )
            except (PermissionDenied, ValidationError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                raise RowFailure([("status", m) for m in messages]) from error
        if steps:
            shown.append(
                Change(
                    self.header("status"),
                    Status(before).label if existing is not None else "",
                    Status(record.status).label,
                )
            )
        return RowResult(parsed.row, NEW if existing is None else CHANGED, parsed.label, shown)

    def steps(self, current: str, target: str | None) -> list[str]:
        if target is None or target == current:
            return []
        if _STATUS_ORDER.index(target) < _STATUS_ORDER.index(current):
            raise RowFailure(
                [
                    (
                        "status",
                        _(
                            "「%(current)s」の記録を「%(target)s」に戻すことは取り込みでは"
                            "できません。差し戻し・承認の取り消しは画面で行ってください。"
                        )
                        % {"current": Status(current).label, "target": Status(target).label},
                    )
                ]
            )
        return _STEPS[(current, target)]

    def validation_errors(self, error: ValidationError) -> list[tuple[str | None, str]]:
        if not hasattr(error, "error_dict"):
            return [(None, message) for message in error.messages]
        return [
            (self.field_columns.get(name), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]

    def display_new(self, fields: dict) -> list[Change]:
        shown = self.display_fields(fields)
        return [Change(self.header(key), "", value) for key, value in shown.items() if value]

    # Implemented per sheet.
    def is_empty(self, cells: dict) -> bool: ...
    def parse(self, row: int, cells: dict) -> Parsed | None: ...
    def key_description(self) -> str: ...
    def existing(self, parsed_rows: list[Parsed]) -> dict: ...
    def candidate(self, parsed: Parsed): ...
    def changes(self, record, fields: dict) -> dict[str, Any]: ...
    def create(self, fields: dict): ...
    def update(self, record, changes: dict): ...
    def display(self, record) -> dict[str, str]: ...
    def display_fields(self, fields: dict) -> dict[str, str]: ...


def _number_text(number: Decimal | None) -> str:
    return "" if number is None else f"{Decimal(number).normalize():f}"


class IndicatorValueRows(SheetRows):
    sheet = INDICATOR_SHEET
    field_columns = {
        "indicator": "indicator",
        "fiscal_year": "fiscal_year",
        "kind": "kind",
        "value": "value",
        "ward": "ward",
        "note": "note",
    }
    compared = ("value", "note")

    def __init__(self, **kwargs):
        from indicators.choices import ValueKind
        from indicators.models import Indicator

        super().__init__(**kwargs)
        self.indicators = {key_text(i.code).upper(): i for i in Indicator.objects.all()}
        self.kinds = _choices(
            ValueKind,
            ("実績", ValueKind.ACTUAL),
            ("目標", ValueKind.TARGET),
            ("基準", ValueKind.BASELINE),
        )

    def key_description(self) -> str:
        return _("指標コード・区・年度・種別")

    def is_empty(self, cells: dict) -> bool:
        return all(is_blank(cells.get(key)) for key in ("value", "note", "status"))

    def read_indicator(self, cell):
        code = key_text(cell).upper()
        if not code:
            raise CellError(_("指標コードを入力してください。"))
        try:
            return self.indicators[code]
        except KeyError:
            raise CellError(
                _("指標コード「%(code)s」は計画にありません。") % {"code": cell_text(cell)}
            ) from None

    def read_kind(self, cell) -> str:
        from indicators.choices import ValueKind

        if is_blank(cell):
            return ValueKind.ACTUAL
        try:
            return self.kinds[key_text(cell).lower()]
        except KeyError:
            raise CellError(
                _("種別「%(value)s」は使えません。実績・目標・基準値のいずれかです。")
                % {"value": cell_text(cell)}
            ) from None

    def read_value(self, cell) -> Decimal:
        number = parse_number(cell)
        if number is None:
            raise CellError(_("値を入力してください。"))
        return number

    def parse(self, row: int, cells: dict) -> Parsed | None:
        errors: list[tuple[str, str]] = []
        fields = {
            "indicator": self.read(row, cells, "indicator", self.read_indicator, errors),
            "ward": self.read(row, cells, "ward", self.read_ward, errors),
            "fiscal_year": self.read(row, cells, "fiscal_year", parse_year, errors),
            "kind": self.read(row, cells, "kind", self.read_kind, errors),
            "value": self.read(row, cells, "value", self.read_value, errors),
        }
        if self.present("note"):
            fields["note"] = cell_text(cells["note"])
        if self.present("status"):
            fields["status"] = self.read(row, cells, "status", self.read_status, errors)
        for key, message in errors:
            self.error(row, key, message)
        if errors:
            return None
        ward = fields["ward"]
        from indicators.choices import ValueKind

        return Parsed(
            row=row,
            key=(fields["indicator"].pk, fields["fiscal_year"], fields["kind"], ward and ward.pk),
            label=" ".join(
                [
                    fields["indicator"].code,
                    ward.name if ward else _("市全体"),
                    str(fields["fiscal_year"]),
                    str(ValueKind(fields["kind"]).label),
                ]
            ),
            fields=fields,
        )

    def existing(self, parsed_rows: list[Parsed]) -> dict:
        from indicators.models import IndicatorValue

        if not parsed_rows:
            return {}
        records = IndicatorValue.objects.filter(
            indicator__in={p.fields["indicator"].pk for p in parsed_rows},
            fiscal_year__in={p.fields["fiscal_year"] for p in parsed_rows},
        ).select_related("indicator", "ward")
        return {(r.indicator_id, r.fiscal_year, r.kind, r.ward_id): r for r in records}

    def candidate(self, parsed: Parsed):
        from indicators.models import IndicatorValue

        return IndicatorValue(
            indicator=parsed.fields["indicator"], ward=parsed.fields["ward"], status=Status.DRAFT
        )

    def changes(self, record, fields: dict) -> dict[str, Any]:
        return {
            key: fields[key]
            for key in self.compared
            if key in fields and fields[key] != getattr(record, key)
        }

    def create(self, fields: dict):
        from indicators.services import indicator_value_create

        return indicator_value_create(
            user=self.user,
            indicator=fields["indicator"],
            fiscal_year=fields["fiscal_year"],
            kind=fields["kind"],
            value=fields["value"],
            ward=fields["ward"],
            note=fields.get("note", ""),
        )

    def update(self, record, changes: dict):
        from indicators.services import indicator_value_update

        return indicator_value_update(
            user=self.user, record=record, expected_version=record.version, **changes
        )

    def display(self, record) -> dict[str, str]:
        return {"value": _number_text(record.value), "note": record.note}

    def display_fields(self, fields: dict) -> dict[str, str]:
        return {"value": _number_text(fields["value"]), "note": fields.get("note", "")}


class InitiativeProgressRows(SheetRows):
    sheet = PROGRESS_SHEET
    field_columns = {
        "initiative": "subject",
        "section": "subject",
        "fiscal_year": "fiscal_year",
        "ward": "ward",
        "state": "state",
        "results": "results",
        "issues": "issues",
        "next_steps": "next_steps",
        "events_held": "events_held",
        "participants": "participants",
        "trainees": "trainees",
        "__all__": "subject",
    }
    texts = ("results", "issues", "next_steps")
    counts = ("events_held", "participants", "trainees")
    compared = ("state", *texts, *counts)

    def __init__(self, **kwargs):
        from programs.choices import ProgressState
        from programs.models import Initiative, Section

        super().__init__(**kwargs)
        # Sections first, so that an initiative with the same code (there is none today)
        # would win: progress is recorded per initiative wherever the plan has them.
        self.subjects = {
            key_text(section.code): ("section", section)
            for section in Section.objects.select_related("pillar")
        }
        self.subjects.update(
            {key_text(i.code): ("initiative", i) for i in Initiative.objects.all()}
        )
        self.states = _choices(ProgressState)

    def key_description(self) -> str:
        return _("取組コード・区・年度")

    def is_empty(self, cells: dict) -> bool:
        return all(
            is_blank(cells.get(key)) for key in ("state", *self.texts, *self.counts, "status")
        )

    def read_subject(self, cell):
        code = key_text(cell)
        if not code:
            raise CellError(_("取組コードを入力してください。"))
        try:
            return self.subjects[code]
        except KeyError:
            raise CellError(
                _("取組コード「%(code)s」は計画にありません。") % {"code": cell_text(cell)}
            ) from None

    def read_state(self, cell) -> str:
        from programs.choices import ProgressState

        if is_blank(cell):
            return ProgressState.NOT_STARTED
        try:
            return self.states[key_text(cell).lower()]
        except KeyError:
            raise CellError(
                _("進捗「%(value)s」は使えません。未着手・実施中・完了・遅延のいずれかです。")
                % {"value": cell_text(cell)}
            ) from None

    def parse(self, row: int, cells: dict) -> Parsed | None:
        errors: list[tuple[str, str]] = []
        fields = {
            "subject": self.read(row, cells, "subject", self.read_subject, errors),
            "ward": self.read(row, cells, "ward", self.read_ward, errors),
            "fiscal_year": self.read(row, cells, "fiscal_year", parse_year, errors),
        }
        if self.present("state"):
            fields["state"] = self.read(row, cells, "state", self.read_state, errors)
        for key in self.texts:
            if self.present(key):
                fields[key] = cell_text(cells[key])
        for key in self.counts:
            if self.present(key):
                fields[key] = self.read(row, cells, key, parse_count, errors)
        if self.present("status"):
            fields["status"] = self.read(row, cells, "status", self.read_status, errors)
        for key, message in errors:
            self.error(row, key, message)
        if errors:
            return None
        (subject_kind, subject), ward = fields["subject"], fields["ward"]
        return Parsed(
            row=row,
            key=(subject_kind, subject.pk, fields["fiscal_year"], ward and ward.pk),
            label=" ".join(
                [subject.code, ward.name if ward else _("市全体"), str(fields["fiscal_year"])]
            ),
            fields=fields,
        )

    def existing(self, parsed_rows: list[Parsed]) -> dict:
        from programs.models import InitiativeProgress

        if not parsed_rows:
            return {}
        subjects = [p.fields["subject"] for p in parsed_rows]
        records = InitiativeProgress.objects.filter(
            Q(initiative__in=[s.pk for kind, s in subjects if kind == "initiative"])
            | Q(section__in=[s.pk for kind, s in subjects if kind == "section"]),
            fiscal_year__in={p.fields["fiscal_year"] for p in parsed_rows},
        ).select_related("ward")
        return {
            (
                "initiative" if r.initiative_id else "section",
                r.initiative_id or r.section_id,
                r.fiscal_year,
                r.ward_id,
            ): r
            for r in records
        }

    def candidate(self, parsed: Parsed):
        from programs.models import InitiativeProgress

        return InitiativeProgress(ward=parsed.fields["ward"], status=Status.DRAFT)

    def changes(self, record, fields: dict) -> dict[str, Any]:
        return {
            key: fields[key]
            for key in self.compared
            if key in fields and fields[key] != getattr(record, key)
        }

    def create(self, fields: dict):
        from programs.services import initiative_progress_create

        subject_kind, subject = fields["subject"]
        return initiative_progress_create(
            user=self.user,
            **{subject_kind: subject},
            fiscal_year=fields["fiscal_year"],
            ward=fields["ward"],
            **{key: fields[key] for key in self.compared if key in fields},
        )

    def update(self, record, changes: dict):
        from programs.services import initiative_progress_update

        return initiative_progress_update(
            user=self.user, record=record, expected_version=record.version, **changes
        )

    def display(self, record) -> dict[str, str]:
        return self.display_fields({key: getattr(record, key) for key in self.compared})

    def display_fields(self, fields: dict) -> dict[str, str]:
        from programs.choices import ProgressState

        shown = {}
        for key in self.compared:
            if key not in fields:
                continue
            value = fields[key]
            if key == "state":
                shown[key] = str(ProgressState(value).label)
            else:
                shown[key] = "" if value is None else str(value)
        return shown


__all__ = [
    "CHANGED",
    "NEW",
    "SKIPPED",
    "UNCHANGED",
    "Change",
    "ImportReport",
    "RowError",
    "RowResult",
    "run_import",
]
