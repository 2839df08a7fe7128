"""Admin behaviour shared by the apps: history on every model, and progress entry.

Progress records (indicator values, initiative progress) are entered, submitted, approved,
returned and reopened here by the same rules as in the API and in imports: every question of
who may do what goes to ``infrastructure.policy``, and every write to the workflow's
``record_create`` / ``record_update`` / ``record_delete`` / ``record_transition``.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from infrastructure import policy, workflow
from infrastructure.changes import places_of
from infrastructure.display import EMPTY, figure_input
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.forms import FiscalYearField, fiscal_year_choices
from infrastructure.history import (
    HISTORY_TYPES,
    HistoryContextHelper,
    history_date_text,
    reason_label,
)
from infrastructure.punctuation import in_english, labelled
from infrastructure.text import MAX_COMMENT, validate_text
from infrastructure.workflow import (
    TRANSITION_CANNOT,
    TRANSITION_DONE,
    TRANSITION_DONE_COUNT,
    TRANSITION_REFUSED_COUNT,
    TRANSITIONS,
    Transition,
    VersionConflict,
    lock_for_update,
    record_create,
    record_delete,
    record_transition,
    record_update,
)

# What the version a record page shows means to the person editing it.
VERSION_HELP = _(
    "この記録が保存された回数。ほかの人が先に変更していたときは、保存するときにお知らせします。"
)


def error_text(error: Exception) -> str:
    """One line for a refused write, whatever refused it."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def conflict_error(conflict: VersionConflict) -> ValidationError:
    lines = [change.text for change in conflict.described()]
    separator = "; " if in_english() else "；"
    detail = (gettext("相手の変更：") + separator.join(lines)) if lines else ""
    return ValidationError(f"{conflict} {detail}".strip(), code="conflict")


#: A model's ward as its admin lists, filters and edits it.
WARD_COLUMNS = ("ward", "ward_display")


def _ward_field(model):
    """The model's ``ward``, a relation to the municipality's areas, or None."""
    try:
        field = model._meta.get_field("ward")
    except FieldDoesNotExist:
        return None
    return field if field.is_relation and field.concrete else None


class RestrictedAdmin(admin.ModelAdmin):
    """Every model's admin asks the one access policy (``infrastructure.policy``): the list
    holds the rows the user may see, and each row's view, change and delete are the policy's
    answer for that row, on top of the role's model permissions (which the policy's grants
    keep in step). A model no app granted shows nothing to anyone."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if (ward := _ward_field(model)) is not None and not hasattr(self, "ward_display"):
            # The ward column (unless the admin words its own) is headed by the model's own
            # label for its ward: the municipality's word for its areas (区, 地区 …), read
            # when shown.
            def ward_display(obj):
                return str(obj.ward) if obj.ward_id else gettext("市全体")

            ward_display.short_description = ward.verbose_name
            ward_display.admin_order_field = "ward__position"
            self.ward_display = ward_display

    # Help texts the admin shows instead of the model's, by field (a form's ``help_texts``:
    # for read-only fields too). For words a model's help text cannot change without a
    # migration of its app.
    help_texts: dict = {}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.help_texts:
            kwargs["help_texts"] = {**self.help_texts, **kwargs.get("help_texts", {})}
        return super().get_form(request, obj, change=change, **kwargs)

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user, policy.VIEW)

    # --- A municipality without areas: no ward column, filter or field -------------------

    def _without_areas(self) -> bool:
        """The model has a ward, and the municipality has none to choose (it reports
        city-wide only): the admin then leaves the ward out rather than offer an empty
        choice."""
        ward = _ward_field(self.model)
        return ward is not None and not ward.related_model._default_manager.exists()

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if self._without_areas():
            return [name for name in shown if name not in WARD_COLUMNS]
        return shown

    def get_list_filter(self, request):
        shown = super().get_list_filter(request)
        if self._without_areas():
            return [name for name in shown if name not in WARD_COLUMNS]
        return shown

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._without_areas():
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in WARD_COLUMNS]})
            for name, options in fieldsets
        ]

    def history_view(self, request, object_id, extra_context=None):
        # As before the policy restricted the list: a row that exists but that the role may
        # not see is a 403, a row that does not exist the admin's redirect.
        if not self.has_view_or_change_permission(request) and self._exists(object_id):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The autocomplete of another model's form offers what the user may give that field
        # (a department officer: their department's indicators), as the form's choices do.
        asking = request.GET
        if "field_name" in asking and "model_name" in asking and "app_label" in asking:
            try:
                source = apps.get_model(asking["app_label"], asking["model_name"])
            except LookupError:
                return queryset.none(), False
            own = policy.choices(request.user, source, asking["field_name"], queryset)
            if own is not None:
                queryset = own
        return queryset, may_have_duplicates

    def _exists(self, object_id) -> bool:
        try:
            return self.model._default_manager.filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            return False

    def has_module_permission(self, request):
        return super().has_module_permission(request) and policy.grant_of(self.model) is not None

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            policy.may(request.user, policy.VIEW, self.model)
            if obj is None
            else policy.allowed(request.user, policy.VIEW, obj)
        )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and policy.may(
            request.user, policy.CREATE, self.model
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            policy.may(request.user, policy.CHANGE, self.model)
            if obj is None
            else policy.allowed(request.user, policy.CHANGE, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            policy.may(request.user, policy.DELETE, self.model)
            if obj is None
            else policy.allowed(request.user, policy.DELETE, obj)
        )


class ReadOnlyAdmin(RestrictedAdmin):
    """A record the admin shows and nobody adds, changes or deletes there (a job, a mail
    sent, a reminder): what happened, kept as it happened."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(RestrictedAdmin, SimpleHistoryAdmin):
    """Every model's admin: a history of each change (who, when, before and after, with the
    changes between versions), in the admin's language with labels, not codes
    (``infrastructure.history``). Old versions are shown, never restored: a restore would
    bypass the rules that each write obeys, so there is no Revert button and the version's
    page refuses a POST."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"

    def figure_places(self, obj) -> int | None:
        """The decimals the record's figures are shown with, as the record declares them
        (its indicator's: ``changes.places_of``), None if the record has no such rule."""
        return places_of(obj)

    # --- Never restored ------------------------------------------------------------------

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(gettext("過去の版からの復元はできません。"))
        versions = self.get_history_queryset(
            request, self._history_manager(), self.opts.pk.attname, unquote(object_id)
        )
        if not versions.filter(history_id=version_id).exists():
            # Another ward's draft, as any version the reader may not see (or none at all).
            raise PermissionDenied(gettext("この版は見つからないか、見る権限がありません。"))
        request.viewing_past_version = True  # the form's fields are shown, not editable
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- Which past the reader sees: ``workflow.past_versions`` ----------------------------

    def _history_manager(self):
        return getattr(self.model, self.opts.simple_history_manager_attribute)

    def history_subject(self, object_id):
        """The record whose past is asked for: as it is now, or, deleted, as its last version
        left it; None if there never was one."""
        record = self.model._default_manager.filter(pk=object_id).first()
        if record is None:
            last = (
                self._history_manager()
                .filter(**{self.opts.pk.attname: object_id})
                .order_by("-history_date", "-history_id")
                .first()
            )
            record = last.instance if last is not None else None
        return record

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """The versions the reader may see (``workflow.past_versions``): outside the record's
        scope, its approved versions only, and none of a record the reader may not see now.
        Notes on the request whether the reader sees who changed it and why."""
        versions = super().get_history_queryset(request, history_manager, pk_name, object_id)
        record = self.history_subject(object_id)
        if record is None:
            return versions
        if (
            self.model._default_manager.filter(pk=record.pk).exists()
            and not self.get_queryset(request).filter(pk=record.pk).exists()
        ):
            return versions.none()  # a record the reader may not see now: no past either
        request.history_in_full = not workflow.has_workflow(record) or policy.in_scope(
            request.user, record
        )
        return workflow.past_versions(request.user, record, versions)

    def history_view(self, request, object_id, extra_context=None):
        pk = unquote(object_id)
        if (
            self.model._default_manager.filter(pk=pk).exists()
            and not self.get_queryset(request).filter(pk=pk).exists()
        ):
            raise PermissionDenied(gettext("この記録は見つからないか、見る権限がありません。"))
        return super().history_view(request, object_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "viewing_past_version", False):
            return type(form.__name__, (PastVersionForm, form), {})
        return form

    # --- In words, not codes -------------------------------------------------------------

    def history_view_title(self, request, obj):
        return gettext("変更履歴：%(record)s") % {"record": obj}

    def history_form_view_title(self, request, obj):
        return gettext("過去の版：%(record)s") % {"record": obj}

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryContextHelper(
            self.model,
            historical_record,
            places=self.figure_places(historical_record),
        )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        in_full = getattr(request, "history_in_full", False)
        for record in historical_records:
            record.history_type_label = HISTORY_TYPES.get(record.history_type, "")
            record.history_date_label = history_date_text(record.history_date)
            record.history_reason_label = reason_label(
                record.history_change_reason, with_comment=in_full
            )
            # Who changed it: shown in the record's scope only (a login name).
            if not in_full:
                record.history_user_label = EMPTY
            elif record.history_user_id is None:
                record.history_user_label = gettext("システム")
            else:
                record.history_user_label = str(record.history_user)


class PastVersionForm(forms.BaseForm):
    """A past version's page: every field shown as it was, none editable."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.disabled = True


class FiscalYearListFilter(admin.SimpleListFilter):
    title = _("年度")
    parameter_name = "fiscal_year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True)
            .distinct()
        )
        return fiscal_year_choices(years)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(fiscal_year=self.value())
        return queryset


class ProgressRecordForm(forms.ModelForm):
    """The admin form of a progress record. ``expected_version`` is the version the user
    opened; if someone saved since, the save is refused and the form says what they
    changed. The record is held under a row lock from this check to the save."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set on the class the admin builds for each request (``get_form``).
    user = None
    validate_record = None
    model_admin = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self._figures_in_their_decimals()

    def _figures_in_their_decimals(self) -> None:
        """A saved figure reads 79.1, as its indicator prints it, not the database's 79.1000
        (the same number, so the field does not count as changed)."""
        places = self.model_admin.figure_places(self.instance) if self.model_admin else None
        for name, field in self.fields.items():
            if isinstance(field, forms.DecimalField):
                self.initial[name] = figure_input(getattr(self.instance, name, None), places)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                current = lock_for_update(self.instance, cleaned.get("expected_version"))
            except VersionConflict as conflict:
                raise conflict_error(conflict) from conflict
            try:
                policy.check(self.user, policy.CHANGE, current)
            except PermissionDenied as denied:
                raise ValidationError(str(denied)) from denied
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # the model's own rules and its unique constraints
        if self.errors:
            self._link_to_existing_record()
            return
        try:
            # The record as it would be saved: its ward, city-wide or not, and the rules
            # across records (the plan's reach, a big change against last year).
            policy.check(self.user, policy.CREATE, self.instance)
            type(self).validate_record(self.instance)
        except PermissionDenied as denied:
            self.add_error(None, str(denied))
        except ValidationError as error:
            self._update_errors(error)

    def _link_to_existing_record(self) -> None:
        """A duplicate (the same natural key as a saved record) says where the saved record
        is: a link to its page, if the user may see it (never to another ward's draft)."""
        existing = existing_duplicate(self.instance)
        if existing is None or self.model_admin is None:
            return
        url = self.model_admin.visible_change_url(self.user, existing)
        if url:
            self.add_error(
                None,
                format_html('{} <a href="{}">{}</a>', gettext("既存の記録："), url, existing),
            )


def existing_duplicate(record: models.Model) -> models.Model | None:
    """The saved record ``record`` would duplicate under one of its model's unique
    constraints (with their conditions: a city-wide value and a ward's are different keys),
    or None."""
    model = type(record)
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or not constraint.fields:
            continue
        key = {}
        for name in constraint.fields:
            attname = model._meta.get_field(name).attname
            key[attname] = getattr(record, attname, None)
        if constraint.condition is not None:
            # The record is under this constraint only if it meets its condition.
            against = record._get_field_expression_map(meta=model._meta)
            if not constraint.condition.check(against):
                continue
        rows = model._default_manager.filter(**key)
        if constraint.condition is not None:
            rows = rows.filter(constraint.condition)
        if record.pk is not None:
            rows = rows.exclude(pk=record.pk)
        if found := rows.first():
            return found
    return None


class ProgressRecordAdmin(HistoryAdmin):
    """Entry and approval of progress records in the admin. Subclasses name the record's
    rules: ``validate_record`` (the service's rules across records) and ``updatable_fields``.
    """

    form = ProgressRecordForm
    change_form_template = "admin/progress/change_form.html"
    delete_confirmation_template = "admin/progress/delete_confirmation.html"
    change_list_template = "admin/progress/change_list.html"
    validate_record = None
    updatable_fields: set[str] = set()
    readonly_fields = ["status", "version", "created_at", "updated_at", "transition_log"]
    help_texts = {"version": VERSION_HELP}
    actions = ["submit_selected", "approve_selected"]
    list_per_page = 50

    class Media:
        js = ["js/admin-a11y.js"]

    # --- Which rows, and what may be done to them: the one policy -----------------------

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another ward's record is no different from one that does not exist.
            raise Http404(gettext("この記録は見つからないか、見る権限がありません。"))
        return obj

    def has_submit_permission(self, request):
        return self.has_view_permission(request) and policy.may(
            request.user, policy.SUBMIT, self.model
        )

    def has_approve_permission(self, request):
        return self.has_view_permission(request) and policy.may(
            request.user, policy.APPROVE, self.model
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting goes one record at a time, through the workflow's delete.
        actions.pop("delete_selected", None)
        return actions

    # --- The form ------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            obj.reader = request.user  # whose eyes ``transition_log`` shows the log to
        if policy.choices(request.user, self.model, "ward", self.model.objects.none()) is not None:
            # 「空欄は市全体」 is for planners: a ward officer's ward is fixed to theirs.
            kwargs["help_texts"] = {"ward": "", **kwargs.get("help_texts", {})}
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        form.validate_record = staticmethod(type(self).validate_record)
        form.model_admin = self
        return form

    def visible_change_url(self, user, record) -> str | None:
        """The change page of ``record`` if ``user`` may see it, else None."""
        if not policy.allowed(user, policy.VIEW, record):
            return None
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_change".format(*info), args=[record.pk], current_app=self.admin_site.name
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "fiscal_year":
            return FiscalYearField(
                label=db_field.verbose_name, required=not db_field.blank, **kwargs
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        own = policy.choices(
            request.user, self.model, db_field.name, db_field.related_model.objects
        )
        if own is not None and db_field.name != "ward":
            # Items the user may report on (a department officer: their department's).
            kwargs["queryset"] = own
        limited = db_field.name == "ward" and own is not None
        ward = own.first() if limited else None
        if limited:
            # A ward officer reports for their own ward only, never city-wide; a department
            # officer for the city as a whole (their department's items) only.
            kwargs["queryset"] = own
            kwargs["initial"] = ward
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if limited and field is not None:
            if ward is None:
                field.required = False
                field.empty_label = gettext("市全体")
                field.help_text = gettext("所管課の記録は市全体の記録です。")
            else:
                field.required = True
                field.empty_label = None
                # In the municipality's word for its areas: the field's own label.
                field.help_text = gettext("所属の%(area)s（%(ward)s）の記録です。") % {
                    "area": str(db_field.verbose_name).lower(),
                    "ward": ward,
                }
        return field

    # --- Writes, through the workflow ----------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            record_create(record=obj, user=request.user, validate=self.validate_record)
            return
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in self.updatable_fields
        }
        saved = record_update(
            record=obj,
            user=request.user,
            expected_version=form.cleaned_data.get("expected_version"),
            changes=changes,
            updatable=self.updatable_fields,
            validate=self.validate_record,
        )
        obj.version = saved.version

    def delete_view(self, request, object_id, extra_context=None):
        """Django's delete, refused if someone saved the record after the confirmation page
        showed it: the page carries the version it showed."""
        if request.method == "POST" and request.POST.get("post"):
            try:
                request.expected_version = int(request.POST.get("expected_version", ""))
            except ValueError:
                request.expected_version = -1  # a page without the version: never current
            try:
                return super().delete_view(request, object_id, extra_context)
            except VersionConflict as conflict:
                message = error_text(conflict_error(conflict))
            except ValidationError as error:
                message = error_text(error)
            self.message_user(request, gettext("削除しませんでした：") + message, messages.ERROR)
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(
                reverse("admin:{}_{}_change".format(*info), args=[object_id])
            )
        obj = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}), "expected_version": obj.version}
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        record_delete(record=obj, user=request.user, expected_version=request.expected_version)

    # --- Workflow transitions --------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/transition/<str:transition>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def available_transitions(self, request, obj) -> list[tuple[str, str]]:
        """The transitions the user may take now: (name, label)."""
        return [
            (name, Transition(name).label)
            for name, (source, _target, _comment) in TRANSITIONS.items()
            if obj.status == source and policy.allowed(request.user, name, obj)
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["transitions"] = [
                (label, self._transition_url(obj, name))
                for name, label in self.available_transitions(request, obj)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _transition_url(self, obj, name: str) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_transition".format(*info),
            args=[obj.pk, name],
            current_app=self.admin_site.name,
        )

    def transition_view(self, request, object_id, transition):
        if transition not in TRANSITIONS:
            raise Http404
        obj = self.get_object(request, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        needs_comment = TRANSITIONS[transition][2]
        form = TransitionForm(
            request.POST or None,
            initial={"expected_version": obj.version},
            needs_comment=needs_comment,
        )
        if request.method == "POST" and form.is_valid():
            try:
                record_transition(
                    record=obj,
                    transition=transition,
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except VersionConflict as conflict:
                form.add_error(None, conflict_error(conflict))
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                self.message_user(
                    request,
                    str(TRANSITION_DONE[transition]) % {"record": obj},
                    messages.SUCCESS,
                )
                info = self.opts.app_label, self.opts.model_name
                return HttpResponseRedirect(
                    reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("%(action)s：%(record)s")
            % {"action": Transition(transition).label, "record": obj},
            "opts": self.opts,
            "original": obj,
            "form": form,
            "action_label": Transition(transition).label,
            "cannot_label": TRANSITION_CANNOT[transition],
            "allowed": policy.allowed(request.user, transition, obj)
            and obj.status == TRANSITIONS[transition][0],
        }
        context["transitions_log"], context["transitions_in_full"] = workflow.transitions_shown(
            request.user, obj, obj.transitions.select_related("user")
        )
        return TemplateResponse(request, "admin/progress/transition.html", context)

    def _bulk_transition(self, request, queryset, transition: str) -> None:
        done, refused = 0, []
        for record in queryset:
            try:
                record_transition(record=record, transition=transition, user=request.user)
                done += 1
            except (ValidationError, PermissionDenied, VersionConflict) as error:
                refused.append(labelled(record, error_text(error)))
        if done:
            self.message_user(
                request,
                str(TRANSITION_DONE_COUNT[transition]) % {"count": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                str(TRANSITION_REFUSED_COUNT[transition]) % {"count": len(refused)}
                + " / ".join(refused),
                messages.ERROR,
            )

    @admin.action(description=_("選択した記録を提出"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk_transition(request, queryset, Transition.SUBMIT)

    @admin.action(description=_("選択した記録を承認"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._bulk_transition(request, queryset, Transition.APPROVE)

    # --- Columns -------------------------------------------------------------------------

    @admin.display(description=_("年度"), ordering="fiscal_year")
    def fiscal_year_display(self, obj):
        return fiscal_year_label(obj.fiscal_year)

    @admin.display(description=_("承認の履歴"))
    def transition_log(self, obj):
        """Who moved the record through the workflow, when, and why; outside the record's
        scope, when it was approved (or the approval withdrawn) only
        (``workflow.transitions_shown``)."""
        reader = getattr(obj, "reader", None) or AnonymousUser()
        entries, in_full = workflow.transitions_shown(
            reader, obj, obj.transitions.select_related("user") if obj.pk else []
        )
        if not entries:
            return "—"
        head = format_html(
            "<thead><tr>{}</tr></thead>",
            format_html_join(
                "",
                '<th scope="col">{}</th>',
                ((gettext(h),) for h in ("日時", "操作", "操作者", "コメント")),
            ),
        )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    date_format(localtime(e.at), "DATETIME_FORMAT"),
                    e.get_transition_display(),
                    e.user if in_full else EMPTY,
                    e.comment if in_full else EMPTY,
                )
                for e in entries
            ),
        )
        return format_html('<table class="transition-log">{}<tbody>{}</tbody></table>', head, body)


class VersionedRecordAdmin(ProgressRecordAdmin):
    """A record a ward keeps without approval (directory entries, health town-planning
    stages, volunteer headcounts): the same policy, services and optimistic locking as a
    progress record, without the workflow."""

    change_form_template = "admin/change_form.html"
    change_list_template = "admin/change_list.html"
    readonly_fields = ["version", "created_at", "updated_at"]
    actions = []
    validate_record = staticmethod(lambda record: None)  # rules across rows: in the services
    # The app's services: create(user=, **fields), update(user=, record=, expected_version=,
    # **changes), delete(user=, record=, expected_version=).
    create_service = update_service = delete_service = None

    def available_transitions(self, request, obj):
        return []

    def service_extra(self, form) -> dict:
        """Further keyword arguments for the services (e.g. a reason)."""
        return {}

    def save_model(self, request, obj, form, change):
        extra = self.service_extra(form)
        if not change:
            fields = {
                name: form.cleaned_data[name]
                for name in self.updatable_fields
                if name in form.cleaned_data
            }
            saved = type(self).create_service(user=request.user, **fields, **extra)
        else:
            changes = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in self.updatable_fields
            }
            saved = type(self).update_service(
                user=request.user,
                record=obj,
                expected_version=form.cleaned_data.get("expected_version"),
                **changes,
                **extra,
            )
        obj.pk, obj.version = saved.pk, saved.version

    def delete_model(self, request, obj):
        type(self).delete_service(
            user=request.user, record=obj, expected_version=request.expected_version
        )

    def get_urls(self):
        return super(ProgressRecordAdmin, self).get_urls()


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("コメント"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        required=False,
        max_length=MAX_COMMENT,
        validators=[validate_text],
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, needs_comment: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_comment:
            self.fields["comment"].required = True
            self.fields["comment"].help_text = _("理由を記入してください（必須）。")


__all__ = [
    "FiscalYearListFilter",
    "HistoryAdmin",
    "ProgressRecordAdmin",
    "VersionedRecordAdmin",
]
