"""Every change to progress data moves the summaries' cache generation on (see selectors)."""

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
        bump_generation()
