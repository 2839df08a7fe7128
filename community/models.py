"""Wards, school districts, the organisation types the plan names, and staff's wards."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Ward(models.Model):
    """One of the city's five wards (区). Created by a migration; they do not change."""

    code = models.SlugField(_("コード"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    name_en = models.CharField(_("英語名"), max_length=40)
    position = models.PositiveSmallIntegerField(_("順序"), unique=True)

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = pgettext_lazy("plural", "区")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class SchoolDistrict(models.Model):
    """An elementary-school district (小学校区), the unit of community work. The city imports
    the list; none is invented here."""

    code = models.CharField(_("コード"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="school_districts", verbose_name=_("区")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("小学校区")
        verbose_name_plural = pgettext_lazy("plural", "小学校区")
        ordering = ["ward__position", "code"]

    def __str__(self) -> str:
        return self.name


class OrganisationType(models.Model):
    """A kind of organisation or facility the plan names (地域包括支援センター, 老人クラブ …)."""

    code = models.SlugField(_("コード"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("順序"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("団体・施設の種類")
        verbose_name_plural = pgettext_lazy("plural", "団体・施設の種類")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """A staff account's ward. Ward officers have one; planners and admins work city-wide.
    Roles themselves are groups (kumamoto_welfare.access)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("アカウント"),
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("区"),
    )

    class Meta:
        verbose_name = _("職員の所属")
        verbose_name_plural = pgettext_lazy("plural", "職員の所属")
        ordering = ["user__username"]

    def __str__(self) -> str:
        where = self.ward.name if self.ward_id else _("全市")
        return f"{self.user} ({where})"
