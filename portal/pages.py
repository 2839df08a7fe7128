"""Reads that only the pages need: the initiatives' progress per ward for a fiscal year."""

from __future__ import annotations

from django.db.models import Q

from community.models import Ward
from programs.models import Initiative, InitiativeProgress, Section


def progress_grid(*, pillar, fiscal_year: int, user) -> dict:
    """Rows: the pillar's initiatives (and sections with no numbered initiative); columns:
    the wards; cells: the ward's report for the year, as the user may see it. Four queries."""
    wards = list(Ward.objects.all())
    initiatives = list(Initiative.objects.filter(pillar=pillar).select_related("section"))
    sections = list(
        Section.objects.filter(pillar=pillar, initiatives__isnull=True).select_related("pillar")
    )
    records = (
        InitiativeProgress.objects.filter(
            Q(initiative__pillar=pillar) | Q(section__pillar=pillar),
            fiscal_year=fiscal_year,
            ward__isnull=False,
        )
        .visible_to(user)
        .order_by()
    )
    cells = {(r.initiative_id, r.section_id, r.ward_id): r for r in records}
    rows = [
        {"subject": i, "cells": [cells.get((i.pk, None, w.pk)) for w in wards]} for i in initiatives
    ] + [{"subject": s, "cells": [cells.get((None, s.pk, w.pk)) for w in wards]} for s in sections]
    # In plan order: a section with no numbered initiative sits where its number puts it,
    # not after the other sections' initiatives (施策4: 4-1 before 4-2-1).
    rows.sort(key=lambda row: _plan_position(row["subject"]))
    return {"wards": wards, "rows": rows}


def _plan_position(subject) -> tuple[int, int]:
    if isinstance(subject, Section):
        return (subject.number, 0)
    return (subject.section.number if subject.section else 0, subject.number)
