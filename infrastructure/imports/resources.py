"""Sheets as django-import-export ``ModelResource``s, each column declared once.

``SheetResource`` is what every imported sheet shares (headers, matching by natural key,
writing through services, errors on columns, exports); ``ProgressResource`` adds the
workflow's 状態 for the two progress sheets here; ``community.resources`` declares the
school-district and directory sheets on the same base.

The library runs the import (``import_data``: one transaction, a savepoint per row, the row
hooks, the ``Result``) and the export (``export`` → a tablib Dataset). We extend it where our
rules differ from its defaults:

- columns: ``Column`` fields with the Japanese header as ``column_name`` and the English one
  accepted (``canonical`` renames the file's headers before ``import_data``); widgets read
  numbers, fiscal years, codes, wards and choices as offices type them (``widgets``);
- matching: ``import_id_fields`` is the natural key, and ``NaturalKeyInstanceLoader`` finds
  existing records in one query per import;
- writing: ``do_instance_save`` calls the domain services (``indicator_value_create`` /
  ``_update``, ``initiative_progress_create`` / ``_update``) and ``record_transition`` for
  状態, as the importing user: never bulk mode, so validation, the row-level policy
  (``infrastructure.policy``) and the history apply; ``skip_row`` leaves unchanged and
  blank rows alone (no write, no new version);
- errors: widget errors, service errors and policy denials all end up as the row's
  ``ValidationError``, keyed by field, which ``importer`` turns into 行 / 列 / 理由; a row
  that fails rolls back its own savepoint, so the next rows are checked against the database
  as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from infrastructure import policy
from infrastructure.api.renderers import escape_cell
from infrastructure.changes import FieldChange, field_change
from infrastructure.workflow import Status, Transition, VersionConflict, record_transition

from .sheets import normalise_header
from .widgets import (
    ChoiceWidget,
    FiscalYearWidget,
    is_blank,
)

NEW, CHANGED, UNCHANGED, SKIPPED = "new", "changed", "unchanged", "skipped"


class Column(Field):
    """A column of a sheet: its Japanese header (``column_name``), as templates and exports
    write it; the English header, accepted on import; whether the file must have it; and the
    help for the template's instructions sheet (Japanese, with an English translation)."""

    def __init__(
        self, *, en: str, help, required: bool = False, aliases: tuple[str, ...] = (), **kwargs
    ):
        super().__init__(**kwargs)
        self.en, self.help, self.required = en, help, required
        self.aliases = aliases  # more headers accepted on import (another export's names)

    def names(self) -> set[str]:
        return {normalise_header(name) for name in (self.column_name, self.en, *self.aliases)}


@dataclass
class RowState:
    """What we know of one data row while the library imports it."""

    number: int  # as the spreadsheet shows it
    outcome: str | None = None  # SKIPPED or UNCHANGED for rows the library skips
    label: str = ""
    columns: set[str] = field(default_factory=set)  # the fields whose column the file has
    old: dict | None = None  # an existing record's values before the row was applied
    changes: dict = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    shown: list[FieldChange] = field(default_factory=list)  # in words: infrastructure.changes
    lists: dict = field(default_factory=dict)  # many-to-many columns, for the services


class NaturalKeyInstanceLoader(BaseInstanceLoader):
    """Existing records by natural key, read in one query when the import starts."""

    def __init__(self, resource: SheetResource, dataset=None):
        super().__init__(resource, dataset)
        keys = [key for row in dataset.dict if (key := resource.natural_key(row)) is not None]
        self.records = resource.existing_records(keys) if keys else {}

    def get_instance(self, row):
        return self.records.get(self.resource.natural_key(row))


_STATUS_ORDER = [Status.DRAFT, Status.SUBMITTED, Status.APPROVED]
_STEPS = {
    (Status.DRAFT, Status.SUBMITTED): [Transition.SUBMIT],
    (Status.DRAFT, Status.APPROVED): [Transition.SUBMIT, Transition.APPROVE],
    (Status.SUBMITTED, Status.APPROVED): [Transition.APPROVE],
}

_YEAR_HELP = gettext_lazy(
    "年度。2013、2013年度、H25、平成25年度、令和5年度、全角数字のいずれでも入力できます。"
)
INFORMATIONAL = gettext_lazy("参考のための列で、取り込みでは使いません。")
COUNT_HELP = gettext_lazy("0以上の整数。")
_STATUS_HELP = gettext_lazy(
    "状態。空欄は下書き。提出済み・承認済みにするには、その操作の権限が必要です"
    "（区職員は提出まで）。"
)


def year_column() -> Column:
    return Column(
        attribute="fiscal_year",
        column_name="年度",
        en="fiscal_year",
        required=True,
        help=_YEAR_HELP,
        widget=FiscalYearWidget(),
    )


def status_column() -> Column:
    # Left blank, 状態 leaves the record where it is (a new record starts as a draft).
    return Column(
        attribute="status",
        column_name="状態",
        en="status",
        help=_STATUS_HELP,
        saves_null_values=False,
        widget=ChoiceWidget(
            Status,
            default=None,
            error=gettext_lazy(
                "状態「%(value)s」は使えません。下書き・提出済み・承認済みのいずれかです。"
            ),
        ),
    )


class SheetResource(resources.ModelResource):
    """What every imported sheet shares: reading headers, matching by natural key, writing
    through the services as the importing user, turning every failure into the row's
    ValidationError on its column, and escaped exports."""

    # A row whose data columns are all blank is skipped (a template row left empty).
    data_columns: tuple[str, ...]
    # The model fields an import may change, compared to tell unchanged rows.
    compared: tuple[str, ...]
    # Error keys (model fields, ``__all__``) that belong to another column.
    error_columns: dict[str, str] = {}
    # The natural key in words, for the message on a duplicate row.
    key_description: str
    # The column a refusal of the row's place (``candidate``) is reported on.
    place_column = "ward"

    class Meta:
        instance_loader_class = NaturalKeyInstanceLoader
        skip_diff = True  # we compare ourselves (``compared``), without deep copies
        use_bulk = False  # bulk mode skips save(), the services and the history
        clean_model_instances = False  # the services validate, with our rules
        report_skipped = True  # so Result.rows has every row, in order

    def __init__(self, *, user=None, progress=None):
        super().__init__()
        self.user, self.progress = user, progress
        self.written: dict[str, str] = {}  # field name → header as written in the file
        self.row_numbers: list[int] = []  # the spreadsheet's numbers of the data rows
        self.states: dict[int, RowState] = {}  # by the library's row number (from 1)
        self.seen: dict[tuple, int] = {}  # natural key → the row that had it first
        self.state: RowState | None = None

    # -- columns ---------------------------------------------------------------------------
    @classmethod
    def columns(cls) -> list[tuple[str, Column]]:
        return [(name, cls.fields[name]) for name in cls._meta.fields]

    @classmethod
    def key_column(cls) -> Column:
        return cls.fields[cls._meta.fields[0]]

    @classmethod
    def is_ours(cls, headers: list[object]) -> bool:
        """Whether a header row is this sheet's: it has the key column (the first)."""
        return bool(cls.key_column().names() & {normalise_header(h) for h in headers})

    def header(self, name: str) -> str:
        return self.written.get(name) or str(self.fields[name].column_name)

    def column_of(self, error_key: str) -> str | None:
        name = self.error_columns.get(error_key, error_key)
        return self.header(name) if name in self.fields else None

    def match_headers(self, headers: list[object]) -> dict[str, int]:
        """``{field name: index}`` of the columns the file has (Japanese or English header;
        the first of two alike wins); remembers each header as written, for errors."""
        positions: dict[str, int] = {}
        for index, header in enumerate(headers):
            name = normalise_header(header)
            for field_name, column in self.columns():
                if name and field_name not in positions and name in column.names():
                    positions[field_name] = index
                    self.written[field_name] = str(header).strip()
        return positions

    def canonical(self, dataset, positions: dict[str, int]) -> tablib.Dataset:
        """The file's columns under our headers, the others left out. A natural-key column
        the file may leave out (種別) comes in blank, read as its default."""
        names = list(positions)
        missing = [n for n in self.get_import_id_fields() if n not in positions]
        rows = [
            [cells[positions[name]] for name in names] + [None] * len(missing) for cells in dataset
        ]
        headers = [self.fields[name].column_name for name in [*names, *missing]]
        self.row_numbers = dataset.row_numbers
        return tablib.Dataset(*rows, headers=headers)

    # -- the import hooks --------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        if self.progress:
            self.progress(0, len(dataset))

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs["row_number"]
        self.state = self.states[number] = RowState(self.row_numbers[number - 1])
        row_result = super().import_row(row, instance_loader, **kwargs)
        if self.progress:
            # Before any rollback below: a progress writer may use this connection.
            self.progress(number, len(self.row_numbers))
        if not row_result.is_valid() and kwargs.get("using_transactions"):
            # Roll the row's own savepoint back: what it wrote before failing (a record
            # created, then a transition refused) must not be seen by the next rows.
            transaction.set_rollback(True, using=self.get_db_connection_name())
        return row_result

    def natural_key(self, row) -> tuple | None:
        """The row's natural key, or None if a key cell cannot be read (the row's errors
        say why when its fields are imported) or the row names no record."""
        try:
            values = {name: self.fields[name].clean(row) for name in self.get_import_id_fields()}
        except ValueError:
            return None
        return self.key_of(values)

    def import_instance(self, instance, row, **kwargs):
        state = self.state
        if all(is_blank(row.get(self.fields[name].column_name)) for name in self.data_columns):
            state.outcome = SKIPPED
            return
        state.columns = {name for name, f in self.fields.items() if f.column_name in row}
        if instance.pk is not None:
            state.old = self.snapshot(instance)
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not errors:
            errors = self.check_row(instance, row)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row) -> dict:
        """Errors of a row whose cells all read: here, a second row with the same key."""
        key = self.natural_key(row)
        if key is not None and key in self.seen:
            return {
                self._meta.fields[0]: [
                    _("%(row)s行目と同じ記録です（%(what)sが同じ行は1つにしてください）。")
                    % {"row": self.seen[key], "what": self.key_description}
                ]
            }
        if key is not None:
            self.seen[key] = self.state.number
        self.state.label = self.label(instance)
        return {}

    def snapshot(self, instance) -> dict:
        """An existing record's values before the row is applied."""
        return {name: getattr(instance, name) for name in self.compared}

    def changes(self, instance) -> dict:
        """``{field: new value}`` of what the row changes in an existing record."""
        old = self.state.old
        return {
            name: getattr(instance, name)
            for name in self.compared
            if getattr(instance, name) != old[name]
        }

    def skip_row(self, instance, original, row, import_validation_errors=None):
        state = self.state
        if state.outcome == SKIPPED:
            return True
        if import_validation_errors or state.old is None:
            return False
        state.changes = self.changes(instance)
        if self.is_unchanged(instance):
            state.outcome = UNCHANGED
            return True
        return False

    def is_unchanged(self, instance) -> bool:
        """Nothing to write (and the user may see the record: an unchanged row of a record
        they may not see is not reported as such)."""
        return not self.state.changes and policy.allowed(self.user, policy.VIEW, instance)

    def do_instance_save(self, instance, is_create):
        """Write through the services as the importing user, never with ``save()``; every
        refusal becomes the row's ValidationError, on its column."""
        state = self.state
        candidate = self.candidate(instance)
        if candidate is not None:  # may this user keep records in this place at all?
            try:
                policy.check(self.user, policy.CREATE, candidate)
            except PermissionDenied as denial:
                raise ValidationError({self.place_column: str(denial)}) from denial
        try:
            if is_create:
                record = self.create(instance)
                state.shown = [
                    field_change(record, name, None, value)
                    for name in self.compared
                    if name in state.columns
                    and (value := self.current(record, name)) not in (None, "", [])
                ]
            else:
                record = self.update(instance, state.changes) if state.changes else instance
                state.shown = [
                    field_change(record, name, state.old[name], self.current(record, name))
                    for name in state.changes
                ]
        except PermissionDenied as denial:
            raise ValidationError(
                {next(iter(state.changes), NON_FIELD_ERRORS): str(denial)}
            ) from denial
        except VersionConflict as conflict:
            raise ValidationError(str(conflict)) from conflict
        except DatabaseError as error:
            raise ValidationError(
                _("保存できませんでした：%(error)s") % {"error": error}
            ) from error
        self.after_write(record, is_create)
        instance.pk = record.pk

    def after_write(self, record, is_create: bool) -> None:
        """What follows the write, in the same savepoint (ProgressResource: 状態)."""

    def after_import(self, dataset, result, **kwargs):
        """Nothing: ModelResource's resets the table's id sequence, and our rows never
        carry ids."""

    @staticmethod
    def current(record, name: str):
        """A field's value as written (a many-to-many field's objects as a list)."""
        value = getattr(record, name)
        return list(value.all()) if hasattr(value, "all") else value

    # -- export ----------------------------------------------------------------------------
    def export_field(self, field, instance, **kwargs):
        """Text that a spreadsheet would run as a formula gets a leading ``'`` (the API's
        ``escape_cell``), which also drops the characters the text rule refuses; numbers stay
        numbers."""
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, str):
            value = escape_cell(value)
        return value

    def template_row(self, values: dict) -> list:
        """A row of the template: ``values`` by field name, in the sheet's column order."""
        return [values.get(name) for name, _column in self.columns()]

    # Per sheet.
    def key_of(self, values: dict) -> tuple | None: ...
    def existing_records(self, keys: list[tuple]) -> dict: ...
    def label(self, instance) -> str: ...
    def candidate(self, instance):
        """A record in the row's place, checked for CREATE before writing; None: no check."""

    def create(self, instance): ...
    def update(self, instance, changes: dict): ...


class ProgressResource(SheetResource):
    """The progress sheets: SheetResource, with 状態 moving the record forward through the
    workflow's transitions after the write."""

    def snapshot(self, instance) -> dict:
        return {**super().snapshot(instance), "status": instance.status}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        state = self.state
        if state.outcome != SKIPPED and not import_validation_errors:
            current = Status.DRAFT if state.old is None else state.old["status"]
            state.steps = self.steps(current, instance.status)
        return super().skip_row(instance, original, row, import_validation_errors)

    def is_unchanged(self, instance) -> bool:
        return not self.state.steps and super().is_unchanged(instance)

    def steps(self, current: str, target: str) -> list[str]:
        if target == current:
            return []
        if _STATUS_ORDER.index(target) < _STATUS_ORDER.index(current):
            raise ValidationError(
                {
                    "status": _(
                        "「%(current)s」の記録を「%(target)s」に戻すことは取り込みでは"
                        "できません。差し戻し・承認の取り消しは画面で行ってください。"
                    )
                    % {"current": Status(current).label, "target": Status(target).label}
                }
            )
        return _STEPS[(current, target)]

    def after_write(self, record, is_create: bool) -> None:
        state = self.state
        for step in state.steps:
            try:
                record = record_transition(
                    record=record, transition=step, user=self.user, expected_version=record.version
                )
            except (PermissionDenied, ValidationError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                raise ValidationError({"status": messages}) from error
        if state.steps:
            before = None if is_create else state.old["status"]
            state.shown.append(field_change(record, "status", before, record.status))

    def export_queryset(self, user): ...

    def template_rows(self, *, ward, fiscal_year: int) -> list[list]:
        """The template's rows for ``ward`` (None: city-wide) and ``fiscal_year``."""
        raise NotImplementedError
