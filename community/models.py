"""The municipality and its wards, school districts, the organisation types the plan names,
staff's wards, and the records the community keeps: the directory of resources, the health
town-planning stage of each district, volunteer programs and their headcounts."""

from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community.tenants import tenants
from infrastructure import tenancy
from infrastructure.fiscal_year import (
    MAX_FISCAL_YEAR,
    MIN_FISCAL_YEAR,
    fiscal_year_label,
    fiscal_year_of,
)
from infrastructure.text import (
    MAX_DESCRIPTION,
    MAX_NOTE,
    PlainCharField,
    PlainTextField,
    validate_text,
)
from infrastructure.workflow import VersionedRecord

from .areas import AREA, AREAS, DEFAULT_WORD, DEFAULT_WORD_EN, area_text, area_word
from .choices import HealthTownPlanningStage, Origin

# --- The municipality (自治体) and its wards ----------------------------------------------

MUNICIPALITY_CODE_WEIGHTS = (6, 5, 4, 3, 2)


def municipality_code_check_digit(first_five: str) -> int:
    """The check digit of a 全国地方公共団体コード (JIS X 0402) from its first five digits:
    the digits weighted 6, 5, 4, 3, 2, summed, and the last digit of 11 minus the sum's
    remainder by 11 (remainder 1 gives 0, remainder 0 gives 1)."""
    total = sum(int(d) * w for d, w in zip(first_five, MUNICIPALITY_CODE_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def validate_municipality_code(value: str) -> None:
    """Six digits whose last is the check digit of the first five."""
    if not (isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("全国地方公共団体コードは6桁の数字です（検査数字を含む）。"), code="format"
        )
    if int(value[5]) != municipality_code_check_digit(value[:5]):
        raise ValidationError(
            _("全国地方公共団体コード「%(code)s」の検査数字が正しくありません。"),
            code="check_digit",
            params={"code": value},
        )


class Municipality(models.Model):
    """A municipality (自治体) the installation serves, as a plan folder's data files name it.
    One installation may serve several (docs/architecture.md, "Many municipalities on one
    installation"); its wards, plans and other city rows belong to it."""

    tenant_path = "pk"  # infrastructure.tenancy: how a row reaches its municipality

    code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        unique=True,
        validators=[validate_municipality_code],
        help_text=_("JIS X 0402 の6桁（検査数字を含む）。"),
    )
    name = PlainCharField(_("名称"), max_length=40)
    name_en = PlainCharField(_("英語名"), max_length=80)
    prefecture = PlainCharField(_("都道府県"), max_length=10)
    area_word = PlainCharField(
        _("地域の呼び方"),
        max_length=10,
        default=DEFAULT_WORD,
        help_text=_("市が実績を分けて報告する地域の呼び方（区、地区、支所 など）。"),
    )
    area_word_en = PlainCharField(
        _("地域の呼び方（英語）"),
        max_length=20,
        default=DEFAULT_WORD_EN,
        help_text=_("英語の小文字で（ward、district など）。"),
    )
    # The population the plan's data states (municipality.yaml): the prefecture's view
    # compares counts per 1,000 residents with it. Optional; never guessed.
    population = models.PositiveIntegerField(
        _("人口"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("計画のデータに記載の人口。空欄なら人口あたりの比較をしません。"),
    )
    population_as_of = models.DateField(
        _("人口の時点"), null=True, blank=True, help_text=_("人口の基準日（例：2015-10-01）。")
    )

    class Meta:
        verbose_name = _("自治体")
        verbose_name_plural = pgettext_lazy("plural", "自治体")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language."""
        return self.name_en if _in_english() and self.name_en else self.name

    @property
    def display_area_word(self) -> str:
        """The city's own word for the areas it reports by, in the active language."""
        return (self.area_word_en or "area") if _in_english() else self.area_word


def _in_english() -> bool:
    return (get_language() or "").startswith("en")


# --- The municipality a city row belongs to ------------------------------------------------


def municipality_for_new_row() -> int | None:
    """The municipality (its id) a new city row belongs to when its writer names none: the
    active tenant's (``infrastructure.tenancy``), else the only municipality loaded, else none
    (an installation with no municipality yet, or several and no tenant). The one rule for
    every model with its own ``municipality`` key (``municipality_key``): the key's default,
    so that a row has its municipality from the moment it is made, before it is validated.
    The municipalities loaded are the map the tenant middleware reads (``community.tenants.
    tenants``: the shared cache, no query), not asked of the database for every new row."""
    if (tenant_id := tenancy.current_id()) is not None:
        return tenant_id
    served = tenants()
    return next(iter(served.values())).id if len(served) == 1 else None


def municipality_key(related_name: str) -> models.ForeignKey:
    """The ``municipality`` key of a city row that reaches no municipality through a parent
    (docs/architecture.md, "Many municipalities"). Nullable, so that rows made before any
    municipality is loaded (and installation administrators' staff profiles) have none; set
    by ``municipality_for_new_row`` when the writer names none. Not in forms: the tenant, not
    the person, decides it."""
    return models.ForeignKey(
        "community.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        default=municipality_for_new_row,
        related_name=related_name,
        verbose_name=_("自治体"),
    )


def copied_municipality_key() -> models.ForeignKey:
    """The ``municipality`` key a big table keeps on each row although the row reaches its
    municipality through a parent (an indicator value through its indicator): copied from
    the parent on every save (``tenant_source``, ``infrastructure.tenancy``), so that keeping
    to a municipality, in a query or a row-level security policy, compares one column
    instead of joining up to the plan (docs/performance.md). Not in forms, nor in any
    answer: the parent says it. It never keeps a municipality from being deleted where the
    parents would let it be (each chain of parents protects it where it should)."""
    return models.ForeignKey(
        "community.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("自治体"),
    )


def unique_in_municipality(
    model: str, field: str, message, *, condition: Q | None = None
) -> list[models.UniqueConstraint]:
    """``field`` is unique within a municipality (and among rows of no municipality, since
    a plain unique constraint treats every NULL municipality as different): two partial
    constraints, with the message ``validate_constraints`` shows for a duplicate."""
    alone = (
        Q(municipality__isnull=True)
        if condition is None
        else condition & Q(municipality__isnull=True)
    )
    return [
        models.UniqueConstraint(
            fields=["municipality", field],
            condition=condition,
            name=f"{model}_unique_{field}_in_municipality",
            violation_error_message=message,
        ),
        models.UniqueConstraint(
            fields=[field],
            condition=alone,
            name=f"{model}_unique_{field}_without_municipality",
            violation_error_message=message,
        ),
    ]


class MunicipalityScoped:
    """A model whose uniqueness holds per municipality (``unique_in_municipality``). A form
    leaves ``municipality`` out (not editable), and Django skips every constraint naming a
    field the form left out: validate them with the row's municipality all the same, so that
    a duplicate is a message, not a database error."""

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ()) - {"municipality"}
        super().validate_constraints(exclude=exclude)


class Ward(MunicipalityScoped, models.Model):
    """A ward (区) of the municipality, with its own municipality code. Loaded from the
    plan's data files by ``load_plan``."""

    tenant_path = "municipality"  # infrastructure.tenancy: how a row reaches its municipality

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        related_name="wards",
        verbose_name=_("自治体"),
    )
    code = models.SlugField(_("コード"), max_length=20)
    municipality_code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        blank=True,
        validators=[validate_municipality_code],
        help_text=area_text(gettext_noop("%(area)sの6桁のコード（JIS X 0402、検査数字を含む）。")),
    )
    name = PlainCharField(_("名称"), max_length=20)
    name_en = PlainCharField(_("英語名"), max_length=40)
    position = models.PositiveSmallIntegerField(_("順序"))

    class Meta:
        # The municipality's own word for its areas (区, 地区 …): community.areas.
        verbose_name = AREA
        verbose_name_plural = AREAS
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality_code"],
                condition=~Q(municipality_code=""),
                name="ward_unique_municipality_code",
            ),
            # Per municipality: two cities may each have an area of the same code or name.
            *unique_in_municipality(
                "ward", "code", area_text(gettext_noop("同じコードの%(area)sがすでにあります。"))
            ),
            *unique_in_municipality(
                "ward", "name", area_text(gettext_noop("同じ名称の%(area)sがすでにあります。"))
            ),
            *unique_in_municipality(
                "ward", "position", area_text(gettext_noop("同じ順序の%(area)sがすでにあります。"))
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (``name``, or ``name_en`` in English): what every
        page, the API's labels and the admin show. Codes and URLs keep ``name``."""
        return self.name_en if _in_english() and self.name_en else self.name


class Department(models.Model):
    """A department (所管課) of the city's administration, responsible for sections and
    initiatives of the plan and writing their 一次評価. Data the planners keep in the admin:
    none is invented here."""

    tenant_path = "municipality"  # infrastructure.tenancy: how a row reaches its municipality

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("自治体"),
    )
    name = PlainCharField(_("名称"), max_length=100)
    position = models.PositiveSmallIntegerField(
        _("順序"), default=0, help_text=_("一覧での並び順（小さいほど先）。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("所管課")
        verbose_name_plural = pgettext_lazy("plural", "所管課")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="department_unique_name_in_municipality",
                violation_error_message=_("同じ名称の所管課がすでにあります。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class SchoolDistrict(MunicipalityScoped, models.Model):
    """An elementary-school district (小学校区), the unit of community work. The city imports
    the list; none is invented here."""

    tenant_path = "municipality"

    municipality = municipality_key("school_districts")
    code = PlainCharField(_("コード"), max_length=20)
    name = PlainCharField(_("名称"), max_length=100)
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="school_districts", verbose_name=AREA
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("小学校区")
        verbose_name_plural = pgettext_lazy("plural", "小学校区")
        ordering = ["ward__position", "code"]
        constraints = [
            *unique_in_municipality(
                "school_district", "code", _("同じコードの小学校区がすでにあります。")
            ),
            *unique_in_municipality(
                "school_district", "name", _("同じ名称の小学校区がすでにあります。")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationType(MunicipalityScoped, models.Model):
    """A kind of organisation or facility the plan names (地域包括支援センター, 老人クラブ …),
    of one municipality."""

    tenant_path = "municipality"

    municipality = municipality_key("organisation_types")
    code = models.SlugField(_("コード"), max_length=64)
    name = PlainCharField(_("名称"), max_length=100)
    name_en = PlainCharField(_("英語名"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("順序"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("団体・施設の種類")
        verbose_name_plural = pgettext_lazy("plural", "団体・施設の種類")
        ordering = ["position"]
        constraints = [
            *unique_in_municipality(
                "organisation_type", "code", _("同じコードの団体・施設の種類がすでにあります。")
            ),
            *unique_in_municipality(
                "organisation_type", "name", _("同じ名称の団体・施設の種類がすでにあります。")
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (the Japanese one where no English is set)."""
        return self.name_en if _in_english() and self.name_en else self.name


#: A prefecture's code: JIS X 0401, two digits (01 北海道 … 47 沖縄県), the first two of each
#: of its municipalities' codes (the fictional fixtures' prefecture is 99).
PREFECTURE_CODE = r"^[0-9]{2}$"


class StaffProfile(models.Model):
    """A staff account's ward or department. Ward officers have a ward, department officers
    a department (所管課); planners and admins work city-wide. Roles themselves are groups
    (infrastructure.policy). A profile belongs to a municipality; an installation
    administrator's may have none."""

    tenant_path = "municipality"

    municipality = municipality_key("staff")
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
        verbose_name=AREA,
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所管課"),
        help_text=_("所管課職員のみ。"),
    )
    prefecture_code = models.CharField(
        _("都道府県コード"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(PREFECTURE_CODE, _("2桁の数字です（例：43）。"))],
        help_text=_("都道府県職員の都道府県（JIS X 0401、自治体コードの上2桁）。"),
    )
    mail_notifications = models.BooleanField(
        _("メールでのお知らせ"),
        default=True,
        help_text=_("差し戻し・承認のお知らせと、計画担当への提出の一覧をメールで受け取ります。"),
    )
    language = models.CharField(
        _("メールの言語"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("空欄のときは日本語です。"),
    )

    class Meta:
        verbose_name = _("職員の所属")
        verbose_name_plural = pgettext_lazy("plural", "職員の所属")
        ordering = ["user__username"]

    def __str__(self) -> str:
        if self.department_id:
            return f"{self.user} ({self.department})"
        where = self.ward if self.ward_id else _("全市")
        return f"{self.user} ({where})"


# --- The community's own records ----------------------------------------------------------


class LifeStage(models.Model):
    """A life stage (ライフステージ) the plan's consultation figure is laid out by. Created by
    a migration, with stable codes that filters and import files use."""

    code = models.SlugField(_("コード"), max_length=20, unique=True)
    name = PlainCharField(_("名称"), max_length=20, unique=True)
    name_en = PlainCharField(_("英語名"), max_length=40)
    position = models.PositiveSmallIntegerField(_("順序"), unique=True)

    class Meta:
        verbose_name = _("ライフステージ")
        verbose_name_plural = pgettext_lazy("plural", "ライフステージ")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (高齢期, Old age)."""
        return self.name_en if _in_english() and self.name_en else self.name


class CommunityResource(MunicipalityScoped, VersionedRecord):
    """An organisation or facility the community relies on (地域資源): the directory entry
    people consult. Kept by its ward; a city-wide body has no ward. Entries the plan names
    come from the plan data (origin ``plan``) and are managed by load_plan alone."""

    tenant_path = "municipality"

    municipality = municipality_key("resources")
    code = models.SlugField(
        _("コード"),
        max_length=64,
        blank=True,
        help_text=_("計画書に載っている団体の識別子（load_plan が使います）。"),
    )
    name = PlainCharField(_("名称"), max_length=200)
    organisation_type = models.ForeignKey(
        OrganisationType,
        on_delete=models.PROTECT,
        related_name="resources",
        verbose_name=_("種類"),
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=AREA,
        help_text=_("空欄は市全体。"),
    )
    school_district = models.ForeignKey(
        SchoolDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("小学校区"),
    )
    address = PlainCharField(_("所在地"), max_length=300, blank=True)
    phone = PlainCharField(_("電話番号"), max_length=40, blank=True)
    website = models.URLField(
        _("ウェブサイト"), max_length=300, blank=True, validators=[validate_text]
    )
    hours = PlainCharField(
        _("受付時間"),
        max_length=200,
        blank=True,
        help_text=_("電話や窓口で受け付ける曜日と時間（例：月〜金 8:30〜17:15）。"),
    )
    opening_notes = PlainTextField(_("開所日・時間など"), max_length=MAX_DESCRIPTION, blank=True)
    description = PlainTextField(_("説明"), max_length=MAX_DESCRIPTION, blank=True)
    consultation = models.BooleanField(
        _("相談窓口"), default=False, help_text=_("「相談できるところ」の検索に表示します。")
    )
    life_stages = models.ManyToManyField(
        LifeStage, blank=True, related_name="resources", verbose_name=_("ライフステージ")
    )
    life_stages_inferred = models.BooleanField(
        _("ライフステージは推定"),
        default=False,
        help_text=_("計画書の図から読み取れず、役割から推定したもの（PDF で確認が必要）。"),
    )
    pillars = models.ManyToManyField(
        "programs.Pillar", blank=True, related_name="resources", verbose_name=_("関係する施策")
    )
    origin = models.CharField(
        _("登録元"), max_length=10, choices=Origin.choices, default=Origin.ENTRY
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("地域資源")
        verbose_name_plural = pgettext_lazy("plural", "地域資源")
        ordering = ["ward__position", "organisation_type__position", "name", "pk"]
        constraints = [
            *unique_in_municipality(
                "community_resource",
                "code",
                _("同じコードの地域資源がすでにあります。"),
                condition=~Q(code=""),
            ),
            models.CheckConstraint(
                condition=Q(origin__in=Origin.values), name="community_resource_origin_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.school_district_id and self.school_district.ward_id != self.ward_id:
            raise ValidationError(
                {
                    "school_district": gettext(
                        "小学校区「%(district)s」は%(ward)sの校区です。%(area)sを合わせてください。"
                    )
                    % {
                        "district": self.school_district,
                        "ward": self.school_district.ward,
                        "area": area_word(),
                    }
                }
            )


class DirectoryField(NamedTuple):
    """A field of a directory entry that people keep, as every door names it."""

    name: str  # the model's field: the API's field, the English column of files
    column: str  # the Japanese column of files (the import sheet, the open data): untranslated
    title: str  # the column's English title (the open data's schema)


#: The directory entry's fields that people keep (by hand, through the API or a file), in the
#: order the doors show them: the fields ``community_resource_create`` / ``_update`` accept,
#: the admin's form, the API's fields (and so its CSV's columns), the import sheet's columns
#: and the open data's. Each door derives its list from this one and says where it differs.
DIRECTORY_FIELDS = (
    DirectoryField("name", "名称", "Name"),
    DirectoryField("organisation_type", "種類", "Type"),
    DirectoryField("ward", "区", "Ward"),
    DirectoryField("school_district", "小学校区", "School district"),
    DirectoryField("address", "所在地", "Address"),
    DirectoryField("phone", "電話番号", "Phone"),
    DirectoryField("website", "ウェブサイト", "Website"),
    DirectoryField("hours", "受付時間", "Hours"),
    DirectoryField("opening_notes", "開所日・時間など", "Opening days and hours"),
    DirectoryField("description", "説明", "Description"),
    DirectoryField("consultation", "相談窓口", "Consultation desk"),
)
#: The lists kept with an entry (many-to-many), set by the services once it is written.
DIRECTORY_LISTS = (
    DirectoryField("life_stages", "ライフステージ", "Life stages"),
    DirectoryField("pillars", "施策", "Pillars"),
)
DIRECTORY = {field.name: field for field in (*DIRECTORY_FIELDS, *DIRECTORY_LISTS)}


def directory_field_names(
    *, lists: bool = True, after: dict[str, tuple[str, ...]] | None = None
) -> list[str]:
    """The names of ``DIRECTORY_FIELDS`` (then of ``DIRECTORY_LISTS`` unless ``lists`` is
    false), each followed by the door's own fields ``after`` it (the API's
    ``organisation_type_name`` after ``organisation_type`` …)."""
    after = after or {}
    if unknown := set(after) - set(DIRECTORY):
        raise ValueError(f"not directory fields: {sorted(unknown)}")
    fields = (*DIRECTORY_FIELDS, *DIRECTORY_LISTS) if lists else DIRECTORY_FIELDS
    return [name for field in fields for name in (field.name, *after.get(field.name, ()))]


class HealthTownPlanningRecord(VersionedRecord):
    """How far a school district has come in a fiscal year in the seven steps of health
    town-planning (図１ 校区単位の健康まちづくり), entered by its ward. Going back to an earlier
    step within the year needs a reason (``community.services``)."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the
    # school district
    tenant_path = "municipality"
    tenant_source = "school_district"
    municipality = copied_municipality_key()

    WARD_LOOKUP = "school_district__ward"

    school_district = models.ForeignKey(
        SchoolDistrict,
        on_delete=models.PROTECT,
        related_name="health_town_planning",
        verbose_name=_("小学校区"),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
    )
    stage = models.PositiveSmallIntegerField(
        _("到達した段階"), choices=HealthTownPlanningStage.choices
    )
    reached_on = models.DateField(_("到達日"), null=True, blank=True)
    notes = PlainTextField(_("メモ"), max_length=MAX_NOTE, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("健康まちづくりの進み具合")
        verbose_name_plural = pgettext_lazy("plural", "健康まちづくりの進み具合")
        ordering = ["-fiscal_year", "school_district__ward__position", "school_district__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_district", "fiscal_year"],
                name="health_town_planning_unique_per_year",
                violation_error_message=_(
                    "この校区・年度の記録はすでにあります。既存の記録を編集してください。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(stage__gte=1, stage__lte=7), name="health_town_planning_stage_valid"
            ),
        ]

    @property
    def ward_id(self) -> int | None:
        return self.school_district.ward_id if self.school_district_id else None

    @property
    def ward(self) -> Ward | None:
        return self.school_district.ward if self.school_district_id else None

    def __str__(self) -> str:
        return f"{self.school_district} {fiscal_year_label(self.fiscal_year)}"

    def clean(self) -> None:
        super().clean()
        if (
            self.reached_on
            and self.fiscal_year
            and fiscal_year_of(self.reached_on) != self.fiscal_year
        ):
            raise ValidationError(
                {"reached_on": gettext("到達日はその年度（4月1日〜3月31日）の日付です。")}
            )


class VolunteerProgram(MunicipalityScoped, models.Model):
    """A volunteer program the city trains and supports (食生活改善推進員, 認知症サポーター …).
    Those marked as health volunteers are counted in KPI-4-2. The plan's programs come with
    the plan data; planners add others."""

    tenant_path = "municipality"

    municipality = municipality_key("volunteer_programs")
    code = models.SlugField(_("コード"), max_length=64)
    name = PlainCharField(_("名称"), max_length=100)
    pillar = models.ForeignKey(
        "programs.Pillar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_programs",
        verbose_name=_("施策"),
    )
    health_volunteer = models.BooleanField(
        _("健康づくりボランティア"),
        default=False,
        help_text=_("成果指標 KPI-4-2（健康づくり推進に関するボランティア数）に数えます。"),
    )
    position = models.PositiveSmallIntegerField(_("順序"), default=100)
    origin = models.CharField(
        _("登録元"), max_length=10, choices=Origin.choices, default=Origin.ENTRY
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ボランティア制度")
        verbose_name_plural = pgettext_lazy("plural", "ボランティア制度")
        ordering = ["position", "name"]
        constraints = [
            *unique_in_municipality(
                "volunteer_program", "code", _("同じコードのボランティア制度がすでにあります。")
            ),
            *unique_in_municipality(
                "volunteer_program", "name", _("同じ名称のボランティア制度がすでにあります。")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VolunteerHeadcount(VersionedRecord):
    """How many volunteers a program had in a fiscal year, in a ward (or city-wide, where
    the city counts them as a whole)."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the program
    tenant_path = "municipality"
    tenant_source = "program"
    municipality = copied_municipality_key()

    program = models.ForeignKey(
        VolunteerProgram,
        on_delete=models.PROTECT,
        related_name="headcounts",
        verbose_name=_("ボランティア制度"),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_headcounts",
        verbose_name=AREA,
        help_text=area_text(gettext_noop("空欄は市全体（%(area)sに分けない数）。")),
    )
    headcount = models.PositiveIntegerField(_("人数"))
    as_of = PlainCharField(_("時点"), max_length=100, blank=True, help_text=_("例：3月末現在"))
    notes = PlainTextField(_("メモ"), max_length=MAX_NOTE, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("ボランティア数")
        verbose_name_plural = pgettext_lazy("plural", "ボランティア数")
        ordering = ["-fiscal_year", "program__position", "ward__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "fiscal_year", "ward"],
                condition=Q(ward__isnull=False),
                name="volunteer_headcount_unique_per_ward",
                violation_error_message=area_text(
                    gettext_noop(
                        "この制度・年度・%(area)sの人数はすでにあります。既存の記録を編集してください。"
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["program", "fiscal_year"],
                condition=Q(ward__isnull=True),
                name="volunteer_headcount_unique_city_wide",
                violation_error_message=area_text(
                    gettext_noop(
                        "この制度・年度・%(area)sの人数はすでにあります。既存の記録を編集してください。"
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        where = self.ward if self.ward_id else gettext("市全体")
        return f"{self.program} {fiscal_year_label(self.fiscal_year)} {where}: {self.headcount}"


def pillar_model() -> type[models.Model]:
    """The plan's pillar model (``programs.Pillar``), which directory entries and volunteer
    programs point at by its label. Reached through that field, so that this layer imports
    nothing above it (docs/architecture.md)."""
    return CommunityResource._meta.get_field("pillars").related_model
