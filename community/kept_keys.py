"""The migrations that gave a table its own municipality key (``copied_municipality_key``)
copy it into the rows made before, and into their versions, with this: one ``UPDATE`` per
table and parent, the key read from the parent row (which keeps its own, or had it first).
Written for migrations: it reads the models as the migration's state has them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import OuterRef, Subquery


def copy_kept_keys(app_label: str, keys: Iterable[tuple[str, str, str]]) -> Callable:
    """A ``RunPython`` function: for each ``(model name, parent field, "app.Parent")`` of
    ``app_label``, in order, every row with that parent takes the parent's municipality."""
    keys = tuple(keys)

    def copy(apps, schema_editor) -> None:
        for model_name, source, parent in keys:
            model = apps.get_model(app_label, model_name)
            parent_model = apps.get_model(*parent.split("."))
            model._base_manager.filter(**{f"{source}__isnull": False}).update(
                municipality_id=Subquery(
                    parent_model._base_manager.filter(pk=OuterRef(f"{source}_id")).values(
                        "municipality_id"
                    )[:1]
                )
            )

    return copy
