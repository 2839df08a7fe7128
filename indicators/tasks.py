"""Tasks of the indicators app: thin, fetch by id, call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from .derived import derived_values_recompute


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,  # idempotent: it makes the values match the records, whatever ran before
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=270,
)
def recompute_derived_values(
    *, derivation: str, fiscal_years: list[int] | None, user_id: int | None
) -> dict[str, int]:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return derived_values_recompute(derivation=derivation, fiscal_years=fiscal_years, user=user)
