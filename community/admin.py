"""The admin of wards, districts and the community's records: every write through the
services and the one policy (``infrastructure.policy``), as in the API."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community import access
from community.areas import AREA
from infrastructure import policy
from infrastructure.admin_mixins import (
    FiscalYearListFilter,
    HistoryAdmin,
    ProgressRecordForm,
    RestrictedAdmin,
    VersionedRecordAdmin,
    error_text,
)
from infrastructure.imports import import_file
from infrastructure.imports import views as import_views
from infrastructure.imports.background import import_job_start, runs_in_background
from infrastructure.imports.sheets import SHEETS
from infrastructure.imports.uploads import ImportUploadForm
from infrastructure.punctuation import joined

from . import services
from .models import (
    DIRECTORY_FIELDS,
    DIRECTORY_LISTS,
    CommunityResource,
    Department,
    HealthTownPlanningRecord,
    LifeStage,
    Municipality,
    OrganisationType,
    SchoolDistrict,
    StaffProfile,
    VolunteerHeadcount,
    VolunteerProgram,
    Ward,
    directory_field_names,
)
from .resources import DIRECTORY_SHEET, SCHOOL_DISTRICT_SHEET


class ImportForm(ImportUploadForm):
    """The upload (held to the import limits as it streams in) and the dry-run box."""

    dry_run = forms.BooleanField(label=_("確認だけ（書き込まない）"), required=False)


class DepartmentAssignForm(forms.Form):
    """The intermediate page of 「所管課を設定」: the department for every chosen item."""

    department = forms.ModelChoiceField(
        label=_("所管課"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("（所管課なし）"),
        help_text=_("選んだ項目すべての所管課をこの課にします。空欄は所管課なし。"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = policy.restrict(Department.objects.all(), user)


class DepartmentAssignMixin:
    """The action 「所管課を設定」 on plan content with a department (sections, initiatives,
    indicators): many items at once, through an intermediate page, for those the policy lets
    change the model (planners); each item is checked again and its history names who set
    it (``services.department_assign``)."""

    actions = ["assign_department"]

    def has_assign_department_permission(self, request):
        return policy.may(request.user, policy.CHANGE, self.model)

    @admin.action(description=_("所管課を設定"), permissions=["assign_department"])
    def assign_department(self, request, queryset):
        form = DepartmentAssignForm(
            request.POST if "apply" in request.POST else None, user=request.user
        )
        if form.is_bound and form.is_valid():
            department = form.cleaned_data["department"]
            try:
                changed = services.department_assign(
                    user=request.user, items=queryset, department=department
                )
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, error_text(error), messages.ERROR)
                return None
            self.message_user(
                request,
                gettext("%(count)d件の所管課を「%(department)s」にしました。")
                % {
                    "count": changed,
                    "department": department or gettext("（所管課なし）"),
                },
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("所管課を設定"),
            "opts": self.model._meta,
            "form": form,
            "items": queryset.select_related("department"),
            "action": "assign_department",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/department_assign.html", context)


class ImportMixin:
    """An admin page that imports a file, all or nothing, with the resource of the sheet
    ``import_sheet`` (``community.resources``, registered in ``CommunityConfig.ready``)
    through the shared ``import_file`` (the commands' path).

    An upload over ``IMPORT_BACKGROUND_BYTES`` is not read in the request: as on the
    progress imports' page it becomes the engine's import job
    (``infrastructure.imports.background``): a dry run on the worker, followed on the
    engine's status page (``import/job/<id>/``: progress, then the preview with its row
    errors or the confirm button), and on confirmation the import, all or nothing. A large
    upload is always checked first, whether or not the dry-run box was ticked."""

    import_sheet = ""  # "school_district" or "community_resource"
    import_help = ""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "import/job/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="{}_{}_import_job".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_job_view(self, request, job_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return import_views.import_job_view(
            request, self.import_sheet, job_id, site=self.admin_site
        )

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"  # bound even if the upload was stopped (too large)
        form = ImportForm(
            request.POST if posted else None, request.FILES if posted else None, request=request
        )
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            if runs_in_background(len(data)):
                with transaction.atomic():  # the job is sent (eagerly: run) on commit
                    job = import_job_start(
                        user=request.user, kind=self.import_sheet, data=data, filename=upload.name
                    )
                info = self.opts.app_label, self.opts.model_name
                return HttpResponseRedirect(
                    reverse(
                        "{}:{}_{}_import_job".format(self.admin_site.name, *info),
                        args=[job.pk],
                        current_app=self.admin_site.name,
                    )
                )
            result = import_file(
                SHEETS[self.import_sheet].resource_class,
                data=data,
                filename=upload.name,
                user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            if result.written:
                counts = result.counts
                self.message_user(
                    request,
                    gettext(
                        "取り込みました：新規 %(created)s件、変更 %(updated)s件、"
                        "変更なし %(unchanged)s件。"
                    )
                    % {
                        "created": counts["new"],
                        "updated": counts["changed"],
                        "unchanged": counts["unchanged"],
                    },
                    messages.SUCCESS,
                )
                info = self.opts.app_label, self.opts.model_name
                return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info)))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("%(name)sの取り込み") % {"name": self.opts.verbose_name_plural},
            "opts": self.opts,
            "form": form,
            "result": result,
            "import_help": self.import_help,
            "background_size": filesizeformat(settings.IMPORT_BACKGROUND_BYTES),
        }
        return TemplateResponse(request, "admin/community/import.html", context)


class FromPlanDataAdmin(RestrictedAdmin):
    """Rows that come from the plan's data files (load_plan): shown, never edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Municipality)
class MunicipalityAdmin(FromPlanDataAdmin):
    list_display = ["name", "name_en", "prefecture", "code", "area_word", "area_word_en"]


@admin.register(Ward)
class WardAdmin(RestrictedAdmin):
    list_display = ["name", "name_en", "code", "municipality_code"]

    def has_module_permission(self, request):
        # A municipality without areas (municipality.yaml declares none) is not offered an
        # empty list of them, under a word it does not use.
        return super().has_module_permission(request) and Ward.objects.exists()


@admin.register(LifeStage)
class LifeStageAdmin(RestrictedAdmin):
    list_display = ["name", "name_en", "code"]


@admin.register(SchoolDistrict)
class SchoolDistrictAdmin(ImportMixin, HistoryAdmin):
    list_display = ["name", "code", "ward"]
    list_filter = ["ward"]
    search_fields = ["name", "code"]
    list_select_related = ["ward"]
    change_list_template = "admin/community/change_list_with_import.html"
    import_sheet = SCHOOL_DISTRICT_SHEET.kind
    import_help = _("列：校区コード、校区名、区（英語の見出し code, name, ward も可）。")

    def save_model(self, request, obj, form, change):
        services.school_district_save(
            user=request.user, code=obj.code, name=obj.name, ward=obj.ward
        )


@admin.register(OrganisationType)
class OrganisationTypeAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "code", "position"]
    search_fields = ["name", "name_en"]


@admin.register(StaffProfile)
class StaffProfileAdmin(RestrictedAdmin):
    list_display = ["user", "ward", "department"]
    list_filter = ["ward", "department"]
    list_select_related = ["user", "ward", "department"]


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    """The departments (所管課), kept by planners: none is invented by the system."""

    list_display = ["name", "municipality", "position"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    list_select_related = ["municipality"]


@admin.register(CommunityResource)
class CommunityResourceAdmin(ImportMixin, VersionedRecordAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "admin/community/change_list_with_import.html"
    import_sheet = DIRECTORY_SHEET.kind
    import_help = format_lazy(
        _("列：{columns}（API の CSV・xlsx の列名も可）。id 列のある行は既存の記録を更新します。"),
        # The sheet's Japanese column names, joined in the reader's language.
        columns=lazy(joined, str)([f.column for f in (*DIRECTORY_FIELDS, *DIRECTORY_LISTS)]),
    )
    updatable_fields = services.RESOURCE_FIELDS
    # In people's words (the model's help still names the plan loader).
    help_texts = {
        **VersionedRecordAdmin.help_texts,
        "code": _("計画書に載っている団体を見分けるための記号。"),
    }
    create_service = staticmethod(services.community_resource_create)
    update_service = staticmethod(services.community_resource_update)
    delete_service = staticmethod(services.community_resource_delete)
    fields = [
        # The directory's fields (community.models.DIRECTORY_FIELDS), then the admin's own:
        # whether the life stages were inferred (shown beside them), and the read-only rest.
        *directory_field_names(after={"life_stages": ("life_stages_inferred",)}),
        "origin",
        "code",
        "expected_version",
        "version",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [
        *VersionedRecordAdmin.readonly_fields,
        "origin",
        "code",
        "life_stages_inferred",
    ]
    list_display = ["name", "organisation_type", "ward_display", "consultation", "origin"]
    list_filter = ["ward", "organisation_type", "life_stages", "consultation", "origin"]
    search_fields = ["name", "address", "description"]
    list_select_related = ["organisation_type", "ward"]
    filter_horizontal = ["life_stages", "pillars"]
    autocomplete_fields = ["school_district"]


class HealthTownPlanningForm(ProgressRecordForm):
    reason = forms.CharField(
        label=_("前の段階に戻す理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("同じ年度の中で前の段階に戻すときは必須です。"),
    )

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            services.validate_stage_order(self.cleaned_data.get("reason", ""))(self.instance)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(HealthTownPlanningRecord)
class HealthTownPlanningAdmin(VersionedRecordAdmin):
    form = HealthTownPlanningForm
    updatable_fields = services.HEALTH_TOWN_PLANNING_FIELDS
    create_service = staticmethod(services.health_town_planning_create)
    update_service = staticmethod(services.health_town_planning_update)
    delete_service = staticmethod(services.health_town_planning_delete)
    fields = [
        "school_district",
        "fiscal_year",
        "stage",
        "reached_on",
        "notes",
        "reason",
        "expected_version",
        "version",
        "created_at",
        "updated_at",
    ]
    list_display = ["school_district", "ward_display", "fiscal_year_display", "stage", "reached_on"]
    list_filter = [FiscalYearListFilter, "school_district__ward", "stage"]
    search_fields = ["school_district__name", "school_district__code", "notes"]
    list_select_related = ["school_district__ward"]

    def service_extra(self, form) -> dict:
        return {"reason": form.cleaned_data.get("reason", "")} if form.instance.pk else {}

    @admin.display(description=AREA, ordering="school_district__ward__position")
    def ward_display(self, obj):
        return str(obj.ward) if obj.ward_id else gettext("市全体")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ward = access.ward_of(request.user)
        if db_field.name == "school_district" and not access.works_city_wide(request.user):
            kwargs["queryset"] = SchoolDistrict.objects.filter(ward=ward)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(VolunteerProgram)
class VolunteerProgramAdmin(HistoryAdmin):
    list_display = ["name", "health_volunteer", "pillar", "origin"]
    list_filter = ["health_volunteer", "pillar", "origin"]
    readonly_fields = ["origin"]
    fields = ["code", "name", "pillar", "health_volunteer", "position", "origin"]

    def save_model(self, request, obj, form, change):
        services.volunteer_program_save(user=request.user, program=obj)


@admin.register(VolunteerHeadcount)
class VolunteerHeadcountAdmin(VersionedRecordAdmin):
    updatable_fields = services.HEADCOUNT_FIELDS
    create_service = staticmethod(services.volunteer_headcount_create)
    validate_record = staticmethod(services.validate_headcount)
    update_service = staticmethod(services.volunteer_headcount_update)
    delete_service = staticmethod(services.volunteer_headcount_delete)
    fields = [
        "program",
        "fiscal_year",
        "ward",
        "headcount",
        "as_of",
        "notes",
        "expected_version",
        "version",
        "created_at",
        "updated_at",
    ]
    list_display = ["program", "fiscal_year_display", "ward_display", "headcount"]
    list_filter = [FiscalYearListFilter, "ward", "program"]
    list_select_related = ["program", "ward"]


def computation_display(obj) -> str:
    """A derived value's counted records, for the indicator-value admin."""
    if not obj.computation:
        return "—"
    return format_html(
        "<ul>{}</ul>",
        format_html_join("", "<li>{}</li>", ((item.get("label", ""),) for item in obj.computation)),
    )


__all__ = ["computation_display", "error_text"]
