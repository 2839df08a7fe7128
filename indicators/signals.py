"""Every change to progress data moves the summaries' cache generation on (see selectors)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kumamoto_welfare.workflow import approved_data_changed

from .selectors import bump_generation

PROGRESS_MODELS = (
    "indicators.IndicatorValue",
    "indicators.Target",
    "indicators.Indicator",
    "indicators.RatingBand",
    "indicators.RatingScale",
    "programs.InitiativeProgress",
)


@receiver(post_save)
@receiver(post_delete)
def progress_data_changed(sender, **kwargs):
    if sender._meta.label in PROGRESS_MODELS:
        # Now, so this transaction's own reads recompute; and on commit, so that nothing
        # computed meanwhile from the uncommitted rows outlives them.
        bump_generation()
        transaction.on_commit(bump_generation)


@receiver(approved_data_changed)
def queue_summary_refresh(sender, record, **kwargs):
    """An approval (or a reopening) changes what the public summaries show: recompute them
    in the worker once it commits. The job row is written in the approval's transaction, so the
    refresh is not lost if the broker is down (beat sends it later)."""
    from kumamoto_welfare.jobs.services import job_create

    from .tasks import REFRESH_SUMMARIES

    job_create(
        kind=REFRESH_SUMMARIES,
        params={"fiscal_years": [record.fiscal_year]},
        reuse_queued=True,
    )
