"""The reporting workflow shared by indicator values and initiative progress.

draft → submitted → approved; a submitted record can be returned (差し戻し) to draft with a
required comment; a planner can reopen an approved record to draft with a reason. Every
transition is logged with who, when and the comment. Who may do what is decided in
``infrastructure.policy``; this module holds the states and the mechanics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infrastructure import policy
from infrastructure.changes import FieldChange, describe
from infrastructure.text import MAX_COMMENT, PlainTextField, validate_input
from infrastructure.uniqueness import save_unique

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# Sent inside the transaction of a transition that changes what approved data holds (an
# approval, or the reopening of an approved record), with ``record``: side effects (the
# summary refresh) hook in here without the workflow knowing them.
approved_data_changed = Signal()

# Sent inside the transaction of every transition, with ``record``, ``transition`` (a
# ``Transition`` value), ``user`` (who did it) and ``log`` (the transition's log row, with
# its comment): the mail to the people concerned hooks in here (``portal.notifications``).
record_transitioned = Signal()


class Status(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("提出済み")
    APPROVED = "approved", _("承認済み")


class Transition(models.TextChoices):
    SUBMIT = "submit", _("提出")
    APPROVE = "approve", _("承認")
    RETURN = "return", _("差し戻し")
    REOPEN = "reopen", _("承認の取り消し")


# Each transition in a sentence. Japanese joins a noun with する (提出する) but a phrase such as
# 承認の取り消し needs its own verb (承認を取り消す), so the sentences are kept whole, per
# transition, never built as label + しました.
TRANSITION_DONE = {
    Transition.SUBMIT: _("%(record)s を提出しました。"),
    Transition.APPROVE: _("%(record)s を承認しました。"),
    Transition.RETURN: _("%(record)s を差し戻しました。"),
    Transition.REOPEN: _("%(record)s の承認を取り消しました。"),
}
TRANSITION_DONE_COUNT = {
    Transition.SUBMIT: _("%(count)d件を提出しました。"),
    Transition.APPROVE: _("%(count)d件を承認しました。"),
    Transition.RETURN: _("%(count)d件を差し戻しました。"),
    Transition.REOPEN: _("%(count)d件の承認を取り消しました。"),
}
TRANSITION_REFUSED_COUNT = {
    Transition.SUBMIT: _("%(count)d件は提出できませんでした："),
    Transition.APPROVE: _("%(count)d件は承認できませんでした："),
    Transition.RETURN: _("%(count)d件は差し戻せませんでした："),
    Transition.REOPEN: _("%(count)d件は承認を取り消せませんでした："),
}
# 「この記録は今…」「「提出済み」の記録は…」
TRANSITION_CANNOT = {
    Transition.SUBMIT: _("提出できません"),
    Transition.APPROVE: _("承認できません"),
    Transition.RETURN: _("差し戻せません"),
    Transition.REOPEN: _("承認を取り消せません"),
}

# transition: (from, to, comment required)
TRANSITIONS: dict[str, tuple[str, str, bool]] = {
    Transition.SUBMIT: (Status.DRAFT, Status.SUBMITTED, False),
    Transition.APPROVE: (Status.SUBMITTED, Status.APPROVED, False),
    Transition.RETURN: (Status.SUBMITTED, Status.DRAFT, True),
    Transition.REOPEN: (Status.APPROVED, Status.DRAFT, True),
}


class VersionConflict(Exception):
    """The record changed since the client read it (optimistic locking)."""

    def __init__(self, record: models.Model, changes: dict[str, tuple[Any, Any]] | None = None):
        self.record = record
        self.changes = changes or {}  # {attname: (the version the client read, now)}
        super().__init__(
            gettext(
                "この記録は他の人が更新しました（現在の版: %(version)s）。最新の内容を確認して"
                "からやり直してください。"
            )
            % {"version": record.version}
        )

    def described(self) -> list[FieldChange]:
        """What the other person changed, in the words every door uses
        (``infrastructure.changes``): 「年度：2015年度（平成27年度） →
        2016年度（平成28年度）」."""
        return describe(self.record, self.changes)


class WorkflowQuerySet(policy.RestrictedQuerySet):
    """The records the policy lets a user see (``visible_to``) or change (``editable_by``)."""


class WorkflowRecord(models.Model):
    """A progress record a ward reports and a planner approves."""

    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(
        _("版"), default=1, editable=False, help_text=_("保存のたびに1増えます（同時編集の検出）。")
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class VersionedRecord(models.Model):
    """A record a ward keeps without approval (a directory entry, a school district's
    health town-planning stage, a volunteer headcount): public to read, written through the
    same policy and the same ``record_create`` / ``record_update`` / ``record_delete`` as
    progress records, with the same optimistic locking. A model whose ward is reached
    through another row names the path in ``WARD_LOOKUP`` and has a ``ward_id`` property."""

    WARD_LOOKUP = "ward"

    version = models.PositiveIntegerField(
        _("版"), default=1, editable=False, help_text=_("保存のたびに1増えます（同時編集の検出）。")
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class TransitionLog(models.Model):
    """One workflow transition of a record: who, when, from what to what, and why."""

    transition = models.CharField(_("操作"), max_length=10, choices=Transition.choices)
    from_status = models.CharField(_("変更前"), max_length=10, choices=Status.choices)
    to_status = models.CharField(_("変更後"), max_length=10, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作者"),
    )
    at = models.DateTimeField(_("日時"), auto_now_add=True)
    comment = PlainTextField(_("コメント"), max_length=MAX_COMMENT, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_transition_display()} {self.at:%Y-%m-%d %H:%M} {self.user}"


def lock_for_update(record: WorkflowRecord, expected_version: int | None) -> WorkflowRecord:
    """The record re-read under a row lock; refuses if it moved past ``expected_version``,
    naming what changed since."""
    current = type(record).objects.select_for_update().get(pk=record.pk)
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(current, _changes_since(current, expected_version))
    return current


# simple-history's change reason is a CharField(max_length=100): a longer one (a transition's
# comment is part of it) fails on PostgreSQL. The whole comment is in the transition log.
CHANGE_REASON_MAX = 100


def save_version(record: WorkflowRecord, *, user: AbstractBaseUser, reason: str = "") -> None:
    record.version += 1
    record._history_user = user
    if reason:
        record._change_reason = reason[:CHANGE_REASON_MAX]
    save_unique(record)  # an update may move a record onto another's key


#: Rules across rows that a record must still meet when it moves on (submitted, approved),
#: by model: each app registers its own in its ``ready`` (``check_on_transition``).
TRANSITION_CHECKS: dict[type, Any] = {}


def check_on_transition(model: type[WorkflowRecord], validate) -> None:
    """Run ``validate(record)`` before a record of ``model`` is submitted or approved: the
    rules of entry hold for what others figured since (an earlier year's figure changed)."""
    TRANSITION_CHECKS[model] = validate


@transaction.atomic
def record_transition(
    *,
    record: WorkflowRecord,
    transition: str,
    user: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> WorkflowRecord:
    """Move ``record`` through ``transition`` if the user may; returns the saved record."""
    current = lock_for_update(record, expected_version)
    source, target, needs_comment = TRANSITIONS[transition]
    policy.check(user, transition, current)
    if current.status != source:
        raise ValidationError(
            gettext("「%(status)s」の記録は%(cannot)s。")
            % {"status": current.get_status_display(), "cannot": TRANSITION_CANNOT[transition]}
        )
    comment = validate_input(comment.strip(), field="comment", limit=MAX_COMMENT)
    if needs_comment and not comment:
        raise ValidationError(
            {
                "comment": gettext("%(action)sにはコメントが必要です。")
                % {"action": Transition(transition).label}
            }
        )
    if target in (Status.SUBMITTED, Status.APPROVED) and (
        validate := TRANSITION_CHECKS.get(type(current))
    ):
        validate(current)
    current.status = target
    save_version(current, user=user, reason=f"{transition}: {comment}".rstrip(": "))
    log = current.transitions.create(
        transition=transition, from_status=source, to_status=target, user=user, comment=comment
    )
    if Status.APPROVED in (source, target):
        approved_data_changed.send(sender=type(current), record=current)
    record_transitioned.send(
        sender=type(current), record=current, transition=transition, user=user, log=log
    )
    return current


# --- Writes shared by every progress record ---------------------------------------------
# Each app's services call these with its own ``validate`` for the rules across rows.


def _changes_since(current: WorkflowRecord, version: int) -> dict[str, tuple[Any, Any]]:
    """Field by field, what changed between ``version`` (from the history) and now."""
    then = current.history.filter(version=version).order_by("-history_date").first()
    if then is None:
        return {}
    names = [
        f.attname
        for f in current._meta.concrete_fields
        if f.attname not in {"id", "version", "created_at", "updated_at"}
    ]
    return {
        name: (getattr(then, name), getattr(current, name))
        for name in names
        if getattr(then, name, None) != getattr(current, name)
    }


def _full_validate(record: WorkflowRecord, validate) -> None:
    record.full_clean()
    if validate is not None:
        validate(record)


@transaction.atomic
def record_create(
    *, record: WorkflowRecord, user: AbstractBaseUser, validate=None
) -> WorkflowRecord:
    if isinstance(record, WorkflowRecord):
        record.status = Status.DRAFT
    policy.check(user, policy.CREATE, record)
    _full_validate(record, validate)
    record._history_user = user
    save_unique(record)
    return record


@transaction.atomic
def record_update(
    *,
    record: WorkflowRecord,
    user: AbstractBaseUser,
    expected_version: int | None,
    changes: dict[str, Any],
    updatable: set[str],
    validate=None,
    reason: str = "",
) -> WorkflowRecord:
    """Apply ``changes`` (to ``updatable`` fields only) to the record if the user may and
    nobody saved it since ``expected_version``; a conflict names what the other person
    changed."""
    if unknown := set(changes) - updatable:
        raise ValueError(f"cannot update {sorted(unknown)}")

    current = lock_for_update(record, expected_version)
    policy.check(user, policy.CHANGE, current)
    for name, value in changes.items():
        setattr(current, name, value)
    policy.check(
        user, policy.CREATE, current
    )  # the record as it would become, e.g. moved to another ward
    _full_validate(current, validate)
    save_version(current, user=user, reason=reason)
    return current


def record_revert_to_draft(*, record: WorkflowRecord, user: AbstractBaseUser, comment: str) -> None:
    """Send a submitted or approved record back to draft without asking the policy: for the
    system itself (a derived figure recomputed from changed sources), never for a person's
    request. Logged as a return (from submitted) or a reopening (from approved), with
    ``user`` the person whose change caused it and ``comment`` the reason."""
    transition = {Status.SUBMITTED: Transition.RETURN, Status.APPROVED: Transition.REOPEN}[
        record.status
    ]
    source = record.status
    record.status = Status.DRAFT
    save_version(record, user=user, reason=f"{transition}: {comment}")
    record.transitions.create(
        transition=transition,
        from_status=source,
        to_status=Status.DRAFT,
        user=user,
        comment=comment,
    )


@transaction.atomic
def record_delete(
    *, record: WorkflowRecord, user: AbstractBaseUser, expected_version: int | None
) -> None:
    current = lock_for_update(record, expected_version)
    policy.check(user, policy.DELETE, current)
    current._history_user = user
    current.delete()


# --- A record's past and its review -------------------------------------------------------
#
# Staff in a record's scope (``policy.in_scope``: planners and admins; the officers of its
# ward, or of its department for a record kept per department) see its whole past: every
# version, drafts included, every transition with who took it and the comment. Everyone else
# sees a record only as approved, and so its past only from its approvals: of its versions the
# approved ones, of its transitions the outcomes (approvals and their withdrawal), and of those
# neither who nor why. Every door to the past (the admin's history, a past version's page, the
# transition log, the API's ``transitions``) asks these functions.

OUTCOME_TRANSITIONS = (Transition.APPROVE, Transition.REOPEN)


def has_workflow(model_or_record) -> bool:
    """Whether the record goes through draft → submitted → approved."""
    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    return issubclass(model, WorkflowRecord)


def past_versions(user, record, versions):
    """Of ``versions`` (``record``'s historical rows), those the user may see: all of them in
    the record's scope or for a record without a workflow, else the approved ones only."""
    if not has_workflow(record) or policy.in_scope(user, record):
        return versions
    return versions.filter(status=Status.APPROVED)


def transitions_shown(user, record, transitions) -> tuple[list, bool]:
    """Of ``transitions`` (the record's log, in order), those the user may see, and whether
    with who took them and why (``True`` in the record's scope). Outside it: the outcomes
    (approvals and their withdrawal) only, never who or the comment."""
    if policy.in_scope(user, record):
        return list(transitions), True
    return [t for t in transitions if t.transition in OUTCOME_TRANSITIONS], False


def entered_or_submitted(model: type[WorkflowRecord], user_id: int) -> models.Q:
    """The records of ``model`` the user entered (created or changed their content: a version
    of theirs that is not a transition) or submitted, as one condition: who may not approve
    them as well (``ALLOW_SELF_APPROVAL`` aside). The one rule of four eyes, for a list (the
    task list) and for one record (``entered_or_submitted_by``)."""
    submitted = model._meta.get_field("transitions").related_model.objects.filter(
        transition=Transition.SUBMIT, user_id=user_id
    )
    transition = models.Q()
    for name in Transition.values:
        transition |= models.Q(history_change_reason=name)
        transition |= models.Q(history_change_reason__startswith=f"{name}:")
    entered = model.history.filter(history_user_id=user_id).exclude(transition)
    return models.Q(pk__in=submitted.values("record_id")) | models.Q(pk__in=entered.values("id"))


def entered_or_submitted_by(record, user_id: int) -> bool:
    """Whether the user entered or submitted ``record`` (``entered_or_submitted``): one query."""
    if record.pk is None:
        return False
    model = type(record)
    return model.objects.filter(entered_or_submitted(model, user_id), pk=record.pk).exists()
