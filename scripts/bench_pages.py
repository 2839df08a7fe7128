#!/usr/bin/env python
"""Server time of the planners' pages with the sample data, cold and cached: p50 and p95
per page, with the SQL queries of one request.

    python scripts/bench_pages.py [--repeat N]

Cold: before each request the response cache and the summaries' cache are emptied (the data
generation moved on, then ``cache.clear()``), so the page does all its work. Cached: the same
request again at once, answered from the anonymous response cache. Goal (docs/performance.md):
the front page's HTML under 100 ms cold. Like scripts/bench.py it works in a throwaway SQLite
database (migrate, load_plan, load_demo_data) and never touches the developer's; it
measures, it does not fail.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The first ward's page is added once the plan (and so the wards) is loaded.
PAGES = ["/", "/pillars/1/", "/indicators/KPI-1-1/", "/reports/2019/"]
GOAL_MS = {"/": 100.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="kumamoto-welfare-bench-pages-")
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        DEBUG="false",
        SECRET_KEY="bench-" * 10,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=f"{folder}/static",
        DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    # As in production: DEBUG off, collected static files with a manifest.
    for command, options in (
        ("collectstatic", {"interactive": False}),
        ("migrate", {}),
        ("load_plan", {}),
        ("load_demo_data", {"force": True}),
    ):
        call_command(command, verbosity=0, **options)
    from community.models import Ward

    PAGES.insert(3, f"/wards/{Ward.objects.first().name}/")
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from infrastructure.response_cache import bump_generation

    def cold() -> None:
        bump_generation()
        cache.clear()

    client = Client()

    def get(page: str):
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        return response

    print(f"pages with the sample data, {args.repeat} rounds, server time (test client)")
    print(f"{'page':<24}{'mode':<8}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}  goal (cold, p50)")
    for page in PAGES:
        for _ in range(2):  # warm the code paths, both ways
            cold()
            get(page)
            get(page)
        queries = {}
        for mode in ("cold", "cached"):
            if mode == "cold":
                cold()
            with CaptureQueriesContext(connection) as captured:
                get(page)
            queries[mode] = len(captured)
        samples: dict[str, list[float]] = {"cold": [], "cached": []}
        for _ in range(args.repeat):  # each round: cold, then cached, so drift hits both
            cold()
            for mode in ("cold", "cached"):
                start = time.perf_counter()
                get(page)
                samples[mode].append((time.perf_counter() - start) * 1000)
        for mode in ("cold", "cached"):
            p50 = statistics.median(samples[mode])
            p95 = statistics.quantiles(samples[mode], n=20)[-1]
            goal = GOAL_MS.get(page) if mode == "cold" else None
            verdict = "" if goal is None else f"< {goal:.0f} ms: {'yes' if p50 < goal else 'NO'}"
            print(f"{page:<24}{mode:<8}{p50:>9.1f}{p95:>9.1f}{queries[mode]:>9}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
