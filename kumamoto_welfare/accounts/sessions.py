"""Staff sessions end after ``SESSION_IDLE_MINUTES`` without a request and
``SESSION_MAX_HOURS`` after login, whatever happens in between."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

STARTED = "accounts_started_at"
SEEN = "accounts_seen_at"
# The last request is written down at most once a minute, not on every request.
SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) is not None:
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session) -> None:
        now = time.time()
        started = session.get(STARTED)
        seen = session.get(SEEN)
        if started is None:  # a session from before the limits: they count from now
            started = session[STARTED] = now
        idle = seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60
        too_old = now - started > settings.SESSION_MAX_HOURS * 60 * 60
        if idle or too_old:
            logout(request)
            if not request.path.startswith("/api/"):
                messages.warning(
                    request,
                    _(
                        "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。"
                    )
                    if idle
                    else _(
                        "ログインから時間が経ったため、ログアウトしました。もう一度ログインしてください。"
                    ),
                )
            return
        if seen is None or now - seen >= SEEN_RESOLUTION:
            session[SEEN] = now
