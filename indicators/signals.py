"""Every change to progress data moves the summaries' cache generation on (see selectors)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .selectors import bump_generation

PROGRESS_MODELS = (
    "indicators.IndicatorValue",
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
