from rest_framework.pagination import PageNumberPagination

EXPORT_FORMATS = {"csv", "xlsx"}


class Pagination(PageNumberPagination):
    """Pages of 50 (``page_size`` up to 500) for JSON; a CSV or xlsx download holds every row
    the filters select."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is not None and renderer.format in EXPORT_FORMATS:
            return None
        return super().paginate_queryset(queryset, request, view)
