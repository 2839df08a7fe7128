"""Small builders for progress records, through the real services where the rules matter."""

from decimal import Decimal

from community.models import Ward
from indicators.models import Indicator, IndicatorValue
from infrastructure.workflow import Status


def ward(code: str) -> Ward:
    return Ward.objects.get(code=code)


def value(
    *,
    indicator="KPI-3-1",
    fiscal_year=2015,
    kind="actual",
    amount="115000",
    ward_code=None,
    status=Status.DRAFT,
    note="",
) -> IndicatorValue:
    """An entered value written straight to the database in the given state (for setting
    up a situation; the services are what the tests exercise)."""
    return IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code=indicator),
        fiscal_year=fiscal_year,
        kind=kind,
        value=Decimal(amount),
        ward=ward(ward_code) if ward_code else None,
        status=status,
        note=note,
    )


def progress(
    *, initiative="1-2-1", fiscal_year=2015, ward_code=None, status=Status.DRAFT, results=""
):
    """An initiative progress report written straight to the database in the given state."""
    from programs.models import Initiative, InitiativeProgress

    return InitiativeProgress.objects.create(
        initiative=Initiative.objects.get(code=initiative),
        fiscal_year=fiscal_year,
        ward=ward(ward_code) if ward_code else None,
        state="in_progress",
        results=results,
        status=status,
    )


def evaluation(
    *,
    pillar=None,
    section=None,
    initiative=None,
    fiscal_year=2016,
    stage="primary",
    status=Status.DRAFT,
    rating="",
    analysis="",
):
    """An evaluation of pillar ``pillar`` (a number), section ``section`` (1-2) or initiative
    ``initiative`` (1-2-1) of the current plan, written straight to the database."""
    from evaluations.models import Evaluation
    from programs.models import Initiative, Pillar, Section
    from programs.selectors import current_plan

    plan = current_plan()
    subject = {}
    if pillar is not None:
        subject["pillar"] = Pillar.objects.get(plan=plan, number=pillar)
    if section is not None:
        number, _, within = section.partition("-")
        subject["section"] = Section.objects.get(
            pillar__plan=plan, pillar__number=number, number=within
        )
    if initiative is not None:
        subject["initiative"] = Initiative.objects.get(pillar__plan=plan, code=initiative)
    return Evaluation.objects.create(
        **subject,
        fiscal_year=fiscal_year,
        stage=stage,
        status=status,
        rating=rating,
        analysis=analysis,
    )
