"""Every change to progress data, or to the plan content and city the public pages show, moves
the summaries' and pages' cache generation on (kumamoto_welfare.response_cache)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from community.signals import counted_records_changed
from kumamoto_welfare.jobs.services import job_create
from kumamoto_welfare.response_cache import bump_generation
from kumamoto_welfare.workflow import approved_data_changed

from .derived import DERIVATIONS_COUNTING

PROGRESS_MODELS = (
    "indicators.IndicatorValue",
    "indicators.Target",
    "indicators.Indicator",
    "indicators.RatingBand",
    "indicators.RatingRule",
    "programs.InitiativeProgress",
    # The plan's content and the city, which the cached public pages show too.
    "programs.Plan",
    "programs.PriorityArea",
    "programs.Pillar",
    "programs.Section",
    "programs.Challenge",
    "programs.Initiative",
    "programs.Action",
    "programs.Figure",
    "community.Municipality",
    "community.Ward",
    # The directory, which the cached search results show.
    "community.CommunityResource",
)


def progress_data_changed(sender, **kwargs):
    # Now, so this transaction's own reads recompute; and on commit, so that nothing
    # computed meanwhile from the uncommitted rows outlives them.
    bump_generation()
    transaction.on_commit(bump_generation)


# Connected to the progress models alone (lazy labels), not to every model's saves.
for _label in PROGRESS_MODELS:
    post_save.connect(progress_data_changed, sender=_label, dispatch_uid=f"progress-{_label}")
    post_delete.connect(progress_data_changed, sender=_label, dispatch_uid=f"progress-del-{_label}")


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
