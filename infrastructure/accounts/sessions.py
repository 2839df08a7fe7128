"""Staff sessions end after ``SESSION_IDLE_MINUTES`` without a request and
``SESSION_MAX_HOURS`` after login, whatever happens in between; ``sessions_end`` ends all of
an account's sessions at once (a password change)."""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils import timezone
from django.utils.translation import gettext as _

STARTED = "accounts_started_at"
SEEN = "accounts_seen_at"
# The last request is written down at most once a minute, not on every request.
SEEN_RESOLUTION = 60


def sessions_end(*, user) -> int:
    """Delete every stored session signed in as ``user``; the number deleted.

    Sessions are kept in the database (``SESSION_ENGINE``, Django's default, or ``cached_db``),
    where they can be found by their user. With a store that cannot be searched (``cache``,
    ``signed_cookies``) nothing is deleted here; Django still refuses a session whose
    password hash is stale at its next request."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    get_model = getattr(store_class, "get_model_class", None)
    if get_model is None:
        return 0
    user_id = str(user.pk)
    store = store_class()
    ended = 0
    rows = get_model().objects.filter(expire_date__gt=timezone.now())
    for key, data in rows.values_list("session_key", "session_data").iterator():
        if str(store.decode(data).get(SESSION_KEY)) == user_id:
            store_class(key).delete()  # the row, and the cached copy with cached_db
            ended += 1
    return ended


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
