#!/usr/bin/env python
"""Requests per second and p99 under load, through gunicorn with production settings.

    python scripts/loadtest.py [--requests N] [--seconds S] [--concurrency C] [--rounds R]
        [--port P]

Goals (docs/performance.md): the cached API at ≥ 0.6× and the front page at ≥ 0.3× the requests
per second of a static file (the floor: WhiteNoise, no database), measured in the same run.
Like scripts/bench_pages.py it works in a throwaway SQLite database (migrate, load_plan,
load_demo_data) and a throwaway STATIC_ROOT, and never touches the developer's. gunicorn
listens on 127.0.0.1 only, on a port free at the time; the load is bounded: at most N requests
per URL and S seconds per URL, from C threads of ``http.client``, in R rounds in which the URLs
take turns (``--rounds``), the requests as from 200 visitors in turn (``X-Forwarded-For`` with
``NUM_PROXIES=1``). Exits 1 on any error (a status other than 200, a refused or broken
connection); the goals are reported, not enforced.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# (label, path, goal as a share of the static floor's requests per second)
URLS = [
    ("static file (floor)", "/static/css/site.css", None),
    ("/", "/", 0.3),
    ("/api/v1/indicators/", "/api/v1/indicators/", 0.6),
    ("/api/v1/dashboard/", "/api/v1/dashboard/?fiscal_year=2019", 0.6),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def production_env(folder: str, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        DEBUG="false",
        SECRET_KEY="loadtest-" * 8,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS=HOST,
        STATIC_ROOT=f"{folder}/static",
        DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings",
        # As behind one reverse proxy, from VISITORS addresses in turn: the anonymous throttle
        # runs on every request with about as much history per address as at its production
        # rate, raised so that it never trips. (From one address, its history, read and
        # written on every request, would grow to every request of the last minute; from a new
        # address each time, its entries would crowd the summaries out of the local cache.)
        NUM_PROXIES="1",
        API_ANON_RATE="1000000/minute",
        GUNICORN_BIND=f"{HOST}:{port}",
        GUNICORN_MAX_REQUESTS="0",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(env: dict[str, str]) -> None:
    manage = [sys.executable, "manage.py"]
    for command in (
        ["collectstatic", "--noinput"],
        ["migrate", "--noinput"],
        ["load_plan"],
        ["load_demo_data", "--force"],
    ):
        subprocess.run(
            [*manage, *command, "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def start_gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", "kumamoto_welfare.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


VISITORS = 200
_visitors = itertools.cycle(range(1, VISITORS + 1))
_visitors_lock = threading.Lock()


def visitor() -> str:
    """The next visitor's address (10.0.0.1 … 10.0.0.200, then again)."""
    with _visitors_lock:
        n = next(_visitors)
    return f"10.0.{n >> 8}.{n & 255}"


def get(port: int, path: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    headers = {"Host": HOST, "Accept-Language": "ja", "X-Forwarded-For": visitor()}
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


def wait_ready(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")


def load(port: int, path: str, requests: int, seconds: float, concurrency: int) -> dict:
    """At most ``requests`` GETs of ``path`` and at most ``seconds``, from ``concurrency``
    threads; latencies in milliseconds."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal issued
        while True:
            with lock:
                if issued >= requests or time.monotonic() >= deadline:
                    return
                issued += 1
            start = time.perf_counter()
            try:
                status, _size = get(port, path)
            except OSError as error:
                status, failure = None, f"{type(error).__name__}: {error}"
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append(failure if status is None else f"HTTP {status}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "wall": time.perf_counter() - began}


def summary(parts: list[dict]) -> dict:
    """One URL's rounds together: requests per second over the time spent on it."""
    latencies = [ms for part in parts for ms in part["latencies"]]
    errors = [error for part in parts for error in part["errors"]]
    wall = sum(part["wall"] for part in parts)
    done = len(latencies) + len(errors)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else []
    return {
        "requests": done,
        "rps": done / wall if wall else 0.0,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": cuts[98] if cuts else float("nan"),
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="at most, per URL")
    parser.add_argument("--seconds", type=float, default=20.0, help="at most, per URL")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=100, help="requests per URL, not counted")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="the URLs take turns this many times, each with its share of the budget",
    )
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py's)"
    )
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="kumamoto-welfare-loadtest-")
    port = args.port or free_port()
    env = production_env(folder, port)
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    log = Path(folder) / "gunicorn.log"
    server = None
    failed = False
    try:
        prepare(env)
        server = start_gunicorn(env, log)
        wait_ready(port, server)
        for _label, path, _goal in URLS:
            # Concurrent, so that every worker fills its own (local-memory) cache.
            warm = summary([load(port, path, args.warmup, 60, 2 * args.concurrency)])
            if warm["errors"]:
                raise RuntimeError(f"warm-up: {path}: {sorted(set(warm['errors']))[:3]}")
        # In rounds, the URLs taking turns, so that a change in what else the machine does
        # meanwhile falls on every URL alike rather than on whichever was measured then.
        rounds = max(1, args.rounds)
        parts: dict[str, list[dict]] = {path: [] for _label, path, _goal in URLS}
        for turn in range(rounds):
            for _label, path, _goal in URLS:
                share = args.requests // rounds + (1 if turn < args.requests % rounds else 0)
                parts[path].append(load(port, path, share, args.seconds / rounds, args.concurrency))
        results = [(label, goal, summary(parts[path])) for label, path, goal in URLS]
        floor = results[0][2]["rps"]
        print(
            f"gunicorn ({env.get('WEB_CONCURRENCY', 'workers from the CPU count')} workers), "
            f"{args.concurrency} connections, at most {args.requests} requests or "
            f"{args.seconds:g} s per URL, in {rounds} rounds, loopback"
        )
        print(
            f"| {'URL':<22} | {'requests':>8} | {'rps':>7} | {'p50 ms':>7} | {'p99 ms':>7} "
            f"| {'errors':>6} | {'× floor':>7} | {'goal':<6} | met? |"
        )
        print(
            f"|{'-' * 24}|{'-' * 9}:|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 7}:|{'-' * 8}:|"
            f"{'-' * 8}|------|"
        )
        for label, goal, r in results:
            ratio = r["rps"] / floor if floor else 0.0
            met = "" if goal is None else ("yes" if ratio >= goal else "NO")
            goal_text = "" if goal is None else f"≥ {goal:g}×"
            print(
                f"| {label:<22} | {r['requests']:>8} | {r['rps']:>7.0f} | {r['p50']:>7.1f} "
                f"| {r['p99']:>7.1f} | {len(r['errors']):>6} | {ratio:>7.2f} | {goal_text:<6} "
                f"| {met:<4} |"
            )
            if r["errors"]:
                failed = True
                print(f"  errors on {label}: {sorted(set(r['errors']))[:5]}", file=sys.stderr)
    except (RuntimeError, subprocess.CalledProcessError, OSError) as error:
        failed = True
        print(f"loadtest failed: {error}", file=sys.stderr)
        if log.exists():
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
