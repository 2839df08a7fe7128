"""The plan's text in やさしい日本語 (easy Japanese), for the /yasashii/ pages.

Plan data like the rest of the plan: written by hand in the plan folder (the file plan.yaml
names under ``yasashii``, docs/plan-data.md) and kept here by ``load_plan``
(``portal.plan_folder``); the pages read it from here, never from the folder. A plan
without it still has its pages, drawn from its official titles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.areas import AREA
from community.models import municipality_key


class EasyJapanese(models.Model):
    """A plan's やさしい日本語 text, with furigana (``<ruby>漢字<rt>かんじ</rt></ruby>``), as
    the plan folder's file holds it: an introduction (sentences), each pillar's plain title
    and sentences by pillar number, each indicator's plain name by code, each ward's plain
    name by code. Checked when loaded (only ``<ruby>`` and ``<rt>`` as markup, a reading on
    every kanji) and escaped but for that markup when shown (``portal.views.yasashii``)."""

    # infrastructure.tenancy: how a row reaches its municipality
    tenant_path = "plan__municipality"

    plan = models.OneToOneField(
        "programs.Plan",
        on_delete=models.CASCADE,
        related_name="easy_japanese",
        verbose_name=_("計画"),
    )
    intro = models.JSONField(_("はじめの文"), default=list, blank=True)
    pillars = models.JSONField(_("施策"), default=dict, blank=True)
    indicators = models.JSONField(_("成果指標"), default=dict, blank=True)
    wards = models.JSONField(AREA, default=dict, blank=True)

    class Meta:
        verbose_name = _("やさしい日本語の文章")
        verbose_name_plural = pgettext_lazy("plural", "やさしい日本語の文章")

    def __str__(self) -> str:
        return str(self.plan)


class SentMail(models.Model):
    """One notification e-mail to one person (a record returned or approved, a planner's
    daily digest). ``key`` is unique and the row is written in the transaction that sends
    the mail, so each mail goes at most once however often its job or task runs
    (``portal.notifications``).

    A row of the municipality the mail was sent for (``municipality``: the record's, else
    the active tenant's, else the only one loaded). The key stays unique in the whole
    installation: it is made of ids that are (a log row's, a planner's). A row of no
    municipality (a mail sent with several loaded and no tenant active, or kept from before
    the key, where the installation served several) is seen only with no tenant active."""

    # infrastructure.tenancy: how a row reaches its municipality
    tenant_path = "municipality"

    municipality = municipality_key("sent_mails")
    key = models.CharField(_("識別子"), max_length=120, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_mails",
        verbose_name=_("宛先"),
    )
    email = models.EmailField(_("メールアドレス"))
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    sent_at = models.DateTimeField(_("送信日時"))

    class Meta:
        verbose_name = _("お知らせメール")
        verbose_name_plural = pgettext_lazy("plural", "お知らせメール")
        ordering = ["-sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.key} → {self.email}"
