"""The やさしい日本語 (easy Japanese) pages at /yasashii/: what the plan is for, where to
consult, and the indicators with their verdicts, for residents (the national guideline for
foreign residents). The plan's text is plan data, hand-written in the plan folder and kept in
the database by load_plan (``portal.models.EasyJapanese``); what is the same for every plan
(the verdicts, the life stages, the page frames) is here and in templates/yasashii/. All with
furigana in <ruby>; nothing is translated while a page is drawn. A plan without the text gets
its pages from its own titles. They are always in Japanese, whatever language the visitor
chose for the rest of the site."""

from __future__ import annotations

import re

from django.shortcuts import render
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from community.models import LifeStage, Ward
from indicators.choices import ProgressStatus
from indicators.selectors import indicators_with_progress
from portal.models import EasyJapanese
from portal.views.plan import selected_fiscal_year
from portal.views.wards import finder_choices
from programs.models import Pillar
from programs.selectors import current_plan

# The verdict sentence of each progress status, the same for every plan.
STATUSES = {
    ProgressStatus.ACHIEVED: "めあてに　とどきました。",
    ProgressStatus.ON_TRACK: (
        "めあてに　<ruby>向<rt>む</rt></ruby>かって　じゅんちょうに　すすんで　います。"
    ),
    ProgressStatus.BEHIND: "<ruby>思<rt>おも</rt></ruby>ったより　おくれて　います。",
    ProgressStatus.NOT_ACHIEVED: (
        "めあての　<ruby>年<rt>とし</rt></ruby>までに　めあてに　とどきませんでした。"
    ),
    ProgressStatus.NO_DATA: "まだ　<ruby>数字<rt>すうじ</rt></ruby>が　ありません。",
}
# The life stages' plain names (the stages are the same for every plan: community 0006).
LIFE_STAGES = {
    "early-childhood": (
        "<ruby>小学校<rt>しょうがっこう</rt></ruby>に　<ruby>入<rt>はい</rt></ruby>る　"
        "<ruby>前<rt>まえ</rt></ruby>の　<ruby>子<rt>こ</rt></ruby>ども"
    ),
    "school-age": (
        "<ruby>小学生<rt>しょうがくせい</rt></ruby>・<ruby>中学生<rt>ちゅうがくせい</rt></ruby>"
    ),
    "youth-adult": "わかい　<ruby>人<rt>ひと</rt></ruby>・おとな",
    "old-age": "お<ruby>年<rt>とし</rt></ruby><ruby>寄<rt>よ</rt></ruby>り",
}

_MARKUP = re.compile(r"&lt;(/?)(ruby|rt)&gt;")


def plain_html(text: str) -> SafeString:
    """``text`` escaped, but for its readings (<ruby>, <rt>): the only markup load_plan lets
    into the text, and the only markup shown whatever the database holds."""
    return mark_safe(_MARKUP.sub(r"<\1\2>", escape(text)))


def yasashii_text(plan=None) -> dict:
    """The plan's text (the current plan's by default) as the pages show it: ``intro`` (a
    list), ``pillars`` ({number: {title, sentences}}), ``indicators`` and ``wards`` ({code:
    name}), empty where the plan has none, with the app's ``statuses`` and ``life_stages``.
    Every string as HTML with only its readings as markup."""
    plan = plan if plan is not None else current_plan()
    found = EasyJapanese.objects.filter(plan=plan).first() if plan else None
    return {
        "intro": [plain_html(s) for s in (found.intro if found else [])],
        "pillars": {
            int(number): {
                "title": plain_html(item["title"]),
                "sentences": [plain_html(s) for s in item["sentences"]],
            }
            for number, item in (found.pillars if found else {}).items()
        },
        "indicators": {c: plain_html(n) for c, n in (found.indicators if found else {}).items()},
        "wards": {c: plain_html(n) for c, n in (found.wards if found else {}).items()},
        "statuses": {status: mark_safe(text) for status, text in STATUSES.items()},
        "life_stages": {code: mark_safe(text) for code, text in LIFE_STAGES.items()},
    }


def _render(request, template: str, context: dict, status: int = 200, text: dict | None = None):
    # The pages are Japanese whatever the visitor chose: their text is Japanese only.
    plan = current_plan()
    context = {
        **context,
        "plan": plan,
        "municipality": plan.municipality if plan else None,
        "text": text if text is not None else yasashii_text(plan),
    }
    with translation.override("ja"):
        response = render(request, template, context, status=status)
    response.headers["Content-Language"] = "ja"  # LocaleMiddleware keeps a header it finds
    return response


def home(request):
    """What the plan is for, a few short sentences per pillar: the plan's plain text where it
    has one, else its own titles; the number of pillars is the plan's."""
    plan = current_plan()
    pillars = Pillar.objects.filter(plan=plan) if plan else Pillar.objects.none()
    text = yasashii_text(plan)
    return _render(
        request,
        "yasashii/home.html",
        {"pillars": [(p, text["pillars"].get(p.number)) for p in pillars]},
        text=text,
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
        text=text,
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
    return _render(
        request, "yasashii/indicators.html", {"rows": rows, "fiscal_year": year}, text=text
    )
