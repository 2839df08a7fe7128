"""The Celery application. Settings come from Django's CELERY_* settings.

Without REDIS_URL, tasks run eagerly in the calling process (CELERY_TASK_ALWAYS_EAGER), so the
embedded default needs no broker; with it, Redis is the broker and the result backend.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_welfare.settings")

app = Celery("kumamoto_welfare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
