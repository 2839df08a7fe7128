"""Reporting-round reminders: before a round's deadline, each ward officer whose ward still
owes records for the year gets one e-mail listing them, and so does each department officer
whose department (所管課) still owes the city-wide records of its items; after it, each
planner gets one summary of what is late: each ward's records and the city's (the
city-wide ones, a department's or the planners' own). A municipality without areas has no
ward officers: its reminders are the departments' and the planners' alone.

Idempotent by construction: the ``Reminder`` row, unique per (round, recipient, kind), is
written in the transaction that sends the mail. A second run finds the row and sends
nothing; a run that fails to send rolls the row back, so the next run tries again. (If the
database commit itself failed after the mail server accepted the mail, the mail could go
twice; the send is the last step before the commit to keep that window small.)
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from community.access import Role, role_of
from community.models import Ward
from infrastructure import policy
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.workflow import Status

from .choices import ValueKind
from .models import IndicatorValue, Reminder, ReminderKind, ReportingRound
from .selectors import Gap, _expected_reports, reporting_gaps

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    sent: int = 0
    already_sent: int = 0
    skipped_without_email: int = 0
    failed: int = 0


def reminders_send(*, today: datetime.date | None = None) -> ReminderRun:
    """Send what is due today (the city's date) for every reporting round."""
    today = today or timezone.localdate()
    run = ReminderRun()
    for round_ in ReportingRound.objects.all():
        if round_.deadline - datetime.timedelta(days=round_.lead_days) <= today <= round_.deadline:
            _remind_ward_officers(round_, run)
            _remind_department_officers(round_, run)
        elif today > round_.deadline:
            _summarise_for_planners(round_, run)
    return run


def _staff(role: Role) -> list:
    """Active staff whose role (``access.role_of``, the highest of their groups) is ``role``,
    of the municipality the reminders are sent for (``in_each_municipality``)."""
    candidates = (
        policy.in_tenant(get_user_model().objects.all())
        .filter(groups__name__in=[r.value for r in Role], is_active=True)
        .distinct()
        .select_related("staff_profile__ward", "staff_profile__department")
        .prefetch_related("groups")
        .order_by("pk")
    )
    return [user for user in candidates if role_of(user) is role]


def _remind_ward_officers(round_: ReportingRound, run: ReminderRun) -> None:
    officers = [u for u in _staff(Role.WARD_OFFICER) if getattr(u, "staff_profile", None)]
    wards = {u.staff_profile.ward for u in officers if u.staff_profile.ward_id}
    gaps = reporting_gaps(sorted(wards, key=lambda w: w.position), fiscal_year=round_.fiscal_year)
    for officer in officers:
        ward = officer.staff_profile.ward
        if ward is None or not gaps.get(ward.pk):
            continue
        context = {
            "round": round_,
            "ward": ward,
            "place": ward.name,
            "user": officer,
            "gaps": gaps[ward.pk],
        }
        _send_once(round_, officer, ReminderKind.BEFORE_DEADLINE, "before_deadline", context, run)


def city_wide_gaps(*, fiscal_year: int) -> list[tuple[Gap, int | None]]:
    """What the city as a whole still owes for a fiscal year: every report a ward owes
    (``selectors._expected_reports``) with no city-wide record, or a draft one, each with
    the department (所管課) that reports it (None: the planners). Three queries."""
    from programs.models import InitiativeProgress

    indicators, initiatives, sections = _expected_reports()
    values = dict(
        IndicatorValue.objects.filter(
            fiscal_year=fiscal_year, kind=ValueKind.ACTUAL, ward__isnull=True
        ).values_list("indicator_id", "status")
    )
    progress = {
        (initiative_id, section_id): status
        for initiative_id, section_id, status in InitiativeProgress.objects.filter(
            fiscal_year=fiscal_year, ward__isnull=True
        ).values_list("initiative_id", "section_id", "status")
    }
    owed = [
        ("indicator_value", i, values.get(i.pk), i.responsible_department_id)
        for i in indicators.select_related("pillar", "section")
    ]
    owed += [
        ("initiative_progress", i, progress.get((i.pk, None)), i.department_id)
        for i in initiatives.select_related("pillar", "section__pillar")
    ]
    owed += [
        ("initiative_progress", s, progress.get((None, s.pk)), s.department_id)
        for s in sections.select_related("pillar")
    ]
    return [
        (Gap(what, subject, status), department_id)
        for what, subject, status, department_id in owed
        if status in (None, Status.DRAFT)
    ]


# Named when the e-mail is written, in the recipient's language: 市全体, 市全体（高齢福祉課）.
_city_wide_place = gettext_lazy("市全体")
_department_place = lazy(
    lambda department: gettext("市全体（%(department)s）") % {"department": department}, str
)


def _remind_department_officers(round_: ReportingRound, run: ReminderRun) -> None:
    """Each department officer whose department's items still owe city-wide records."""
    officers = [
        u
        for u in _staff(Role.DEPARTMENT_OFFICER)
        if getattr(u, "staff_profile", None) and u.staff_profile.department_id
    ]
    if not officers:
        return
    by_department: dict[int, list[Gap]] = {}
    for gap, department_id in city_wide_gaps(fiscal_year=round_.fiscal_year):
        if department_id is not None:
            by_department.setdefault(department_id, []).append(gap)
    for officer in officers:
        department = officer.staff_profile.department
        if not by_department.get(department.pk):
            continue
        context = {
            "round": round_,
            "user": officer,
            "gaps": by_department[department.pk],
            "place": _department_place(department),
        }
        _send_once(round_, officer, ReminderKind.BEFORE_DEADLINE, "before_deadline", context, run)


def _summarise_for_planners(round_: ReportingRound, run: ReminderRun) -> None:
    # Only planners who were on the staff by the deadline, and have not had it yet: a new
    # account gets no summaries of rounds that closed before it existed.
    already = set(
        Reminder.objects.filter(round=round_, kind=ReminderKind.LATE_SUMMARY).values_list(
            "recipient_id", flat=True
        )
    )
    planners = [
        planner
        for planner in _staff(Role.PLANNER)
        if planner.pk not in already and timezone.localdate(planner.date_joined) <= round_.deadline
    ]
    if not planners:
        return  # nothing due: the round's gaps are not computed again
    wards = list(Ward.objects.all())
    gaps = reporting_gaps(wards, fiscal_year=round_.fiscal_year)
    # The city's own records first (as the completeness view lists them), then each ward's.
    city = [gap for gap, _department in city_wide_gaps(fiscal_year=round_.fiscal_year)]
    late = [(_city_wide_place, city)] if city else []
    late += [(ward.name, gaps[ward.pk]) for ward in wards if gaps[ward.pk]]
    if not late:
        return
    for planner in planners:
        context = {"round": round_, "user": planner, "late": late}
        _send_once(round_, planner, ReminderKind.LATE_SUMMARY, "late_summary", context, run)


def _send_once(round_, recipient, kind, template, context, run: ReminderRun) -> None:
    if not recipient.email:
        run.skipped_without_email += 1
        logger.warning("No e-mail address for %s: reminder %s not sent", recipient, kind)
        return
    if Reminder.objects.filter(round=round_, recipient=recipient, kind=kind).exists():
        run.already_sent += 1
        return
    # The staff's language (their profile's), else the city's.
    profile = getattr(recipient, "staff_profile", None)
    with translation.override(getattr(profile, "language", "") or settings.LANGUAGE_CODE):
        context = {**context, "fiscal_year": fiscal_year_label(round_.fiscal_year)}
        subject = render_to_string(f"indicators/email/{template}_subject.txt", context)
        subject = " ".join(subject.split())
        body = render_to_string(f"indicators/email/{template}.txt", context)
    try:
        with transaction.atomic():
            # The claim: a concurrent run waits here on the unique constraint, then fails.
            Reminder.objects.create(
                round=round_,
                recipient=recipient,
                kind=kind,
                email=recipient.email,
                ward=context.get("ward"),
                subject=subject,
                body=body,
                sent_at=timezone.now(),
            )
            send_mail(subject, body, None, [recipient.email])
    except IntegrityError:
        run.already_sent += 1
        return
    except (OSError, smtplib.SMTPException) as error:
        # Not recorded, so the next run (the task's retry) tries again; the others go on.
        run.failed += 1
        logger.error("Reminder %s to %s failed: %s", kind, recipient, type(error).__name__)
        return
    run.sent += 1
