"""Loading a plan folder: the one way plan content enters the database (``load_plan``).

A plan folder (docs/plan-data.md) holds what every layer keeps: the municipality and its wards
(community), the plan, its chapters and their content (programs), the indicators and their
plan values (indicators), and the organisations and volunteer programs the plan names
(community), and the plan's text in やさしい日本語 for the portal's pages (portal). Each app
reads and writes its own part (its ``plan_folder`` module); this puts
the parts together: ``plan_document_read`` reads them all (each file once) or raises
``PlanDataError``, and ``plan_load`` writes them in one transaction, so that a load writes
everything or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from community.plan_folder import INDEX_KEYS as COMMUNITY_INDEX_KEYS
from community.plan_folder import (
    CommunityData,
    MunicipalityData,
    community_read_from_plan,
    community_sync_from_plan,
    municipality_read_from_plan,
    municipality_sync_from_plan,
)
from indicators.plan_folder import INDEX_KEYS as INDICATORS_INDEX_KEYS
from indicators.plan_folder import (
    IndicatorsData,
    indicators_read_from_plan,
    indicators_sync_from_plan,
)
from infrastructure.plan_folder import PlanFolder
from infrastructure.sync import PlanConflictError, Synchroniser, SyncReport
from programs.plan_folder import INDEX_KEYS as PROGRAMS_INDEX_KEYS
from programs.plan_folder import PlanData, plan_read_from_plan, plan_sync_from_plan

from .plan_folder import INDEX_KEYS as PORTAL_INDEX_KEYS
from .plan_folder import (
    EasyJapaneseData,
    easy_japanese_read_from_plan,
    easy_japanese_sync_from_plan,
)


@dataclass(frozen=True)
class PlanDocument:
    """A plan folder, read and checked: each app's part."""

    municipality: MunicipalityData
    plan: PlanData
    indicators: IndicatorsData
    community: CommunityData
    easy_japanese: EasyJapaneseData


def plan_document_read(directory: Path | str) -> PlanDocument:
    """Read ``plan.yaml`` and the files it names (municipality, pillars, community) from
    ``directory``; raises ``PlanDataError`` at the first mistake. Touches no database."""
    folder = PlanFolder(directory)
    folder.index.check_keys(
        COMMUNITY_INDEX_KEYS | PROGRAMS_INDEX_KEYS | INDICATORS_INDEX_KEYS | PORTAL_INDEX_KEYS
    )
    municipality = municipality_read_from_plan(folder)
    plan = plan_read_from_plan(folder)
    indicators = indicators_read_from_plan(folder, plan)
    community = community_read_from_plan(
        folder,
        ward_codes={ward.code for ward in municipality.wards},
        pillar_numbers={pillar.number for pillar in plan.pillars},
    )
    easy_japanese = easy_japanese_read_from_plan(
        folder,
        pillar_numbers={pillar.number for pillar in plan.pillars},
        indicator_codes={placed.indicator.code for placed in indicators.indicators},
        ward_codes={ward.code for ward in municipality.wards},
    )
    return PlanDocument(
        municipality=municipality,
        plan=plan,
        indicators=indicators,
        community=community,
        easy_japanese=easy_japanese,
    )


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
    plan = plan_sync_from_plan(sync=sync, data=document.plan, municipality=municipality)
    indicators_sync_from_plan(sync=sync, data=document.indicators, plan=plan)
    community_sync_from_plan(
        sync=sync, data=document.community, plan=plan, municipality=municipality
    )
    easy_japanese_sync_from_plan(sync=sync, data=document.easy_japanese, plan=plan)
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
