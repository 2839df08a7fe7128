"""Portal's API: the stored annual reports (their state and generation time, regeneration
by planners, and the files; reads are public like the report pages, approved data only), the
site search (``portal.search``, the same results as the page) and the prefecture's view
(``portal.prefecture``, the same as ``/pref/<code>/``)."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from indicators.selectors import reporting_years
from infrastructure.api.caching import AnonymousResponseCache
from infrastructure.api.permissions import ReadOrStaffWrite
from infrastructure.content_security import stored_document_policy
from infrastructure.fiscal_year import fiscal_year_label
from portal.annual_reports import annual_report_request, report_is_stale
from portal.prefecture import UnknownPrefectureError, prefecture_data, prefecture_year
from portal.search import SearchQueryError, search
from programs.api.plans import PLAN_PARAMETER, plan_from_request
from programs.models import AnnualReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES = {
    "xlsx": ("xlsx", XLSX),
    "html": ("html", "text/html; charset=utf-8"),
    "pdf": ("pdf", "application/pdf"),
}


class ReportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField(allow_null=True)


class AnnualReportSerializer(serializers.ModelSerializer):
    fiscal_year_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    stale = serializers.SerializerMethodField(
        help_text="True when data was approved or reopened after the files were made "
        "(or none were made yet): ask for a new one."
    )
    job = ReportJobSerializer(allow_null=True, read_only=True)
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReport
        fields = [
            "fiscal_year",
            "fiscal_year_label",
            "status",
            "status_label",
            "generated_at",
            "requested_at",
            "stale",
            "error",
            "job",
            "downloads",
        ]

    def get_fiscal_year_label(self, report) -> str:
        return fiscal_year_label(report.fiscal_year)

    def get_stale(self, report) -> bool:
        return report_is_stale(report)

    @extend_schema_field(
        inline_serializer(
            "AnnualReportDownloads",
            {
                "xlsx": serializers.URLField(allow_null=True),
                "html": serializers.URLField(allow_null=True),
                "pdf": serializers.URLField(allow_null=True),
            },
        )
    )
    def get_downloads(self, report) -> dict[str, str | None]:
        request = self.context.get("request")
        return {
            name: reverse(
                "report-file",
                kwargs={"fiscal_year": report.fiscal_year, "file": name},
                request=request,
            )
            if report.generated_at
            else None
            for name in FILES
        }


def _year(raw: str) -> int:
    """The fiscal year of the path; 404 unless the plan reports on it. The path takes any
    text (not Django's int converter), so that a malformed year is the API's own JSON 404
    rather than the catch-all's, whatever ``?format=`` asks for."""
    try:
        fiscal_year = int(raw)
    except ValueError:
        raise NotFound() from None
    if fiscal_year not in reporting_years():
        raise NotFound()
    return fiscal_year


YEAR = OpenApiParameter(
    "fiscal_year", OpenApiTypes.INT, OpenApiParameter.PATH, description="2013 = 平成25年度"
)


class AnnualReportView(APIView):
    """The annual evaluation report (施策評価) of a fiscal year as stored files: GET shows
    its state and when the files were made (`generated_at`; `stale` when data was approved
    since); POST asks for it to be made again (planners), answered 202 at once while the
    worker makes it. The files of the last run stay downloadable meanwhile."""

    permission_classes = [ReadOrStaffWrite]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="reports_retrieve", parameters=[YEAR], responses=AnnualReportSerializer
    )
    def get(self, request, fiscal_year: str):
        report = get_object_or_404(
            AnnualReport.objects.select_related("job"), fiscal_year=_year(fiscal_year)
        )
        return Response(AnnualReportSerializer(report, context={"request": request}).data)

    @extend_schema(
        operation_id="reports_regenerate",
        parameters=[YEAR],
        request=None,
        responses={202: AnnualReportSerializer},
    )
    def post(self, request, fiscal_year: str):
        report = annual_report_request(fiscal_year=_year(fiscal_year), user=request.user)
        report.refresh_from_db()
        return Response(
            AnnualReportSerializer(report, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class AnnualReportFileView(APIView):
    """A stored report file: `xlsx` (the workbook, a sheet per pillar), `html` (the
    printable page) or `pdf` (the council report, A4). `Last-Modified` and
    `X-Generated-At` give when it was made."""

    permission_classes = [ReadOrStaffWrite]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="reports_file_retrieve",
        parameters=[
            YEAR,
            OpenApiParameter("file", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FILES)),
        ],
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook."),
            (200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description="The page."),
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The council report (施策評価書), A4."
            ),
        },
    )
    def get(self, request, fiscal_year: str, file: str):
        if file not in FILES:
            raise NotFound()
        fiscal_year = _year(fiscal_year)
        report = get_object_or_404(AnnualReport, fiscal_year=fiscal_year)
        stored = getattr(report, file)
        if not report.generated_at or not stored:
            raise NotFound()
        extension, content_type = FILES[file]
        response = FileResponse(
            stored.open("rb"),
            content_type=content_type,
            as_attachment=file == "xlsx",
            filename=f"evaluation-{fiscal_year}.{extension}",
        )
        response["Last-Modified"] = http_date(report.generated_at.timestamp())
        response["X-Generated-At"] = report.generated_at.isoformat()
        if file == "html":
            # The printable page keeps its stylesheet inline (it is saved and printed as it is).
            with stored.storage.open(stored.name, "rb") as page:
                stored_document_policy(response, page.read())
        return response


# --- Search ---------------------------------------------------------------------------------


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text="pillar, section, challenge, initiative, action, figure, indicator or resource."
    )
    label = serializers.CharField()
    url = serializers.CharField(help_text="The page the hit is on (a path on this site).")
    excerpt = serializers.CharField(help_text="A short piece of the text that matched.")
    matches = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        help_text="Each match in the excerpt as [start, end) character offsets.",
    )
    highlighted = serializers.CharField(
        help_text="The excerpt as HTML, every match in <mark>, the rest escaped."
    )


class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["plan", "indicator", "resource"])
    label = serializers.CharField()
    total = serializers.IntegerField(help_text="How many were found.")
    more = serializers.IntegerField(help_text="How many of them are not listed.")
    hits = SearchHitSerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    q = serializers.CharField()
    terms = serializers.ListField(child=serializers.CharField())
    total = serializers.IntegerField()
    groups = SearchGroupSerializer(many=True)


class SearchView(AnonymousResponseCache, APIView):
    """Search the plan's text (pillars, sections, 現状と課題, initiatives, ◇ actions,
    figures), the indicators and the directory by substring, as the page `/search/` does:
    `q` is NFKC-normalised and split on whitespace, every term must occur. Results are
    grouped by kind, at most 20 a group (`more` counts the rest). An empty `q` finds
    nothing; a `q` longer than 100 characters is a 400 naming the field."""

    permission_classes = [ReadOrStaffWrite]

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="The words to find (up to 100 characters), e.g. 認知症サポーター.",
            ),
            PLAN_PARAMETER,
        ],
        responses=SearchResultSerializer,
    )
    def get(self, request):
        query = request.query_params.get("q", "")
        try:
            result = search(
                query,
                plan=plan_from_request(request),
                keep_plan=bool(request.query_params.get("plan")),
            )
        except SearchQueryError as error:
            raise serializers.ValidationError({"q": [str(error)]}) from error
        return Response(
            SearchResultSerializer(
                {
                    "q": query,
                    "terms": result.terms,
                    "total": result.total,
                    "groups": [
                        {
                            "kind": group.kind,
                            "label": group.label,
                            "total": group.total,
                            "more": group.more,
                            "hits": [
                                {
                                    "type": hit.type,
                                    "label": hit.label,
                                    "url": hit.url,
                                    "excerpt": hit.excerpt,
                                    "matches": [list(match) for match in hit.matches],
                                    "highlighted": str(hit.highlighted),
                                }
                                for hit in group.hits
                            ],
                        }
                        for group in result.groups
                    ],
                }
            ).data
        )


class PrefectureTargetSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=True)


class PrefectureEvaluationsSerializer(serializers.Serializer):
    expected = serializers.IntegerField(help_text="Evaluations the year expects.")
    written = serializers.IntegerField(help_text="Of those, written (in any state): a count.")
    approved = serializers.IntegerField(help_text="Of those, approved.")


class PrefectureMunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="全国地方公共団体コード (JIS X 0402).")
    name = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)
    population_as_of = serializers.DateField(allow_null=True)
    plan = serializers.CharField(allow_null=True, help_text="The current plan's code.")
    plan_title = serializers.CharField(allow_null=True)
    period_start = serializers.IntegerField(allow_null=True)
    period_end = serializers.IntegerField(allow_null=True)
    indicators = serializers.IntegerField()
    by_status = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Indicators by status for the year (achieved, on_track, behind, "
        "not_achieved, no_data), from approved figures.",
    )
    evaluations = PrefectureEvaluationsSerializer()
    report_final = serializers.BooleanField(
        help_text="The year's council report is final (no longer 案): every evaluation the "
        "year expects is approved and none waits."
    )


class PrefectureFigureSerializer(serializers.Serializer):
    municipality = serializers.CharField()
    indicator = serializers.CharField(allow_null=True, help_text="The mapped indicator's code.")
    indicator_name = serializers.CharField(allow_null=True)
    actual = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, coerce_to_string=True
    )
    target = PrefectureTargetSerializer(
        allow_null=True, help_text="The target in force in the year."
    )
    per_thousand = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        coerce_to_string=True,
        help_text="The actual per 1,000 residents (a count, and the population known).",
    )


class PrefectureCommonSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    unit_kind = serializers.CharField()
    per_resident = serializers.BooleanField()
    figures = PrefectureFigureSerializer(many=True)


class PrefectureSerializer(serializers.Serializer):
    prefecture = serializers.CharField(help_text="The prefecture's code (JIS X 0401).")
    name = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    fiscal_year_label = serializers.CharField()
    fiscal_years = serializers.ListField(child=serializers.IntegerField())
    municipalities = PrefectureMunicipalitySerializer(many=True)
    common_indicators = PrefectureCommonSerializer(many=True)


class PrefectureView(AnonymousResponseCache, APIView):
    """The prefecture's view (`/pref/<code>/`) as data: for a fiscal year, each of its
    municipalities loaded here (plan period, indicators by status, the year's evaluations,
    whether its council report is final), then the common indicators (共通指標) side by side,
    per 1,000 residents where the population is known. Approved data only, for everyone.
    404 for a prefecture none of whose municipalities is loaded."""

    permission_classes = [ReadOrStaffWrite]

    @extend_schema(
        operation_id="prefecture_retrieve",
        parameters=[
            OpenApiParameter(
                "prefecture",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The prefecture's code, two digits (JIS X 0401), the first two of its "
                "municipalities' codes (JIS X 0402).",
            ),
            OpenApiParameter(
                "fiscal_year",
                OpenApiTypes.STR,
                description="2015, H27, 平成27年度 …. Default: the latest fiscal year with "
                "approved data of any of the prefecture's plans.",
            ),
        ],
        responses=PrefectureSerializer,
    )
    def get(self, request, prefecture: str):
        try:
            view = prefecture_year(prefecture, request.query_params.get("fiscal_year"))
        except UnknownPrefectureError:
            raise NotFound() from None
        return Response(PrefectureSerializer(prefecture_data(view)).data)
