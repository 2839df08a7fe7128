"""Loading a plan folder: the one way plan content enters the database (``load_plan``).

A plan folder (docs/plan-data.md) holds what every layer keeps: the municipality and its wards
(community), the plan, its chapters and their content (programs), the indicators and their
plan values (indicators), and the organisations and volunteer programs the plan names
(community). Each app makes its part match the document; this puts the parts together in one
transaction, so that a load writes everything or nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from community.services import community_sync_from_plan, municipality_sync_from_plan
from indicators.services import indicators_sync_from_plan
from infrastructure.sync import PlanConflictError, Synchroniser, SyncReport
from programs.services import plan_sync_from_plan

if TYPE_CHECKING:
    from .plan_data import PlanDocument


@transaction.atomic
def plan_load(*, document: PlanDocument, overwrite_edits: bool = False) -> SyncReport:
    """Make the database hold the plan of ``document``: its municipality and wards, the
    plan (title, period) and the chapters the document holds, with all their content.

    Running it again with the same document writes nothing. Other plans, and chapters of
    this plan the document does not hold, are never touched. Progress data entered by staff
    (indicator values that did not come from the plan) is never changed or deleted. Plan
    content a planner changed in the admin since the last load is not overwritten either:
    if the document differs there, nothing is written and the rows are named, unless
    ``overwrite_edits``.
    """
    report = SyncReport()
    sync = Synchroniser(report, reason="load_plan", overwrite_edits=overwrite_edits)
    municipality = municipality_sync_from_plan(sync=sync, data=document.municipality)
    plan = plan_sync_from_plan(sync=sync, document=document, municipality=municipality)
    indicators_sync_from_plan(sync=sync, document=document, plan=plan)
    community_sync_from_plan(sync=sync, document=document)
    if sync.edited:
        raise PlanConflictError(
            _(
                "次の項目は管理画面で変更されているため、計画データで上書きしませんでした"
                "（何も書き込んでいません）。計画データ（YAML）を合わせるか、"
                "--overwrite-edits で上書きしてください：%(rows)s"
            )
            % {
                "rows": "；".join(
                    f"{instance._meta.verbose_name}「{instance}」（{editor or '?'}）"
                    for instance, editor in sync.edited
                )
            }
        )
    return report
