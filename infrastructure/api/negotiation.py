"""DRF's content negotiation, its choice remembered.

Which renderer answers depends only on the view's renderers, the ``?format=`` asked for and
the ``Accept`` header, and the same few combinations come again and again: parsing the
header and matching it against every renderer was a tenth of the time of an API answer
served from the cache (scripts/profile_requests.py). The choice is kept per process for the
last few hundred combinations; whatever DRF refuses (406, an unknown format's 404) is
refused again each time, as DRF does.
"""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation

REMEMBERED = 256


class RememberingContentNegotiation(DefaultContentNegotiation):
    _chosen: dict[tuple, tuple[int, str]] = {}

    def select_renderer(self, request, renderers, format_suffix=None):
        format = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        key = (
            tuple(type(renderer) for renderer in renderers),
            format,
            request.META.get("HTTP_ACCEPT"),
        )
        known = self._chosen.get(key)
        if known is not None:
            index, media_type = known
            return renderers[index], media_type
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        if len(self._chosen) >= REMEMBERED:  # many odd headers: start again, stay small
            self._chosen.clear()
        self._chosen[key] = (renderers.index(renderer), media_type)
        return renderer, media_type
