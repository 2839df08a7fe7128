"""Making rows match data: used by the plan loader, and by any later loader of reference data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from infrastructure.changes import FieldChange, describe

OUTCOMES = ("created", "updated", "deleted", "unchanged")


class PlanConflictError(Exception):
    """Loading the plan would overwrite what a person entered (progress data, or plan content
    edited in the admin): nothing is written, and the message names what stands in the way."""


@dataclass
class SyncReport:
    """What a load changed: how many rows of each model were created, updated, deleted or
    left unchanged, and each updated row's changes in words (``infrastructure.changes``,
    as the history and a conflict word them)."""

    counts: Counter = field(default_factory=Counter)
    updates: list[tuple[models.Model, list[FieldChange]]] = field(default_factory=list)

    def add(self, model: type[models.Model], outcome: str) -> None:
        self.counts[(model, outcome)] += 1

    def lines(self) -> list[str]:
        """Each updated row (its model's name and the row), then its changes, indented."""
        lines = []
        for instance, changes in self.updates:
            lines.append(f"{instance._meta.verbose_name} {instance}")
            lines.extend(f"  {change.text}" for change in changes)
        return lines

    @property
    def changed(self) -> bool:
        return any(n for (_, outcome), n in self.counts.items() if outcome != "unchanged")

    def rows(self) -> list[tuple[str, ...]]:
        """One row per model: its name, then a count per outcome in ``OUTCOMES`` order."""
        models_seen = dict.fromkeys(model for model, _ in self.counts)
        return [
            (
                str(model._meta.verbose_name_plural),
                *(str(self.counts[(model, outcome)]) for outcome in OUTCOMES),
            )
            for model in models_seen
        ]


class Synchroniser:
    """Upserts rows by natural key, saving only what differs, and deletes rows no longer in
    the data. Every write goes through ``full_clean`` so the model's rules hold."""

    def __init__(self, report: SyncReport, *, reason: str = "", overwrite_edits: bool = False):
        self.report = report
        self.reason = reason  # the change reason in each row's history
        # Rows a person changed since the last load (their latest history row has another
        # reason) are not overwritten or deleted but listed here, unless told otherwise.
        self.overwrite_edits = overwrite_edits
        self.edited: list[tuple[models.Model, str]] = []

    def _edited_by(
        self, instance: models.Model, managed: Iterable[str] | None = None
    ) -> str | None:
        """Who last changed the row by hand (an empty string if unknown), or None if its
        last change was a load like this one (or it keeps no history). With ``managed``
        (the fields the data sets), a hand edit of other fields only (a department a
        planner assigned to a section) is no edit of the data's, and does not count."""
        if self.overwrite_edits or not self.reason or not hasattr(instance, "history"):
            return None
        managed = set(managed) if managed is not None else None
        for row in instance.history.order_by("-history_date", "-history_id"):
            if row.history_change_reason == self.reason:
                return None
            if managed is not None and row.history_type == "~":
                previous = row.prev_record
                if previous is not None:
                    changed = {change.field for change in row.diff_against(previous).changes}
                    if not changed & managed:
                        continue  # only fields the data does not hold: look further back
            return row.history_user.get_username() if row.history_user else ""
        return None

    def _save(self, instance: models.Model, **kwargs) -> None:
        if self.reason:
            instance._change_reason = self.reason
        instance.save(**kwargs)

    def upsert(self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            instance = model(**lookup, **values)
            instance.full_clean()
            self._save(instance)
            self.report.add(model, "created")
            return instance
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        if not changed:
            self.report.add(model, "unchanged")
            return instance
        if (editor := self._edited_by(instance, managed=values)) is not None:
            self.edited.append((instance, editor))
            return instance
        before = {name: getattr(instance, name) for name in changed}
        for name in changed:
            setattr(instance, name, values[name])
        words = describe(instance, {name: (before[name], values[name]) for name in changed})
        if hasattr(instance, "version"):  # a versioned record: its ETag must change too
            instance.version += 1
            changed.append("version")
        instance.full_clean()
        self._save(instance, update_fields=changed)
        self.report.add(model, "updated")
        self.report.updates.append((instance, words))
        return instance

    def prune(self, queryset: models.QuerySet, keep: Iterable[models.Model]) -> None:
        stale = queryset.exclude(pk__in=[instance.pk for instance in keep])
        for instance in stale:
            if (editor := self._edited_by(instance)) is not None:
                self.edited.append((instance, editor))
                continue
            if self.reason:
                instance._change_reason = self.reason
            instance.delete()
            self.report.add(queryset.model, "deleted")
