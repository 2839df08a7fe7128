"""The OpenAPI schema's title names the plan the installation serves, from the data (the
settings hold no city's name)."""


def title_from_plan(result, generator, request, public):
    """A drf-spectacular postprocessing hook: ``info.title`` is the site's name (the
    current plan's title, in Japanese) followed by API. Before the database is migrated
    (``manage.py spectacular`` in a build), the settings' generic title stays."""
    from django.db import DatabaseError
    from django.utils import translation

    from programs.selectors import site_title

    try:
        with translation.override("ja"):
            title = site_title()
    except DatabaseError:
        return result
    result.setdefault("info", {})["title"] = f"{title} API"
    return result
