"""A municipality's community-welfare plan (地域福祉計画): project package. The municipality
and its plan are data (programs/data/plan/)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
