"""Site search: the plan's text, the indicators and the directory, by substring.

Japanese is written without spaces, so a word is found inside the text (``icontains``: on
PostgreSQL ``UPPER(column) LIKE UPPER('%…%')``, served by the trigram GIN indexes of
``portal/migrations/0001_search_indexes``; on SQLite a plain scan). Whitespace-separated
terms must all occur (each in any of a row's searched fields). The query is NFKC-normalised,
so full-width and half-width letters and digits typed alike find the same text.

One function, ``search``, serves the page (``/search/``) and the API
(``/api/v1/search/``). It asks one query per kind of row, whatever the number of hits: each
query returns at most ``HITS_PER_GROUP`` rows with the total count alongside (a window
count), so a group says how many more there are without a second query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from community.models import CommunityResource
from indicators.models import Indicator
from programs.models import Action, Challenge, Figure, FigureKind, Initiative, Pillar, Plan, Section

MAX_QUERY_LENGTH = 100
HITS_PER_GROUP = 20
# Characters of context an excerpt shows before and after the first match.
EXCERPT_BEFORE = 30
EXCERPT_AFTER = 70


class SearchQueryError(ValueError):
    """The query cannot be searched (too long); the message says why, for the visitor."""


def search_terms(raw: str | None) -> list[str]:
    """The terms of a query: NFKC-normalised, split on whitespace (a full-width space too)
    and control characters, each once. Raises SearchQueryError when the query is longer
    than MAX_QUERY_LENGTH."""
    text = unicodedata.normalize("NFKC", raw or "")
    # Control characters (a NUL, which PostgreSQL refuses in a string) separate terms.
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text).strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            _("検索語は%(limit)s文字以内で入力してください（%(length)s文字入力されています）。")
            % {"limit": MAX_QUERY_LENGTH, "length": len(text)}
        )
    return list(dict.fromkeys(text.split()))


@dataclass(frozen=True)
class Hit:
    """One result: what it is (``type``: pillar, section, challenge, initiative, action,
    figure, indicator, resource), its label, the page it is on, and an excerpt of the text
    that matched with the matches' ``[start, end)`` offsets in it."""

    type: str
    label: str
    url: str
    excerpt: str
    matches: tuple[tuple[int, int], ...]

    @property
    def highlighted(self) -> SafeString:
        """The excerpt as HTML: every match in ``<mark>``, everything else escaped."""
        parts, end = [], 0
        for start, stop in self.matches:
            parts += [escape(self.excerpt[end:start]), "<mark>", escape(self.excerpt[start:stop])]
            parts.append("</mark>")
            end = stop
        parts.append(escape(self.excerpt[end:]))
        return mark_safe("".join(parts))  # every piece of text is escaped above


@dataclass
class Group:
    """The hits of one kind (plan, indicator, resource): at most HITS_PER_GROUP, with the
    total number found."""

    kind: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


@dataclass
class SearchResult:
    terms: list[str]
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def search(raw_query: str | None, *, plan: Plan | None, keep_plan: bool = False) -> SearchResult:
    """What the query finds in ``plan`` (the plan's text and indicators; none without a plan)
    and in the directory (public as a whole); with ``keep_plan`` (the visitor named the plan,
    ``?plan=``) the links name it too. Raises SearchQueryError for a query too long."""
    terms = search_terms(raw_query)
    groups = [
        Group("plan", _("施策・取組")),
        Group("indicator", pgettext("plural", "成果指標")),
        Group("resource", _("相談先・地域資源")),
    ]
    if not terms:
        return SearchResult(terms, groups)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    plan_group, indicator_group, resource_group = groups
    if plan is not None:
        query = f"?{urlencode({'plan': plan.code})}" if keep_plan else ""
        for source in PLAN_SOURCES:
            rows, total = _rows(source, terms, plan)
            plan_group.total += total
            room = HITS_PER_GROUP - len(plan_group.hits)
            plan_group.hits += [_hit(source, row, pattern, query) for row in rows[:room]]
        rows, total = _rows(INDICATORS, terms, plan)
        indicator_group.total = total
        indicator_group.hits = [_hit(INDICATORS, row, pattern, query) for row in rows]
    rows, total = _rows(RESOURCES, terms, None)
    resource_group.total = total
    resource_group.hits = [_hit(RESOURCES, row, pattern, "") for row in rows]
    return SearchResult(terms, groups)


# --- What is searched, and how each row is labelled and linked ------------------------------


@dataclass(frozen=True)
class Source:
    type: str
    model: type
    fields: tuple[str, ...]  # searched, and excerpted from in this order
    plan_filter: object  # callable(plan) -> Q, or None for rows outside any plan
    values: dict  # name -> expression or lookup, read with the row
    label: object  # callable(row) -> str
    url: object  # callable(row, query) -> str


def _pillar_url(row, query: str) -> str:
    url = reverse("pillar", args=[row["pillar_number"]]) + query
    return f"{url}#section-{row['section_number']}" if row.get("section_number") else url


def _section_code(row) -> str:
    number = row.get("section_number")
    return f"{row['pillar_number']}-{number}" if number else str(row["pillar_number"])


def _figure_label(row) -> str:
    if row["figure_kind"] == FigureKind.FIGURE and row["figure_number"]:
        return _("図%(number)s %(title)s") % {"number": row["figure_number"], "title": row["title"]}
    return _("【参考】%(title)s") % {"title": row["title"]}


def _resource_url(row, query: str) -> str:
    if row["is_consultation"]:
        # The finder lists consultation bodies by ward (city-wide ones in every ward).
        ward = {"ward": row["ward_code"]} if row["ward_code"] else {"life_stage": ""}
        return f"{reverse('consult')}?{urlencode(ward)}#resource-{row['pk']}"
    return reverse("communityresource-detail", args=[row["pk"]])


PLAN_SOURCES = (
    Source(
        "pillar",
        Pillar,
        ("title", "overview"),
        lambda plan: Q(plan=plan),
        {"pillar_number": F("number")},
        lambda row: (
            _("施策%(number)s %(title)s") % {"number": row["pillar_number"], "title": row["title"]}
        ),
        _pillar_url,
    ),
    Source(
        "section",
        Section,
        ("title",),
        lambda plan: Q(pillar__plan=plan),
        {"pillar_number": F("pillar__number"), "section_number": F("number")},
        lambda row: f"{_section_code(row)} {row['title']}",
        _pillar_url,
    ),
    Source(
        "challenge",
        Challenge,
        ("heading", "text"),
        lambda plan: Q(pillar__plan=plan),
        {"pillar_number": F("pillar__number"), "section_number": F("section__number")},
        lambda row: _("現状と課題（%(code)s）") % {"code": _section_code(row)},
        _pillar_url,
    ),
    Source(
        "initiative",
        Initiative,
        ("title", "lead"),
        lambda plan: Q(pillar__plan=plan),
        {"pillar_number": F("pillar__number"), "section_number": F("section__number")},
        lambda row: f"{row['code']} {row['title']}",
        _pillar_url,
    ),
    Source(
        "action",
        Action,
        ("text", "group"),
        lambda plan: Q(initiative__pillar__plan=plan) | Q(section__pillar__plan=plan),
        {
            "pillar_number": Coalesce("initiative__pillar__number", "section__pillar__number"),
            "section_number": Coalesce("initiative__section__number", "section__number"),
            "initiative_code": F("initiative__code"),
            "initiative_title": F("initiative__title"),
        },
        lambda row: (
            _("取組（%(parent)s）")
            % {
                "parent": f"{row['initiative_code']} {row['initiative_title']}"
                if row["initiative_code"]
                else _section_code(row)
            }
        ),
        _pillar_url,
    ),
    Source(
        "figure",
        Figure,
        ("title", "text"),
        lambda plan: Q(pillar__plan=plan),
        {
            "pillar_number": F("pillar__number"),
            "section_number": F("section__number"),
            "figure_kind": F("kind"),
            "figure_number": F("number"),
        },
        _figure_label,
        _pillar_url,
    ),
)
INDICATORS = Source(
    "indicator",
    Indicator,
    ("name", "code", "source", "notes"),
    lambda plan: Q(plan=plan),
    {},
    lambda row: f"{row['code']} {row['name']}",
    lambda row, query: reverse("indicator", args=[row["code"]]) + query,
)
RESOURCES = Source(
    "resource",
    CommunityResource,
    ("name", "description", "address", "opening_notes"),
    None,
    {"is_consultation": F("consultation"), "ward_code": F("ward__code")},
    lambda row: row["name"],
    _resource_url,
)


def _rows(source: Source, terms: list[str], plan: Plan | None) -> tuple[list[dict], int]:
    """The first HITS_PER_GROUP rows of ``source`` where every term occurs, and how many
    there are: one query."""
    condition = reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{name}__icontains": term}) for name in source.fields))
            for term in terms
        ),
    )
    rows = source.model.objects.filter(condition)
    if source.plan_filter is not None:
        rows = rows.filter(source.plan_filter(plan))
    extra = {name: value for name, value in source.values.items() if name not in source.fields}
    rows = rows.annotate(search_total=Window(Count("pk")), **extra)
    wanted = {"pk", *source.fields, *extra, "search_total"}
    wanted |= {"code", "title", "name"} & {f.name for f in source.model._meta.fields}
    found = list(rows.values(*wanted)[:HITS_PER_GROUP])
    return found, found[0]["search_total"] if found else 0


def _hit(source: Source, row: dict, pattern: re.Pattern, query: str) -> Hit:
    excerpt, matches = _excerpt([row[name] or "" for name in source.fields], pattern)
    return Hit(source.type, source.label(row), source.url(row, query), excerpt, matches)


def _excerpt(texts: list[str], pattern: re.Pattern) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A short piece of the first text a term occurs in, around the first match, on one
    line, with the offsets of every match in it."""
    for text in texts:
        first = pattern.search(text)
        if first is None:
            continue
        start = max(0, first.start() - EXCERPT_BEFORE)
        stop = min(len(text), first.end() + EXCERPT_AFTER)
        piece = " ".join(text[start:stop].split())
        # Collapsing whitespace moves offsets: find the matches in the piece as shown.
        prefix = "…" if start > 0 else ""
        suffix = "…" if stop < len(text) else ""
        shown = f"{prefix}{piece}{suffix}"
        return shown, tuple((m.start(), m.end()) for m in pattern.finditer(shown))
    return "", ()
