#!/usr/bin/env python
"""Latency of the API's two summary endpoints against a floor, on synthetic data.

    python scripts/bench.py [--scale full|small] [--repeat N] [--profile] [--keep]

It never touches the developer's database: before Django starts it points DATABASE_URL at a
throwaway SQLite file in a temporary folder, or at BENCH_DATABASE_URL when that is set (a
PostgreSQL database there is dropped and created by this script, and its name must contain
"bench"). REDIS_URL is ignored (the cache is local memory) unless BENCH_REDIS_URL is set;
that Redis database is flushed before every cold request.

Data: the plan (``load_plan``), then, with ``bulk_create``, synthetic indicators spread over
the four pillars, each with a city-wide baseline and target and approved actuals for the
five wards and the city over 20 fiscal years, and initiative-progress records for
initiatives × wards × fiscal years (extra initiatives are created when the plan's are too
few). ``full``: 200 indicators, 10,000 progress records; ``small``: 20 and 1,000.

Measured, through ``django.test.Client`` with DEBUG off, as an anonymous reader:

- ``GET /api/v1/dashboard/?fiscal_year=2020`` and ``GET /api/v1/indicators/``;
- cold: the cache cleared just before the request; cached: the same request again at once;
- floor: one hand-written SQL statement (``connection.cursor()``) that reads exactly what the
  response needs, Python that builds the same payload from its rows (progress arithmetic by
  ``indicators.progress.compute_progress``), and ``json.dumps`` of it to bytes. Before timing,
  the floor's payload is checked to equal the endpoint's.

Rounds interleave the three modes (floor, cold, cached) so that drift hits them alike. The
ratio is the mode's p50 over the floor's p50. Goals (full scale): cold within 2x, cached
within 1.2x.
A measurement, not a test: it exits 0 whatever the numbers, non-zero only on an error.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import io
import itertools
import json
import math
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DASHBOARD_YEAR = 2020
YEARS = range(2006, 2026)  # 20 fiscal years of actuals
GOALS = {"cold": 2.0, "cached": 1.2}  # at full scale (small: see docs/performance.md)


@dataclass(frozen=True)
class Scale:
    indicators: int
    progress: int


SCALES = {"full": Scale(indicators=200, progress=10_000), "small": Scale(20, 1_000)}


# --- The database: set up before Django is -------------------------------------------------


class BenchDatabase:
    """The throwaway database the run uses, created before and removed after."""

    def __init__(self, *, keep: bool):
        self.keep = keep
        self.url = os.environ.get("BENCH_DATABASE_URL", "").strip()
        self.sqlite_file: Path | None = None
        self.postgres: dict | None = None
        if self.url:
            self._check()
        self.tempdir = Path(tempfile.mkdtemp(prefix="kumamoto-welfare-bench-"))
        if not self.url:
            self.sqlite_file = self.tempdir / "bench.sqlite3"
            self.url = f"sqlite:///{self.sqlite_file}"

    def _check(self) -> None:
        """BENCH_DATABASE_URL names a database this script may drop."""
        import environ

        config = environ.Env.db_url_config(self.url)
        name = str(config.get("NAME") or "")
        if "bench" not in name.lower():
            sys.exit(f"BENCH_DATABASE_URL: the database name must contain 'bench', not {name!r}.")
        developer = os.environ.get("DATABASE_URL", "").strip()
        if developer and environ.Env.db_url_config(developer).get("NAME") == name:
            sys.exit("BENCH_DATABASE_URL names the same database as DATABASE_URL.")
        if "sqlite" in config["ENGINE"]:
            self.sqlite_file = Path(name)
        elif "postgresql" in config["ENGINE"]:
            self.postgres = config
        else:
            sys.exit(f"BENCH_DATABASE_URL: only SQLite and PostgreSQL are supported ({self.url}).")

    def create(self) -> None:
        if self.sqlite_file:
            self.sqlite_file.unlink(missing_ok=True)
        if self.postgres:
            self._postgres(create=True)

    def remove(self) -> None:
        if self.keep:
            print(f"kept: {self.url}")
            return
        if self.postgres:
            self._postgres(create=False)
        elif self.sqlite_file:
            self.sqlite_file.unlink(missing_ok=True)
        shutil.rmtree(self.tempdir, ignore_errors=True)

    def _postgres(self, *, create: bool) -> None:
        import psycopg
        from psycopg import sql

        config = self.postgres
        with psycopg.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            autocommit=True,
        ) as admin:
            name = sql.Identifier(config["NAME"])
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            if create:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def configure_environment(database: BenchDatabase) -> None:
    """The settings the run uses, whatever the shell holds: production-like (DEBUG off, so no
    query logging) but plain HTTP, the bench database, and a throttle that never trips."""
    os.environ["DATABASE_URL"] = database.url
    os.environ.pop("REDIS_URL", None)
    if redis := os.environ.get("BENCH_REDIS_URL", "").strip():
        os.environ["REDIS_URL"] = redis
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = "bench-" + os.urandom(24).hex()
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["STATIC_ROOT"] = str(database.tempdir / "static")
    os.environ["API_ANON_RATE"] = "1000000/minute"
    os.environ["CONN_MAX_AGE"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kumamoto_welfare.settings"
    (database.tempdir / "static").mkdir(exist_ok=True)
    sys.path.insert(0, str(PROJECT))


# --- Synthetic data ------------------------------------------------------------------------


def build_data(scale: Scale, *, seed: int = 20130401) -> dict[str, int]:
    """The plan, then synthetic indicators, values and progress records (bulk_create: no
    full_clean, but every value keeps the database's constraints and the models' rules)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from community.models import Ward
    from indicators.choices import Direction
    from indicators.models import Indicator, IndicatorValue, Target
    from infrastructure.workflow import Status
    from programs.choices import ProgressState
    from programs.models import Initiative, InitiativeProgress, Pillar, Section, initiative_code

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_plan", stdout=io.StringIO())
    rng = random.Random(seed)
    pillars = list(Pillar.objects.order_by("number"))
    sections: dict[int, list[Section]] = defaultdict(list)
    for section in Section.objects.order_by("number"):
        sections[section.pillar_id].append(section)
    wards = list(Ward.objects.order_by("position"))

    with transaction.atomic():
        units = ["%", "人", "件", "回", "か所"]  # as the shipped plan declares them
        Indicator.objects.bulk_create(
            Indicator(
                code=f"BENCH-{pillar.number}-{n}",
                name=f"ベンチマーク用の合成指標 {n}",
                unit_id=rng.choices(units, weights=[5, 2, 1, 1, 1])[0],
                direction=rng.choices(list(Direction), weights=[80, 15, 5])[0],
                plan_id=pillar.plan_id,
                pillar=pillar,
                section=rng.choice([None, *sections[pillar.pk]]),
                position=100 + n,
                source="合成データ",
                notes="\n".join(f"注記{k}" for k in range(rng.randint(0, 2))),
            )
            for n in range(1, scale.indicators + 1)
            for pillar in [pillars[(n - 1) % len(pillars)]]
        )
        values = []
        for indicator in Indicator.objects.filter(code__startswith="BENCH-"):
            values.extend(_values_of(indicator, wards, rng))
        # Targets are records of their own (indicators.Target).
        Target.objects.bulk_create([v for v in values if isinstance(v, Target)])
        IndicatorValue.objects.bulk_create(
            [v for v in values if isinstance(v, IndicatorValue)], batch_size=2000
        )

        subjects = [("initiative", pk) for pk in Initiative.objects.values_list("pk", flat=True)]
        subjects += [
            ("section", pk)
            for pk in Section.objects.filter(initiatives__isnull=True).values_list("pk", flat=True)
        ]
        per_subject = len(YEARS) * (len(wards) + 1)
        missing = math.ceil(scale.progress / per_subject) - len(subjects)
        if missing > 0:
            parents = [(p, s) for p in pillars for s in (sections[p.pk] or [None])]
            numbers: dict[tuple, int] = defaultdict(lambda: 100)
            extra = []
            for k in range(missing):
                pillar, section = parents[k % len(parents)]
                numbers[pillar.pk, section] += 1
                number = numbers[pillar.pk, section]
                code = initiative_code(pillar.number, section.number if section else None, number)
                extra.append(
                    Initiative(
                        pillar=pillar,
                        section=section,
                        number=number,
                        code=code,
                        title=f"ベンチマーク用の合成取組施策 {code}",
                    )
                )
            Initiative.objects.bulk_create(extra)
            subjects += [
                ("initiative", pk)
                for pk in Initiative.objects.filter(number__gt=100).values_list("pk", flat=True)
            ]
        places = ((s, y, w) for s in subjects for y in YEARS for w in [None, *wards])
        states = list(ProgressState)
        InitiativeProgress.objects.bulk_create(
            (
                InitiativeProgress(
                    **{f"{kind}_id": pk},
                    fiscal_year=year,
                    ward=ward,
                    state=rng.choice(states),
                    results="地域の見守り活動を実施した。",
                    events_held=rng.randint(0, 40),
                    participants=rng.randint(0, 2000),
                    status=rng.choices(list(Status), weights=[1, 1, 8])[0],
                )
                for (kind, pk), year, ward in itertools.islice(places, scale.progress)
            ),
            batch_size=2000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "indicators": Indicator.objects.count(),
        "indicator values": IndicatorValue.objects.count(),
        "initiatives": Initiative.objects.count(),
        "initiative progress": InitiativeProgress.objects.count(),
    }


def _values_of(indicator, wards, rng: random.Random):
    """Baseline and target city-wide, and an actual for every year, city-wide and per ward:
    approved, one per indicator/year/kind/ward, percentages within 0–100, counts whole."""
    from indicators.choices import Direction, ValueKind, ValueOrigin
    from indicators.models import IndicatorValue, Target
    from infrastructure.workflow import Status

    percent = indicator.unit.is_percentage
    base = rng.uniform(10, 80) if percent else float(rng.randint(100, 50_000))
    change = rng.uniform(0.1, 0.5) * (base if not percent else min(base, 100 - base, 40))
    target = {
        Direction.INCREASE: base + change,
        Direction.DECREASE: base - change,
        Direction.MAINTAIN: base,
    }[indicator.direction]
    base_year, target_year = rng.randint(2006, 2012), rng.randint(2020, 2030)
    pace = rng.uniform(0.3, 1.4)

    def figure(value: float, share: float = 1.0) -> Decimal:
        if percent:
            return Decimal(f"{min(max(value, 0.0), 100.0):.1f}")
        return Decimal(max(round(value * share), 0))

    def value(kind, year, amount, ward=None):
        return IndicatorValue(
            indicator=indicator,
            fiscal_year=year,
            kind=kind,
            value=amount,
            ward=ward,
            status=Status.APPROVED,
            origin=ValueOrigin.ENTRY,
        )

    rows = [
        value(ValueKind.BASELINE, base_year, figure(base)),
        Target(indicator=indicator, fiscal_year=target_year, value=figure(target)),
    ]
    for year in YEARS:
        trend = base + (target - base) * pace * (year - base_year) / (target_year - base_year)
        rows.append(value(ValueKind.ACTUAL, year, figure(trend * rng.uniform(0.97, 1.03))))
        for ward in wards:
            amount = figure(trend * rng.uniform(0.9, 1.1), 1 if percent else 1 / len(wards))
            rows.append(value(ValueKind.ACTUAL, year, amount, ward))
    return rows


# --- The floor -----------------------------------------------------------------------------


def _latest_values_sql(*, up_to: int | None) -> tuple[str, list]:
    """The approved city-wide values ranked newest first per indicator and kind (actuals up
    to ``up_to``), and the city's targets ranked as ``indicators.targets`` ranks them (the
    latest set in or before ``up_to``, the current fiscal year if None): the CTE both floors
    join three times (baseline, target, latest actual)."""
    from indicators.models import IndicatorValue, Target
    from infrastructure.fiscal_year import current_fiscal_year

    actuals = "" if up_to is None else "AND (kind <> 'actual' OR fiscal_year <= %s)"
    year = current_fiscal_year() if up_to is None else up_to
    return (
        f"""latest AS (
            SELECT indicator_id, kind, fiscal_year, value,
                   ROW_NUMBER() OVER (
                       PARTITION BY indicator_id, kind ORDER BY o1 DESC, o2 DESC, o3 DESC
                   ) AS rn
            FROM (
                SELECT indicator_id, kind, fiscal_year, value,
                       fiscal_year AS o1, NULL AS o2, NULL AS o3
                FROM {IndicatorValue._meta.db_table}
                WHERE status = 'approved' AND ward_id IS NULL {actuals}
                UNION ALL
                SELECT indicator_id, 'target', fiscal_year, value,
                       COALESCE(revised_in, 0), set_at, id
                FROM {Target._meta.db_table}
                WHERE ward_id IS NULL AND (revised_in IS NULL OR revised_in <= %s)
            ) AS figures
        )""",
        ([] if up_to is None else [up_to]) + [year],
    )


def _joins(alias: str = "i") -> str:
    return " ".join(
        f"LEFT JOIN latest {k} ON {k}.indicator_id = {alias}.id AND {k}.kind = '{kind}'"
        f" AND {k}.rn = 1"
        for k, kind in (("b", "baseline"), ("t", "target"), ("a", "actual"))
    )


def _bands_sql() -> str:
    """The active rule's bands: code, label, minimum, and "group, use, rule" in one text."""
    from indicators.models import RatingBand, RatingRule

    return f"""SELECT rb.code AS code, rb.label AS label, rb.minimum AS minimum,
            rb."group" || '\t' || rb.use || '\t' || sc.name AS kind
        FROM {RatingBand._meta.db_table} rb
        JOIN {RatingRule._meta.db_table} sc ON sc.id = rb.rule_id WHERE sc.is_active"""


def _decimal(value) -> Decimal | None:
    """A figure from the driver: Decimal (PostgreSQL), or int/float (SQLite's NUMERIC),
    at the model's four places as the ORM gives it."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def _plain(value: Decimal) -> str:
    normalised = value.normalize()
    return f"{normalised:f}" if normalised != 0 else "0"


def _bands(rows):
    """The rule from (code, label, minimum, kind) rows (the pace preset without any)."""
    from indicators.rating_rules import Band, Rule

    bands, name = [], "pace"
    for code, label, minimum, kind in rows:
        group, use, name = kind.split("\t")
        bands.append(Band(code, label, group, use, _decimal(minimum)))
    return Rule(name, tuple(bands)) if bands else Rule.preset()


@functools.cache
def _units() -> dict:
    from indicators.models import Unit

    return {unit.symbol: unit for unit in Unit.objects.all()}


def _survey(unit, source) -> bool:
    from indicators.models import Indicator

    return Indicator(unit=_units()[unit], source=source or "").survey_percentage


def _progress(direction, b_year, b_value, t_year, t_value, a_year, a_value, rule, *, as_of, survey):
    from indicators.progress import Point, compute_progress

    def point(year, value):
        return None if year is None else Point(year, _decimal(value))

    actual = point(a_year, a_value)
    return compute_progress(
        direction=direction,
        baseline=point(b_year, b_value),
        target=point(t_year, t_value),
        actuals=[actual] if actual else [],
        rule=rule,
        as_of=as_of,
        survey_percentage=survey,
    )


def _dumps(payload) -> bytes:
    """As DRF's JSONRenderer writes it (UNICODE_JSON, COMPACT_JSON)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def floor_indicators() -> bytes:
    """GET /api/v1/indicators/ with one statement: each indicator with its pillar's and
    section's numbers and its latest approved city-wide baseline, target and actual (window
    function, three joins), and the active rating bands (UNION ALL)."""
    from django.db import connection

    from indicators.choices import Direction
    from indicators.models import Indicator, Unit
    from infrastructure.fiscal_year import current_fiscal_year, fiscal_year_label
    from programs.models import Pillar, Section

    latest, params = _latest_values_sql(up_to=None)
    query = f"""WITH {latest}
        SELECT 0 AS part, p.number AS k1, i.position AS k2, i.code AS code, i.name, i.unit,
               i.decimal_places, i.direction, s.number, i.source, i.notes, i.derivation,
               b.fiscal_year, b.value, t.fiscal_year, t.value, a.fiscal_year, a.value
        FROM {Indicator._meta.db_table} i
        JOIN {Pillar._meta.db_table} p ON p.id = i.pillar_id
        LEFT JOIN {Section._meta.db_table} s ON s.id = i.section_id
        {_joins()}
        UNION ALL
        SELECT 1, NULL, NULL, code, label, kind, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, minimum, NULL, NULL, NULL, NULL
        FROM ({_bands_sql()}) bands
        ORDER BY 1, 2, 3, 4"""
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    rule = _bands([(r[3], r[4], r[13], r[5]) for r in rows if r[0] == 1])
    as_of = current_fiscal_year()
    units = {u.symbol: u.display_label for u in Unit.objects.all()}
    kinds = dict(Unit.objects.values_list("symbol", "kind"))
    directions = {d.value: str(d.label) for d in Direction}

    def point(p):
        if p is None:
            return None
        label = fiscal_year_label(p.fiscal_year)
        return {"fiscal_year": p.fiscal_year, "fiscal_year_label": label, "value": _plain(p.value)}

    payload = []
    for row in rows:
        if row[0] != 0:
            continue
        _, pillar, _, code, name, unit, places, direction, section, source, notes, derivation = row[
            :12
        ]
        figures = row[12:]
        progress = _progress(direction, *figures, rule, as_of=as_of, survey=_survey(unit, source))
        payload.append(
            {
                "code": code,
                "name": name,
                "unit": unit,
                "unit_label": units[unit],
                "unit_kind": kinds[unit],
                "decimal_places": places,
                "direction": direction,
                "direction_label": directions[direction],
                "pillar": pillar,
                "section": f"{pillar}-{section}" if section is not None else None,
                "source": source,
                "notes": notes.splitlines(),
                "derivation": derivation,
                "baseline": point(progress.baseline),
                "target": point(progress.target),
                "latest_actual": point(progress.latest_actual),
                "achievement_rate": None
                if progress.achievement_rate is None
                else f"{progress.achievement_rate:.1f}",
                "expected_progress": None
                if progress.expected_progress is None
                else _plain(progress.expected_progress),
                "pace": None if progress.pace is None else _plain(progress.pace),
                "status": progress.status.value,
                "status_label": progress.status_label,
                "rating": None
                if progress.rating is None
                else {"code": progress.rating.code, "label": str(progress.rating.label)},
            }
        )
    return _dumps(payload)


def floor_dashboard(year: int = DASHBOARD_YEAR) -> bytes:
    """GET /api/v1/dashboard/ (public) with one statement of five tagged parts (UNION ALL):
    each indicator's pillar, direction and latest approved city-wide baseline, target and
    actual up to the year; the rating bands; the pillars; per ward, its approved actuals and
    approved progress records of the year on what a ward reports (an initiative, or a section
    without one: a record left on a section that has since got initiatives is not counted, as
    in ``indicators.selectors.ward_completeness``; the synthetic data has such records, since
    its extra initiatives go under sections that had none), grouped counts; and the expected
    counts (indicators; initiatives plus sections without one)."""
    from django.db import connection

    from community.models import Ward
    from indicators.models import Indicator, IndicatorValue
    from indicators.progress import ProgressStatus
    from infrastructure.fiscal_year import fiscal_year_label
    from programs.models import Initiative, InitiativeProgress, Pillar, Section

    latest, params = _latest_values_sql(up_to=year)
    indicator, value = Indicator._meta.db_table, IndicatorValue._meta.db_table
    initiative, section = Initiative._meta.db_table, Section._meta.db_table
    progress_table = InitiativeProgress._meta.db_table
    query = f"""WITH {latest}
        SELECT 0 AS part, p.number AS k, i.direction AS t1, i.unit || '\t' || i.source AS t2,
               b.fiscal_year AS y1, b.value AS v1, t.fiscal_year AS y2, t.value AS v2,
               a.fiscal_year AS y3, a.value AS v3
        FROM {indicator} i JOIN {Pillar._meta.db_table} p ON p.id = i.pillar_id {_joins()}
        UNION ALL
        SELECT 1, NULL, code || '\t' || label, kind, NULL, minimum, NULL, NULL, NULL, NULL
        FROM ({_bands_sql()}) bands
        UNION ALL
        SELECT 2, number, title, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        FROM {Pillar._meta.db_table}
        UNION ALL
        SELECT 3, w.position, w.name, NULL, COALESCE(v.n, 0), NULL, COALESCE(r.n, 0),
               NULL, NULL, NULL
        FROM {Ward._meta.db_table} w
        LEFT JOIN (
            SELECT ward_id, COUNT(*) AS n FROM {value}
            WHERE fiscal_year = %s AND kind = 'actual' AND status = 'approved'
              AND ward_id IS NOT NULL
              AND indicator_id IN (SELECT id FROM {indicator} WHERE derivation = '')
            GROUP BY ward_id
        ) v ON v.ward_id = w.id
        LEFT JOIN (
            SELECT ward_id, COUNT(*) AS n FROM {progress_table} g
            WHERE fiscal_year = %s AND status = 'approved' AND ward_id IS NOT NULL
              AND (g.initiative_id IS NOT NULL OR NOT EXISTS (
                     SELECT 1 FROM {initiative} x WHERE x.section_id = g.section_id))
            GROUP BY ward_id
        ) r ON r.ward_id = w.id
        UNION ALL
        SELECT 4, NULL, NULL, NULL, (SELECT COUNT(*) FROM {indicator} WHERE derivation = ''), NULL,
               (SELECT COUNT(*) FROM {initiative})
               + (SELECT COUNT(*) FROM {section} s WHERE NOT EXISTS (
                     SELECT 1 FROM {initiative} x WHERE x.section_id = s.id)),
               NULL, NULL, NULL
        ORDER BY 1, 2"""
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, year, year])
        rows = cursor.fetchall()
    parts = defaultdict(list)
    for row in rows:
        parts[row[0]].append(row[1:])
    rule = _bands(
        [(*text.split("\t"), m, kind) for _, text, kind, _, m, *_ in parts[1]]  # code, label
    )
    by_pillar = defaultdict(list)
    for pillar, direction, unit_source, *figures in parts[0]:
        unit, source = unit_source.split("\t", 1)
        survey = _survey(unit, source)
        by_pillar[pillar].append(_progress(direction, *figures, rule, as_of=year, survey=survey))
    pillars = []
    for number, title, *_ in parts[2]:
        own = by_pillar[number]
        counts = dict.fromkeys(ProgressStatus.values, 0)
        for p in own:
            counts[p.status.value] += 1
        rates = [p.achievement_rate for p in own if p.achievement_rate is not None]
        mean = (sum(rates) / len(rates)).quantize(Decimal("0.1")) if rates else None
        pillars.append(
            {
                "number": number,
                "title": title,
                "indicators": len(own),
                "by_status": counts,
                "mean_achievement_rate": None if mean is None else f"{mean:.1f}",
            }
        )
    _, _, _, expected_values, _, expected_progress, *_ = parts[4][0]

    def completeness(expected: int, approved: int) -> dict:
        return {
            "expected": expected,
            "approved": approved,
            "missing": max(expected - approved, 0),
            "completeness": round(approved / expected, 3) if expected else None,
        }

    wards = [
        {
            "ward": name,
            "indicator_values": completeness(expected_values, values),
            "initiative_progress": completeness(expected_progress, reports),
        }
        for _, name, _, values, _, reports, *_ in parts[3]
    ]
    payload = {
        "fiscal_year": year,
        "fiscal_year_label": fiscal_year_label(year),
        "pillars": pillars,
        "wards": wards,
    }
    return _dumps(payload)


# --- Timing --------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    url: str
    floor: Callable[[], bytes]


def endpoints() -> list[Endpoint]:
    return [
        Endpoint("dashboard/", f"/api/v1/dashboard/?fiscal_year={DASHBOARD_YEAR}", floor_dashboard),
        Endpoint("indicators/", "/api/v1/indicators/", floor_indicators),
    ]


def first_difference(served, own, path: str = "$") -> str:
    """Where two JSON documents first differ, to say what the floor must catch up with."""
    if isinstance(served, dict) and isinstance(own, dict):
        for key in served.keys() | own.keys():
            if served.get(key, ...) != own.get(key, ...):
                return first_difference(served.get(key), own.get(key), f"{path}.{key}")
    if isinstance(served, list) and isinstance(own, list) and len(served) == len(own):
        for n, (a, b) in enumerate(zip(served, own, strict=True)):
            if a != b:
                return first_difference(a, b, f"{path}[{n}]")
    shown = [json.dumps(doc, ensure_ascii=False)[:200] for doc in (served, own)]
    return f"at {path}: endpoint {shown[0]}, floor {shown[1]}"


def percentile(samples: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (``statistics.quantiles`` inclusive)."""
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(repeat: int) -> tuple[dict, dict]:
    """{(endpoint, mode): [ms…]} and {(endpoint, mode): (queries, bytes)}."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    client = Client()

    def get(url: str):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.content[:300]!r}")
        return response

    def floor(endpoint: Endpoint) -> bytes:
        with translation.override("ja"):
            return endpoint.floor()

    details = {}
    for endpoint in endpoints():
        for _ in range(3):  # warm up: imports, URL resolver, translations, statement caches
            cache.clear()
            get(endpoint.url)
            get(endpoint.url)
            floor(endpoint)
        served, own = json.loads(get(endpoint.url).content), json.loads(floor(endpoint))
        if served != own:
            raise RuntimeError(
                f"the floor of {endpoint.name} no longer builds the endpoint's payload "
                f"({first_difference(served, own)}): update it in scripts/bench.py"
            )
        cache.clear()
        for mode in ("cold", "cached"):
            with CaptureQueriesContext(connection) as queries:
                response = get(endpoint.url)
            details[endpoint.name, mode] = (len(queries), len(response.content))
        details[endpoint.name, "floor"] = (1, len(floor(endpoint)))

    samples: dict[tuple[str, str], list[float]] = defaultdict(list)
    clock = time.perf_counter
    for _ in range(repeat):
        for endpoint in endpoints():
            gc.collect()
            start = clock()
            floor(endpoint)
            samples[endpoint.name, "floor"].append((clock() - start) * 1000)
            cache.clear()
            start = clock()
            get(endpoint.url)
            samples[endpoint.name, "cold"].append((clock() - start) * 1000)
            start = clock()
            get(endpoint.url)
            samples[endpoint.name, "cached"].append((clock() - start) * 1000)
    return samples, details


def report(samples: dict, details: dict, *, scale: str) -> None:
    """The table; the goals are judged at full scale only (at small scale fixed per-request
    costs dominate: docs/performance.md)."""
    header = ("endpoint", "mode", "p50 ms", "p95 ms", "x floor", "goal", "met?", "queries", "bytes")
    lines = [header]
    for endpoint in endpoints():
        floor_p50 = statistics.median(samples[endpoint.name, "floor"])
        for mode in ("floor", "cold", "cached"):
            values = samples[endpoint.name, mode]
            p50, p95 = statistics.median(values), percentile(values, 0.95)
            ratio = p50 / floor_p50
            goal = GOALS.get(mode) if scale == "full" else None
            queries, size = details[endpoint.name, mode]
            lines.append(
                (
                    endpoint.name,
                    mode,
                    f"{p50:.2f}",
                    f"{p95:.2f}",
                    f"{ratio:.2f}",
                    f"<= {goal}x" if goal else "",
                    ("yes" if ratio <= goal else "NO") if goal else "",
                    str(queries),
                    str(size),
                )
            )
    widths = [max(len(line[k]) for line in lines) for k in range(len(header))]
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("\nx floor = p50 of the mode / p50 of the floor, measured in the same run.")


def profile(repeat: int) -> None:
    """cProfile over ``repeat`` cold requests of each endpoint: where cold time goes."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    for endpoint in endpoints():
        profiler = cProfile.Profile()
        for _ in range(repeat):
            cache.clear()
            profiler.enable()
            client.get(endpoint.url)
            profiler.disable()
        print(f"\n--- cProfile: {repeat} cold GET {endpoint.url} ---")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)


def describe_machine(vendor: str) -> str:
    from django.db import connection

    model = platform.processor() or platform.machine()
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
            model,
        )
    except OSError:
        pass
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return (
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {model}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {vendor} {version}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--repeat", type=int, default=50, help="rounds of timing (>= 2)")
    parser.add_argument("--profile", action="store_true", help="then cProfile cold requests")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    if args.repeat < 2:
        parser.error("--repeat must be at least 2")

    database = BenchDatabase(keep=args.keep)
    configure_environment(database)
    database.create()
    try:
        import django

        django.setup()
        from django.db import connection

        started = time.perf_counter()
        counts = build_data(SCALES[args.scale])
        built = time.perf_counter() - started
        print(f"bench: {describe_machine(connection.vendor)}")
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        print(
            f"data ({args.scale}, built in {built:.1f} s): "
            + ", ".join(f"{n:,} {name}" for name, n in counts.items())
        )
        print(f"rounds: {args.repeat}\n")
        samples, details = measure(args.repeat)
        report(samples, details, scale=args.scale)
        if args.profile:
            profile(min(args.repeat, 20))
        connection.close()
    finally:
        database.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
