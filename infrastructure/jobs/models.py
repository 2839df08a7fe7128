"""Long-running work done by the Celery worker, recorded in the database.

A ``Job`` is written in the same transaction as the request that asks for it and sent to the
broker once that transaction commits, so it is never lost: if Redis is down the row stays
``queued`` and beat sends it again (``tasks.requeue_jobs``). The worker claims the row before
working, so a message delivered twice does the work once; while it runs it writes a
heartbeat (``heartbeat_at``), and a running job whose heartbeat stopped (its worker or
server died) is taken up again (``services.job_is_dead``). Its progress (``done`` of
``total``) and result are what a status page shows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("実行中")
    SUCCEEDED = "succeeded", _("完了")
    FAILED = "failed", _("失敗")


class Job(models.Model):
    """One piece of background work of a kind (``annual_report``, ``refresh_summaries`` …)
    with its parameters, progress and outcome, for the tenant (municipality) that asked for it
    (``infrastructure.tenancy``; none: the whole installation)."""

    tenant_path = "tenant"  # the tenant's id is kept as it is, below

    kind = models.CharField(_("種類"), max_length=40, db_index=True)
    tenant_id = models.PositiveIntegerField(_("自治体"), null=True, blank=True, editable=False)
    tenant_code = models.CharField(_("団体コード"), max_length=6, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("依頼者"),
    )
    params = models.JSONField(_("条件"), default=dict, blank=True)
    status = models.CharField(
        _("状態"),
        max_length=10,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
        db_index=True,
    )
    done = models.PositiveIntegerField(_("処理済み"), default=0)
    total = models.PositiveIntegerField(_("全体"), null=True, blank=True)
    result = models.JSONField(_("結果"), null=True, blank=True)
    error = models.TextField(_("エラー"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("実行回数"), default=0)
    enqueued_at = models.DateTimeField(_("キューへの送信日時"), null=True, blank=True)
    enqueue_error = models.CharField(
        _("送信できなかった理由"),
        max_length=200,
        blank=True,
        help_text=_("キュー（Redis）に送れなかったとき。定期処理が再送します。"),
    )
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("最終応答日時"),
        null=True,
        blank=True,
        help_text=_(
            "実行中の処理が生きていることを定期的に記録します。途絶えた処理はやり直します。"
        ),
    )

    class Meta:
        verbose_name = _("バックグラウンド処理")
        verbose_name_plural = pgettext_lazy("plural", "バックグラウンド処理")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} ({self.get_status_display()})"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == JobStatus.SUCCEEDED else None
        return min(100, round(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class WorkerHeartbeat(models.Model):
    """The last time a worker ran the heartbeat task that beat sends every minute; /healthz
    reads it to tell whether a worker answered recently."""

    hostname = models.CharField(_("ワーカー"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("最終応答日時"))

    class Meta:
        verbose_name = _("ワーカーの応答")
        verbose_name_plural = pgettext_lazy("plural", "ワーカーの応答")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname} {self.seen_at:%Y-%m-%d %H:%M:%S}"
