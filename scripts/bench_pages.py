#!/usr/bin/env python
"""Server time of the planners' pages with the sample data: p50 and p95 per page.

    python scripts/bench_pages.py [--repeat N]

Goal (docs/performance.md): the front page's HTML under 100 ms. Like scripts/bench.py it
works in a throwaway SQLite database (migrate, load_plan, load_demo_data) and never touches
the developer's; it measures, it does not fail.
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
    client = Client()
    print(f"pages with the sample data, {args.repeat} requests each, server time (test client)")
    print(f"{'page':<24}{'p50 ms':>9}{'p95 ms':>9}  goal")
    for page in PAGES:
        client.get(page)  # warm the code paths
        samples = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(page)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        p50 = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[-1]
        goal = GOAL_MS.get(page)
        verdict = "" if goal is None else f"< {goal:.0f} ms: {'yes' if p50 < goal else 'NO'}"
        print(f"{page:<24}{p50:>9.1f}{p95:>9.1f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
