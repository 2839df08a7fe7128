"""A job kind for the crash tests (tests/jobs/test_dead_jobs.py), imported by the test and by
the worker subprocess it starts (``celery worker --include tests.jobs.crash_jobs``).

Its first run writes a marker file and then hangs until its worker is killed; a later run
finds the marker and finishes at once. It has a queue of its own, so that only the worker
subprocesses of the test take it, never the test session's own worker thread."""

from __future__ import annotations

import os
import time
from pathlib import Path

from infrastructure.jobs.services import job_handler

KIND = "test_crash"
QUEUE = "kw-test-crash"


@job_handler(KIND, queue=QUEUE)
def _crash(job, progress) -> dict:
    marker = Path(job.params["marker"])
    progress(0, 1)
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(600)  # the test kills the worker here
    progress(1, 1)
    return {"pid": os.getpid()}
