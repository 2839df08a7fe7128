"""Writes to wards, districts, staff accounts and the community's records.

Directory entries, health town-planning stages and volunteer headcounts are written through
the workflow's ``record_create`` / ``record_update`` / ``record_delete``, so that the one
policy (``infrastructure.policy``) decides who may, and optimistic locking holds. A change
to a record a derived indicator counts queues its recomputation on commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from community.access import Role
from infrastructure import policy
from infrastructure.fiscal_year import validate_reporting_year
from infrastructure.text import validate_input
from infrastructure.uniqueness import save_unique
from infrastructure.workflow import (
    CHANGE_REASON_MAX,
    record_create,
    record_delete,
    record_update,
)

from .areas import area_word
from .choices import HealthTownPlanningStage, Origin
from .models import (
    DIRECTORY_FIELDS,
    CommunityResource,
    Department,
    HealthTownPlanningRecord,
    LifeStage,
    Municipality,
    SchoolDistrict,
    StaffProfile,
    VolunteerHeadcount,
    VolunteerProgram,
    Ward,
)
from .signals import counted_records_changed


@transaction.atomic
def staff_create(
    *,
    username: str,
    role: Role,
    password: str,
    ward: Ward | None = None,
    department: Department | None = None,
    email: str = "",
    municipality: Municipality | None = None,
    prefecture_code: str = "",
) -> AbstractUser:
    """Create a staff account with one role, of ``municipality`` (by default the active
    tenant's, or the only one loaded: ``municipality_for_new_row``). A ward officer belongs
    to exactly one ward, a department officer to exactly one department (所管課), both of
    that municipality; planners and admins work city-wide and have neither. A prefecture's
    staff (``Role.PREFECTURE``) belong to a prefecture (``prefecture_code``) and to no
    municipality."""
    if (role is Role.PREFECTURE) != bool(prefecture_code):
        raise ValidationError(
            {"prefecture_code": _("都道府県コードは都道府県職員にだけ、必ず指定します。")}
        )
    if role is Role.PREFECTURE and (ward or department or municipality):
        raise ValidationError({"municipality": _("都道府県職員は自治体・区・所管課に属しません。")})
    if prefecture_code:
        try:
            StaffProfile._meta.get_field("prefecture_code").run_validators(prefecture_code)
        except ValidationError as error:
            raise ValidationError({"prefecture_code": error.messages}) from error
    if role is Role.WARD_OFFICER and ward is None:
        raise ValidationError(
            {"ward": _("区職員には%(area)sを指定してください。") % {"area": area_word()}}
        )
    if role is not Role.WARD_OFFICER and ward is not None:
        raise ValidationError(
            {"ward": _("%(area)sを指定できるのは区職員だけです。") % {"area": area_word()}}
        )
    if role is Role.DEPARTMENT_OFFICER and department is None:
        raise ValidationError({"department": _("所管課職員には所管課を指定してください。")})
    if role is not Role.DEPARTMENT_OFFICER and department is not None:
        raise ValidationError({"department": _("所管課を指定できるのは所管課職員だけです。")})
    if municipality is not None:
        for field, place in (("ward", ward), ("department", department)):
            if place is not None and place.municipality_id not in (None, municipality.pk):
                raise ValidationError(
                    {
                        field: _("「%(place)s」は%(municipality)sのものではありません。")
                        % {"place": place, "municipality": municipality}
                    }
                )
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ValidationError(
            {"username": _("ユーザー名「%(name)s」は使われています。") % {"name": username}}
        )
    user = user_model(username=username, email=email, is_staff=True)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    # Not named: the municipality of the ward or department, else the rule for new rows.
    for place in (ward, department):
        if municipality is None and place is not None and place.municipality_id is not None:
            municipality = place.municipality
    where = {"municipality": municipality} if municipality is not None else {}
    if role is Role.PREFECTURE:
        where = {"municipality": None, "prefecture_code": prefecture_code}
    StaffProfile.objects.create(user=user, ward=ward, department=department, **where)
    return user


# --- Derived indicators: recompute when a counted record changes ----------------------------


def counted_records_changed_send(
    *, model: type, fiscal_years: Iterable[int] | None, user: AbstractBaseUser | None
) -> None:
    """Tell the layers above that records of ``model`` changed for ``fiscal_years`` (None:
    every year), so that what they compute from them is brought up to date."""
    years = sorted(set(fiscal_years)) if fiscal_years is not None else None
    counted_records_changed.send(sender=model, fiscal_years=years, user=user)


# --- The directory of community resources ----------------------------------------------------

RESOURCE_FIELDS = frozenset(field.name for field in DIRECTORY_FIELDS)


@transaction.atomic
def community_resource_create(
    *,
    user: AbstractBaseUser,
    life_stages: Iterable[LifeStage] = (),
    pillars: Iterable[Any] = (),
    **fields,
) -> CommunityResource:
    if unknown := set(fields) - RESOURCE_FIELDS:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    record = record_create(
        record=CommunityResource(origin=Origin.ENTRY, **fields), user=user, validate=None
    )
    record.life_stages.set(life_stages)
    record.pillars.set(pillars)
    return record


@transaction.atomic
def community_resource_update(
    *,
    user: AbstractBaseUser,
    record: CommunityResource,
    expected_version: int | None,
    life_stages: Iterable[LifeStage] | None = None,
    pillars: Iterable[Any] | None = None,
    **changes,
) -> CommunityResource:
    current = record_update(
        record=record,
        user=user,
        expected_version=expected_version,
        changes=changes,
        updatable=RESOURCE_FIELDS,
    )
    if life_stages is not None:
        current.life_stages.set(life_stages)
        current.life_stages_inferred = False  # a person has now said which stages it serves
        current.save(update_fields=["life_stages_inferred"])
    if pillars is not None:
        current.pillars.set(pillars)
    return current


def community_resource_delete(
    *, user: AbstractBaseUser, record: CommunityResource, expected_version: int | None
) -> None:
    record_delete(record=record, user=user, expected_version=expected_version)


# --- School districts ----------------------------------------------------------------------


def school_district_save(
    *, user: AbstractBaseUser | None, code: str, name: str, ward: Ward
) -> tuple[SchoolDistrict, bool]:
    """Create the district ``code`` or bring it up to date; returns it and whether anything
    was written. A ward officer may only add or change their own ward's districts."""
    district = SchoolDistrict.objects.select_for_update().filter(code=code).first()
    if district is not None and (district.name, district.ward_id) == (name, ward.pk):
        return district, False
    if user is not None and district is not None:
        policy.check(user, policy.CHANGE, district)
    moved = district is not None and district.ward_id != ward.pk
    district = district or SchoolDistrict(code=code)
    district.name, district.ward = name, ward
    if user is not None:
        policy.check(user, policy.CREATE, district)
    district.full_clean()
    district._history_user = user
    save_unique(district)
    if moved:
        counted_records_changed_send(model=SchoolDistrict, fiscal_years=None, user=user)
    return district, True


# --- Health town-planning: the stage each district reached in a year -----------------------

HEALTH_TOWN_PLANNING_FIELDS = {"school_district", "fiscal_year", "stage", "reached_on", "notes"}


def validate_stage_order(reason: str):
    """Within a year a district moves forward through the seven steps; going back (a step
    done again, a mistake put right) needs a reason, kept in the record's history."""

    def validate(record: HealthTownPlanningRecord) -> None:
        validate_reporting_year(record.fiscal_year)
        if not record.pk:
            return
        before = HealthTownPlanningRecord.objects.filter(pk=record.pk).values(
            "school_district_id", "fiscal_year", "stage"
        )[0]
        same_year = (before["school_district_id"], before["fiscal_year"]) == (
            record.school_district_id,
            record.fiscal_year,
        )
        if same_year and record.stage < before["stage"] and not reason.strip():
            raise ValidationError(
                {
                    "stage": _(
                        "同じ年度の中で前の段階（%(before)s → %(after)s）に戻すには、"
                        "理由を記入してください。"
                    )
                    % {
                        "before": HealthTownPlanningStage(before["stage"]).label,
                        "after": HealthTownPlanningStage(record.stage).label,
                    }
                }
            )

    return validate


@transaction.atomic
def health_town_planning_create(*, user: AbstractBaseUser, **fields) -> HealthTownPlanningRecord:
    if unknown := set(fields) - HEALTH_TOWN_PLANNING_FIELDS:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    record = record_create(
        record=HealthTownPlanningRecord(**fields), user=user, validate=validate_stage_order("")
    )
    counted_records_changed_send(
        model=HealthTownPlanningRecord, fiscal_years=[record.fiscal_year], user=user
    )
    return record


@transaction.atomic
def health_town_planning_update(
    *,
    user: AbstractBaseUser,
    record: HealthTownPlanningRecord,
    expected_version: int | None,
    reason: str = "",
    **changes,
) -> HealthTownPlanningRecord:
    reason = validate_input(reason.strip(), field="reason", limit=CHANGE_REASON_MAX)
    year_before = record.fiscal_year
    current = record_update(
        record=record,
        user=user,
        expected_version=expected_version,
        changes=changes,
        updatable=HEALTH_TOWN_PLANNING_FIELDS,
        validate=validate_stage_order(reason),
        reason=reason,
    )
    counted_records_changed_send(
        model=HealthTownPlanningRecord,
        fiscal_years=[year_before, current.fiscal_year],
        user=user,
    )
    return current


@transaction.atomic
def health_town_planning_delete(
    *, user: AbstractBaseUser, record: HealthTownPlanningRecord, expected_version: int | None
) -> None:
    year = record.fiscal_year
    record_delete(record=record, user=user, expected_version=expected_version)
    counted_records_changed_send(model=HealthTownPlanningRecord, fiscal_years=[year], user=user)


# --- Volunteer programs and headcounts -------------------------------------------------------

HEADCOUNT_FIELDS = {"program", "fiscal_year", "ward", "headcount", "as_of", "notes"}


def validate_headcount(record: VolunteerHeadcount) -> None:
    validate_reporting_year(record.fiscal_year)


@transaction.atomic
def volunteer_headcount_create(*, user: AbstractBaseUser, **fields) -> VolunteerHeadcount:
    if unknown := set(fields) - HEADCOUNT_FIELDS:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    record = record_create(
        record=VolunteerHeadcount(**fields), user=user, validate=validate_headcount
    )
    counted_records_changed_send(
        model=VolunteerHeadcount, fiscal_years=[record.fiscal_year], user=user
    )
    return record


@transaction.atomic
def volunteer_headcount_update(
    *, user: AbstractBaseUser, record: VolunteerHeadcount, expected_version: int | None, **changes
) -> VolunteerHeadcount:
    year_before = record.fiscal_year
    current = record_update(
        record=record,
        user=user,
        expected_version=expected_version,
        changes=changes,
        updatable=HEADCOUNT_FIELDS,
        validate=validate_headcount,
    )
    counted_records_changed_send(
        model=VolunteerHeadcount,
        fiscal_years=[year_before, current.fiscal_year],
        user=user,
    )
    return current


@transaction.atomic
def volunteer_headcount_delete(
    *, user: AbstractBaseUser, record: VolunteerHeadcount, expected_version: int | None
) -> None:
    year = record.fiscal_year
    record_delete(record=record, user=user, expected_version=expected_version)
    counted_records_changed_send(model=VolunteerHeadcount, fiscal_years=[year], user=user)


@transaction.atomic
def volunteer_program_save(
    *, user: AbstractBaseUser, program: VolunteerProgram
) -> VolunteerProgram:
    """Save a volunteer program (planners, in the admin). Whether it counts for KPI-4-2 may
    have changed: recompute every year."""
    if program.pk and program.origin == Origin.PLAN:
        before = VolunteerProgram.objects.get(pk=program.pk)
        if (before.name, before.health_volunteer) != (program.name, program.health_volunteer):
            raise ValidationError(
                _(
                    "計画書に載っている制度の名称と区分は変更できません。"
                    "計画書の読み込みでだけ変わります。"
                )
            )
    program.full_clean()
    program._history_user = user
    save_unique(program)
    counted_records_changed_send(model=VolunteerProgram, fiscal_years=None, user=user)
    return program


@transaction.atomic
def department_assign(
    *, user: AbstractBaseUser, items: Iterable[models.Model], department: Department | None
) -> int:
    """Make ``department`` (None: none) the 所管課 of every item (sections, initiatives,
    indicators: any plan content with a ``department``), each row checked by the policy and
    its history naming ``user``. All or nothing; returns how many items changed."""
    changed = 0
    for item in items:
        policy.check(user, policy.CHANGE, item)
        if item.department_id == (department.pk if department else None):
            continue
        item.department = department
        item._history_user = user
        item.save(update_fields=["department"])
        changed += 1
    return changed
