"""Saving a row that a concurrent writer may have just taken the place of.

``full_clean()`` checks a row's unique constraints with a query, and the insert comes after:
two requests creating the same figure at once both pass the check, and on PostgreSQL the
second insert then waits for the first transaction and fails with an ``IntegrityError``
(``indicator_value_unique_per_ward`` …), a 500 at every door. ``save_unique`` makes the
loser's answer the one a sequential duplicate gets: the insert runs in a savepoint, so the
transaction survives its failure, and the check runs again — now it sees the row the winner
committed and raises the same ``ValidationError`` (the constraint's own message). An
``IntegrityError`` the check does not explain (a foreign key, a check constraint) is raised
as it was.

SQLite takes the write lock when a transaction starts (IMMEDIATE), so writers never race
there; the savepoint costs nothing that matters.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction


def save_unique(record: models.Model, **save_kwargs) -> None:
    """``record.save(**save_kwargs)``; a duplicate committed by someone else since the
    caller's ``full_clean()`` is a ``ValidationError``, as if it had been there before."""
    try:
        with transaction.atomic():  # a savepoint inside the service's transaction
            record.save(**save_kwargs)
    except IntegrityError:
        # Under READ COMMITTED this query sees what the other transaction committed.
        record.validate_unique()
        record.validate_constraints()
        raise
