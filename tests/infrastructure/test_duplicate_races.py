"""Twenty people create the same figure at the same moment: one gets it, the others get the
400 a sequential duplicate gets, never a 500.

Reproduces issue 18, item 8: on PostgreSQL every writer passed ``full_clean``'s uniqueness
check before any had committed, and the losers' inserts then failed with ``IntegrityError``
(``indicator_value_unique_per_ward``, ``evaluation_unique_pillar_stage`` …): up to 12 of 20
answers were 500. The fix is in the services' one save (``infrastructure.uniqueness``), so
the API, the admin and imports all answer alike. On SQLite (IMMEDIATE transactions: one
writer at a time) the writers queue and the same answers come back.

Real concurrency: pytest-django's threaded live server, each request thread with its own
database connection, the writers released together by a barrier.
"""

from __future__ import annotations

import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from knox.models import AuthToken

from tests.infrastructure.test_concurrency import call

WRITERS = 20

CASES = {
    "indicator-values": {
        "indicator": "KPI-3-1",
        "ward": "中央区",
        "fiscal_year": 2016,
        "kind": "actual",
        "value": "120000",
    },
    "evaluations": {
        "fiscal_year": 2016,
        "pillar": 1,
        "stage": "secondary",
        "rating": "B",
        "analysis": "見守り活動の担い手は増えた。",
        "direction": "continue",
    },
    "initiative-progress": {
        "initiative": "1-2-1",
        "ward": "中央区",
        "fiscal_year": 2016,
        "state": "in_progress",
    },
}


def _post(url: str, token: str, body: dict, start: threading.Barrier | None = None):
    opener = urllib.request.build_opener()
    if start is not None:
        start.wait()
    status, _headers, answer = call(
        opener, "POST", url, body, {"Authorization": f"Token {token}", "Accept-Language": "ja"}
    )
    return status, answer


@pytest.mark.usefixtures("committed_db")
@pytest.mark.parametrize("endpoint", list(CASES))
def test_twenty_concurrent_duplicates_are_one_201_and_nineteen_400s(live_server, planner, endpoint):
    _instance, token = AuthToken.objects.create(user=planner)
    url = f"{live_server.url}/api/v1/{endpoint}/"
    body = CASES[endpoint]
    start = threading.Barrier(WRITERS)
    with ThreadPoolExecutor(WRITERS) as pool:
        answers = list(pool.map(lambda _i: _post(url, token, body, start), range(WRITERS)))

    statuses = sorted(status for status, _answer in answers)
    assert statuses == [201] + [400] * (WRITERS - 1), answers
    # The losers are told what a sequential duplicate is told, word for word.
    sequential_status, sequential = _post(url, token, body)
    assert sequential_status == 400
    assert "すでに登録されています" in sequential["error"]["message"]
    for status, answer in answers:
        if status == 400:
            assert answer["error"] == sequential["error"], answer
