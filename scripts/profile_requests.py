#!/usr/bin/env python
"""Where a warm request's time goes, under cProfile, with the settings of ``make loadtest``.

    python scripts/profile_requests.py [--requests N] [--top K] [--sort KEY] [PATH ...]

The same throwaway folder and settings as scripts/loadtest.py (a SQLite database with the
plan and the sample data, collected static files, ``DEBUG=false``, local-memory cache), but
in one process and without a server: each request is a WSGI call of the application, as
gunicorn makes it, from 200 visitors in turn. Each path is warmed first, then profiled over N
requests; the K functions with the most cumulative time are printed, and the mean CPU time of
a request without the profiler (CPU time, so that other processes on the machine count
less). Default paths: those of the load test. ``--sort tottime`` for the costliest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from loadtest import URLS, prepare, production_env, visitor  # noqa: E402


def environ(path: str) -> dict:
    route, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_LANGUAGE": "ja",
        "HTTP_X_FORWARDED_FOR": visitor(),
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(application, path: str) -> int:
    status = []
    body = application(environ(path), lambda s, h, exc_info=None: status.append(s))
    try:
        for _chunk in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    return int(status[0].split()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[path for _label, path, _goal in URLS])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="cumulative, tottime …")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="kumamoto-welfare-profile-")
    try:
        env = production_env(folder, 8000)
        prepare(env)
        os.environ.update(env)
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.core.handlers.wsgi import WSGIHandler

        application = WSGIHandler()
        for path in args.paths:
            for _ in range(20):
                assert call(application, path) == 200, path
            started = time.process_time()  # CPU time: other processes on the machine don't count
            for _ in range(args.requests):
                call(application, path)
            mean = (time.process_time() - started) / args.requests * 1000
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                call(application, path)
            profiler.disable()
            print(f"\n=== {path}: {mean:.3f} ms of CPU a request without the profiler ===")
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(args.top)
            if os.environ.get("PROFILE_CALLERS"):
                stats.print_callers(os.environ["PROFILE_CALLERS"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
