"""After an approval the worker recomputes the summaries, so the next reader hits a warm
cache."""

from django.core.cache import cache
from django.utils import translation

from indicators.selectors import generation
from infrastructure.fiscal_year import current_fiscal_year
from infrastructure.jobs.models import Job, JobStatus
from infrastructure.workflow import Status
from tests.api.conftest import client_for
from tests.factories import value

from .conftest import wait_for_job

YEAR = 2015


def dashboard_key(year: int, scope: str = "public", language: str = "ja") -> str:
    from programs.selectors import current_plan

    # indicators.selectors.cached: the name, the generation, the tenant (none: all), the parts.
    return f"dashboard:{generation()}:all:{year}:{scope}:{current_plan().pk}:{language}"


def approve(planner, record):
    return client_for(planner).post(
        f"/api/v1/indicator-values/{record.pk}/approve/", HTTP_IF_MATCH=record.etag
    )


def test_an_approval_queues_one_refresh_on_commit(planner, django_capture_on_commit_callbacks):
    first = value(fiscal_year=YEAR, ward_code="chuo", status=Status.SUBMITTED)
    second = value(fiscal_year=YEAR, ward_code="higashi", status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert approve(planner, first).status_code == 200
        assert approve(planner, second).status_code == 200
    job = Job.objects.get(kind="refresh_summaries")  # one job for both approvals
    assert job.params == {"fiscal_years": [YEAR]}
    assert callbacks  # sent only once the approval commits


def test_reopening_an_approved_record_queues_a_refresh_too(
    planner, django_capture_on_commit_callbacks
):
    record = value(fiscal_year=YEAR, ward_code="chuo", status=Status.APPROVED)
    submitted = value(fiscal_year=YEAR, ward_code="higashi", status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=False):
        returned = client_for(planner).post(
            f"/api/v1/indicator-values/{submitted.pk}/return/",
            {"comment": "確認を"},
            HTTP_IF_MATCH=submitted.etag,
            format="json",
        )
        assert returned.status_code == 200
        assert not Job.objects.filter(kind="refresh_summaries").exists()  # nothing approved moved
        reopened = client_for(planner).post(
            f"/api/v1/indicator-values/{record.pk}/reopen/",
            {"comment": "数値の訂正"},
            HTTP_IF_MATCH=record.etag,
            format="json",
        )
        assert reopened.status_code == 200
    assert Job.objects.get(kind="refresh_summaries").params == {"fiscal_years": [YEAR]}


def test_without_a_broker_the_refresh_runs_on_commit(
    eager, planner, django_capture_on_commit_callbacks
):
    record = value(fiscal_year=YEAR, ward_code="chuo", status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert approve(planner, record).status_code == 200
    assert Job.objects.get(kind="refresh_summaries").status == JobStatus.SUCCEEDED
    # (Inside the test's transaction nothing is cached; the worker test checks the cache.)


def test_the_cache_is_warm_after_an_approval_through_a_real_worker(worker, planner):
    record = value(fiscal_year=YEAR, ward_code="chuo", status=Status.SUBMITTED)
    assert approve(planner, record).status_code == 200
    job = wait_for_job(Job.objects.get(kind="refresh_summaries").pk)
    assert job.status == JobStatus.SUCCEEDED, job.error

    for language in ("ja", "en"):
        assert cache.get(dashboard_key(YEAR, "public", language)) is not None
        assert cache.get(dashboard_key(YEAR, "city-wide", language)) is not None
        with translation.override(language):
            key = f"indicators:{generation()}:all:{current_fiscal_year()}:{language}"
            assert cache.get(key) is not None
    warm = cache.get(dashboard_key(YEAR))
    chuo = next(w for w in warm["wards"] if w["ward"] == "中央区")
    assert chuo["indicator_values"]["approved"] == 1  # the approval is in it

    # The next reader is served that very payload.
    assert client_for().get(f"/api/v1/dashboard/?fiscal_year={YEAR}").json() == warm


def test_only_progress_data_moves_the_summaries_generation_on(db):
    from community.models import OrganisationType
    from indicators.selectors import generation
    from tests.factories import value

    before = generation()
    OrganisationType.objects.create(code="test-type", name="試験", position=999)  # not progress
    assert generation() == before
    value(indicator="KPI-3-1", ward_code="chuo", fiscal_year=2015, amount="20")
    assert generation() > before


def test_an_edit_of_the_plans_content_moves_the_generation_on(db):
    """The cached public pages show the plan's text too: a planner's edit must not wait for
    the cache to expire."""
    from indicators.selectors import generation
    from programs.models import Initiative

    initiative = Initiative.objects.first()
    before = generation()
    initiative.title += "（改）"
    initiative.save()
    assert generation() > before
