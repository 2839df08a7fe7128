"""Kumamoto City community-welfare plan (熊本市地域福祉計画): project package."""

from .celery import app as celery_app

__all__ = ("celery_app",)
