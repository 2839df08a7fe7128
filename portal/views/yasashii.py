"""The やさしい日本語 (easy Japanese) pages at /yasashii/: what the plan is for, where to
consult, and the indicators with their verdicts, for residents (the national guideline for
foreign residents). Their text is hand-written in portal/data/yasashii.yaml and templates,
with furigana in <ruby>; nothing is translated while a page is drawn. They are always in
Japanese, whatever language the visitor chose for the rest of the site."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from django.shortcuts import render
from django.utils import translation
from django.utils.safestring import mark_safe

from community.models import LifeStage, Ward
from indicators.selectors import indicators_with_progress
from portal.views.plan import selected_fiscal_year
from portal.views.wards import finder_choices
from programs.models import Pillar
from programs.selectors import current_plan

TEXT_FILE = Path(__file__).resolve().parent.parent / "data" / "yasashii.yaml"


@cache
def yasashii_text() -> dict:
    """The hand-written text, read once. Our own file, so its HTML (the <ruby>) is trusted."""
    with TEXT_FILE.open(encoding="utf-8") as stream:
        return _safe(yaml.safe_load(stream))


def _safe(node):
    if isinstance(node, str):
        return mark_safe(node)  # hand-written in the repository, not user input
    if isinstance(node, dict):
        return {key: _safe(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_safe(value) for value in node]
    return node


def _render(request, template: str, context: dict, status: int = 200):
    # The pages are Japanese whatever the visitor chose: their text is Japanese only.
    with translation.override("ja"):
        response = render(request, template, {**context, "text": yasashii_text()}, status=status)
    response.headers["Content-Language"] = "ja"  # LocaleMiddleware keeps a header it finds
    return response


def home(request):
    """What the plan is for, a few short sentences per pillar."""
    plan = current_plan()
    pillars = Pillar.objects.filter(plan=plan) if plan else Pillar.objects.none()
    text = yasashii_text()["pillars"]
    return _render(
        request,
        "yasashii/home.html",
        {"pillars": [(p, text.get(p.number)) for p in pillars]},
    )


def consult(request):
    """The consultation finder in easy Japanese: by life stage and ward, with where to go and
    how to get in touch. Every place is shown until a stage or a ward is chosen."""
    choices = finder_choices(request)
    text = yasashii_text()
    for place in choices["places"]:
        place.plain_ward = text["wards"].get(place.ward.code) if place.ward else None
    return _render(
        request,
        "yasashii/consult.html",
        {
            **choices,
            "stage_names": [
                (stage, text["life_stages"].get(stage.code, stage.name))
                for stage in LifeStage.objects.all()
            ],
            "ward_names": [
                (ward, text["wards"].get(ward.code, ward.name)) for ward in Ward.objects.all()
            ],
        },
        status=400 if choices["errors"] else 200,
    )


def indicators(request):
    """The plan's indicators in plain words, each with its verdict as of the latest year."""
    text = yasashii_text()
    year = selected_fiscal_year(request)
    rows = [
        {
            "indicator": indicator,
            "progress": progress,
            "name": text["indicators"].get(indicator.code, indicator.name),
            "verdict": text["statuses"][progress.status],
        }
        for indicator, progress in indicators_with_progress(up_to=year)
    ]
    return _render(request, "yasashii/indicators.html", {"rows": rows, "fiscal_year": year})
