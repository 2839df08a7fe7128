"""/favicon.ico, which browsers ask for whatever a page links (the pages link the SVG, the
admin and other clients take this one): a redirect to the static file, under its current
(hashed) name, so a new icon is picked up on the next deployment."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe


@require_safe
def favicon(request):
    response = HttpResponseRedirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
