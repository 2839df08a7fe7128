"""WSGI entry point (gunicorn kumamoto_welfare.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_welfare.settings")

application = get_wsgi_application()
