"""Which plan: reads of the plan shared by the pages, the API, imports and reports. (The
plan's reach in fiscal years, which needs its indicators, is ``indicators.selectors``.)

Several plans may be loaded side by side (the next plan period beside this one); every read
of plan content is of one plan: the current plan (``current_plan``) unless a door names
another (``plan_by_code``, e.g. from ``?plan=<code>``)."""

from __future__ import annotations

import datetime

from .models import SUBJECT_KINDS, Initiative, Pillar, Plan, Section, subject_code


class UnknownPlanError(LookupError):
    """No plan has the code asked for."""


def current_plan(*, today: datetime.date | None = None) -> Plan | None:
    """The plan the site shows by default (``Plan.objects.current``)."""
    return Plan.objects.current(today=today)


def plan_by_code(code: str | None) -> Plan | None:
    """The plan with ``code``, or the current plan when no code is given.

    Raises UnknownPlanError for a code no plan has."""
    if not code:
        return current_plan()
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise UnknownPlanError(code)
    return plan


def site_title(plan: Plan | None = None) -> str:
    """The site's name: the current plan's title (in English where the data gives one),
    else the municipality's name with 地域福祉計画, else 地域福祉計画."""
    from django.utils.translation import gettext

    from community.models import Municipality

    plan = plan or current_plan()
    if plan is not None:
        return plan.display_title
    municipality = Municipality.objects.first()
    if municipality is not None:
        return gettext("%(municipality)s地域福祉計画") % {"municipality": municipality.display_name}
    return gettext("地域福祉計画")


def subjects_by_code(plan: Plan | None, *, kinds: tuple[str, ...] = SUBJECT_KINDS) -> dict:
    """The plan's subjects of ``kinds`` by the code the plan cites them with
    (``subject_code``): pillars by number (1), sections (1-2) and initiatives (1-2-1, 2-3).
    The one lookup of subjects by code (the progress and evaluation sheets). An initiative
    wins over a section of the same code (there is none today): progress is recorded per
    initiative wherever the plan has them."""
    querysets = {
        "pillar": Pillar.objects.filter(plan=plan),
        "section": Section.objects.filter(pillar__plan=plan).select_related("pillar"),
        "initiative": Initiative.objects.filter(pillar__plan=plan),
    }
    return {
        subject_code(subject): subject
        for kind in SUBJECT_KINDS
        if kind in kinds
        for subject in querysets[kind]
    }
