"""Mail about the workflow, in each recipient's language (``StaffProfile.language``, else
``LANGUAGE_CODE``), to those who have not turned it off (``StaffProfile.mail_notifications``):

- to the people who entered a record (created it, or submitted it) when a planner returns it
  (with the reason) or approves it: a job of the outbox (``infrastructure.jobs``), created in
  the transition's transaction (``workflow.record_transitioned``), so it is sent after the
  commit, or again by beat if the broker was away;
- to each planner, once a day, a digest of what was submitted and waits for approval
  (``tasks.send_submission_digests``, beat).

Each mail is sent once: its ``SentMail`` row, with a unique key (the transition's log row
and the recipient; the day and the planner), is written in the transaction that sends it,
as the reporting reminders do (``indicators.reminders``). The row is of the municipality
the mail is sent for: the record's, else the tenant the job or task runs for (the key's
default, ``community.models.municipality_for_new_row``).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from community.access import Role, role_of
from community.tenants import site_url
from infrastructure import policy, tenancy
from infrastructure.jobs.services import job_create, job_handler
from infrastructure.workflow import Status, Transition, entered_or_submitted, record_transitioned

from .models import SentMail
from .task_list import WORKFLOW_MODELS

logger = logging.getLogger(__name__)

WORKFLOW_MAIL = "workflow_mail"
#: The transitions the enterer hears about.
MAILED = (Transition.RETURN, Transition.APPROVE)


@dataclass
class MailRun:
    sent: int = 0
    already_sent: int = 0
    skipped: int = 0
    failed: int = 0


def language_of(user) -> str:
    """The language the user reads mail in."""
    profile = getattr(user, "staff_profile", None)
    return (profile.language if profile is not None else "") or settings.LANGUAGE_CODE


def wants_mail(user) -> bool:
    profile = getattr(user, "staff_profile", None)
    wanted = profile.mail_notifications if profile is not None else True
    return bool(user.is_active and user.email and wanted)


def admin_url(path: str) -> str:
    """An admin address as the mail gives it: absolute when ``SITE_URL`` is set, at the
    municipality's own host where it has one (``community.tenants.site_url``)."""
    return site_url(path)


def send_once(
    key: str,
    recipient,
    template: str,
    context: dict,
    run: MailRun,
    *,
    municipality_id: int | None = None,
) -> None:
    """Render ``portal/email/{template}`` in the recipient's language and send it, unless a
    mail with ``key`` went already or the recipient turned mail off. ``municipality_id``:
    the municipality the mail is about (default: the active tenant's, or the only one)."""
    if not wants_mail(recipient):
        run.skipped += 1
        return
    # The key is unique in the whole installation, whichever municipality's row holds it
    # (one of none, too): asked of every row, not the tenant's only.
    if SentMail._base_manager.filter(key=key).exists():
        run.already_sent += 1
        return
    with translation.override(language_of(recipient)):
        context = {**context, "user": recipient}
        subject = " ".join(
            render_to_string(f"portal/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"portal/email/{template}.txt", context)
    try:
        with transaction.atomic():
            mail = SentMail(
                key=key,
                recipient=recipient,
                email=recipient.email,
                subject=subject[:200],
                body=body,
                sent_at=timezone.now(),
            )
            if municipality_id is not None:
                mail.municipality_id = municipality_id
            mail.save()
            send_mail(subject, body, None, [recipient.email])
    except IntegrityError:
        run.already_sent += 1
        return
    except (OSError, smtplib.SMTPException) as error:
        run.failed += 1
        logger.error("Mail %s to %s failed: %s", key, recipient, type(error).__name__)
        return
    run.sent += 1


# --- A record returned or approved --------------------------------------------------------


@receiver(record_transitioned, dispatch_uid="portal_mail_on_transition")
def queue_transition_mail(sender, record, transition, user, log, **kwargs):
    """In the transition's transaction: a job of the outbox that mails the enterers (none
    when no enterer takes mail)."""
    if transition not in MAILED:
        return
    if not any(wants_mail(person) for person in enterers(record, user.pk)):
        return
    job_create(
        kind=WORKFLOW_MAIL,
        user=user,
        params={"model": sender._meta.label, "record": record.pk, "log": log.pk},
    )


def enterers(record, actor_id: int) -> list:
    """Who entered the record: who created it and who submitted it last, not the actor."""
    ids = []
    first = record.history.order_by("history_date", "history_id").values("history_user_id")[:1]
    ids += [row["history_user_id"] for row in first]
    submit = record.transitions.filter(transition=Transition.SUBMIT).order_by("-at", "-pk")
    ids += list(submit.values_list("user_id", flat=True)[:1])
    wanted = [i for i in dict.fromkeys(ids) if i is not None and i != actor_id]
    users = get_user_model().objects.filter(pk__in=wanted).select_related("staff_profile")
    return sorted(users, key=lambda u: wanted.index(u.pk))


@job_handler(WORKFLOW_MAIL)
def send_transition_mail(job, progress) -> dict:
    model = apps.get_model(job.params["model"])
    record = model.objects.filter(pk=job.params["record"]).first()
    if record is None:
        return {"sent": 0}
    log = record.transitions.select_related("user").filter(pk=job.params["log"]).first()
    if log is None:
        return {"sent": 0}
    run = MailRun()
    meta = record._meta
    url = admin_url(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]))
    template = "returned" if log.transition == Transition.RETURN else "approved"
    municipality_id = tenancy.tenant_id_of(record)
    for recipient in enterers(record, log.user_id):
        context = {"record": record, "log": log, "url": url, "model": meta.verbose_name}
        send_once(
            f"{log.transition}:{meta.label_lower}:{log.pk}:{recipient.pk}",
            recipient,
            template,
            context,
            run,
            municipality_id=municipality_id,
        )
    if run.failed:
        from infrastructure.jobs.services import TransientJobError

        raise TransientJobError(f"{run.failed} mail(s) could not be sent")
    return vars(run)


# --- The planners' daily digest ------------------------------------------------------------


def planners() -> list:
    """The active planners of the municipality the digests are sent for."""
    candidates = (
        policy.in_tenant(get_user_model().objects.all())
        .filter(groups__name=Role.PLANNER.value, is_active=True)
        .distinct()
        .select_related("staff_profile")
        .prefetch_related("groups")
        .order_by("pk")
    )
    return [user for user in candidates if role_of(user) is Role.PLANNER]


def submitted_for(planner) -> list[tuple[str, int, str, list]]:
    """What waits for the planner's approval, per model: (label, count, link, first few).
    Records they entered or submitted themselves are left out (four eyes)."""
    from .task_list import RELATED, SHOWN, _changelist

    rows = []
    for model in WORKFLOW_MODELS:
        waiting = model.objects.filter(status=Status.SUBMITTED)
        if not settings.ALLOW_SELF_APPROVAL:
            waiting = waiting.exclude(entered_or_submitted(model, planner.pk))
        count = waiting.count()
        if count:
            url = admin_url(_changelist(model, status__exact=Status.SUBMITTED))
            records = list(waiting.select_related(*RELATED[model])[:SHOWN])
            rows.append((model._meta.verbose_name, count, url, records))
    return rows


def digests_send(*, today: datetime.date | None = None) -> MailRun:
    """One digest a day to each planner with mail on, of what waits for approval; nothing
    when nothing waits. Safe to run any number of times a day."""
    today = today or timezone.localdate()
    run = MailRun()
    for planner in planners():
        if not wants_mail(planner):
            run.skipped += 1
            continue
        waiting = submitted_for(planner)
        if not waiting:
            continue
        context = {
            "today": today,
            "waiting": waiting,
            "total": sum(count for _label, count, _url, _records in waiting),
        }
        send_once(f"digest:{today.isoformat()}:{planner.pk}", planner, "digest", context, run)
    return run
