"""What the indicators do when others' data change: refresh the summaries after an approval,
recompute the derived indicators when the community records they count change. (Which of
the indicators' own models move the cache generation on: ``IndicatorsConfig.ready``.)"""

from django.dispatch import receiver

from community.signals import counted_records_changed
from infrastructure.jobs.services import job_create
from infrastructure.workflow import approved_data_changed

from .derived import DERIVATIONS_COUNTING


@receiver(approved_data_changed)
def queue_summary_refresh(sender, record, **kwargs):
    """An approval (or a reopening) changes what the public summaries show: recompute them
    in the worker once it commits. The job row is written in the approval's transaction, so the
    refresh is not lost if the broker is down (beat sends it later)."""
    from .tasks import REFRESH_SUMMARIES

    job_create(
        kind=REFRESH_SUMMARIES,
        params={"fiscal_years": [record.fiscal_year]},
        reuse_queued=True,
    )


@receiver(counted_records_changed)
def queue_derived_recompute(sender, fiscal_years, user, **kwargs):
    """A community record that a derived indicator counts changed: recompute that indicator
    for those years in the worker. Through the job outbox, in the writer's transaction, so
    that a write while Redis is down still answers and the recompute is sent later."""
    from .tasks import RECOMPUTE_DERIVED

    for derivation in DERIVATIONS_COUNTING.get(sender._meta.label, ()):
        job_create(
            kind=RECOMPUTE_DERIVED,
            user=user,
            params={"derivation": derivation, "fiscal_years": fiscal_years},
            reuse_queued=True,
        )
