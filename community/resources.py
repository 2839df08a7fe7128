"""School districts and directory entries (地域資源) as import sheets.

Each is a django-import-export ``ModelResource`` on the shared ``SheetResource``
(``infrastructure.imports.resources``): the same reading (``formats``), widgets, header
matching, all-or-nothing ``import_data`` and errors (row as the spreadsheet shows it, column
as written in the file, reason in the user's language) as the progress imports. Rows are
written through ``community.services`` as the importing user, so the policy
(``infrastructure.policy``) and the history apply. The doors (the commands, the admin)
call ``infrastructure.imports.import_file(<Resource>, data=…, filename=…, user=…)``.

Both are registered as sheets (``SCHOOL_DISTRICT_SHEET``, ``DIRECTORY_SHEET``, in
``CommunityConfig.ready``) so that a large upload in the admin is checked and imported by the
engine's import job (``infrastructure.imports.background``), which finds the resource by
the sheet's kind. They are never detected by their headers (``Sheet.detected``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from infrastructure.imports.resources import Column, SheetResource
from infrastructure.imports.sheets import Sheet, normalise_header
from infrastructure.imports.widgets import (
    CodeWidget,
    ListWidget,
    LookupWidget,
    RecordIdWidget,
    TextWidget,
    YesNoWidget,
    key_text,
)

from .areas import area_text, areas
from .models import (
    DIRECTORY,
    DIRECTORY_LISTS,
    CommunityResource,
    LifeStage,
    OrganisationType,
    SchoolDistrict,
    Ward,
    directory_field_names,
    pillar_model,
)
from .services import community_resource_create, community_resource_update, school_district_save

# --- wards: the column every ward-kept sheet has ------------------------------------------


def load_wards() -> dict[str, object]:
    table = {}
    word = areas().word
    for ward in Ward.objects.all():
        # A ward also by its name without the municipality's word for its areas (○○区: ○○).
        for name in (ward.name, ward.name_en, ward.code, ward.name.removesuffix(word)):
            table[key_text(name).lower()] = ward
    return table


CITY_WIDE = frozenset({"", "市全体", "全市", "city-wide", "citywide", "city"})


def ward_widget(*, required: bool = False) -> LookupWidget:
    """A ward by name, English name or code; blank (or 市全体) is city-wide unless
    ``required``."""
    return LookupWidget(
        load_wards,
        normalise=str.lower,
        blanks=frozenset() if required else CITY_WIDE,
        missing=area_text(gettext_noop("%(area)sを入力してください。")) if required else None,
        unknown=area_text(
            gettext_noop(
                "%(area)s「%(value)s」がありません。%(choices)sのいずれか（市全体は空欄）で"
                "入力してください。"
            )
        ),
        render=lambda ward: ward.name,
    )


# Without areas the column is blank (city-wide) on every row.
WARD_HELP = area_text(
    gettext_noop("%(area)sの名前。空欄は市全体（計画担当のみ）。"),
    gettext_noop("空欄（市全体）。"),
)


def ward_column() -> Column:
    return Column(
        attribute="ward",
        column_name="区",
        en="ward",
        required=True,
        help=WARD_HELP,
        widget=ward_widget(),
    )


# --- the lookups, read once per import -------------------------------------------------------


def load_school_districts() -> dict[str, object]:
    return {key_text(district.code): district for district in SchoolDistrict.objects.all()}


def load_organisation_types() -> dict[str, object]:
    table = {}
    for kind in OrganisationType.objects.all():
        # The English name too: an export read in English comes back with it.
        names = (kind.code, kind.name, *([kind.name_en] if kind.name_en else []))
        table.update({key_text(name).lower(): kind for name in names})
    return table


def load_life_stages() -> dict[str, object]:
    table = {}
    for stage in LifeStage.objects.all():
        names = (stage.code, stage.name, *([stage.name_en] if stage.name_en else []))
        table.update({key_text(name).lower(): stage for name in names})
    return table


def load_pillars() -> dict[str, object]:
    """The current plan's pillars by number (numbers are unique within a plan)."""
    return {str(pillar.number): pillar for pillar in pillar_model().objects.of_current_plan()}


# --- School districts --------------------------------------------------------------------


class SchoolDistrictResource(SheetResource):
    """校区コード, 校区名, 区 (or code, name, ward). Districts are created or updated by code
    (``school_district_save``); districts missing from the file are kept. Without a user
    (the command without ``--user``) the import acts as the system."""

    code = Column(
        attribute="code",
        column_name="校区コード",
        en="code",
        required=True,
        help=_("小学校区のコード。"),
        widget=CodeWidget(blank_message=_("空欄です。")),
    )
    name = Column(
        attribute="name",
        column_name="校区名",
        en="name",
        required=True,
        help=_("小学校区の名前。"),
        widget=TextWidget(blank_message=_("空欄です。")),
    )
    ward = Column(
        attribute="ward",
        column_name="区",
        en="ward",
        required=True,
        help=area_text(gettext_noop("%(area)sの名前、英語名かコード。")),
        widget=ward_widget(required=True),
    )

    data_columns = ("code", "name", "ward")
    compared = ("name", "ward")
    key_description = _("校区コード")

    class Meta:
        model = SchoolDistrict
        fields = ("code", "name", "ward")
        import_id_fields = ("code",)

    def key_of(self, values: dict) -> tuple:
        return (values["code"],)

    def existing_records(self, keys: list[tuple]) -> dict:
        districts = SchoolDistrict.objects.filter(code__in=[code for (code,) in keys])
        return {(district.code,): district for district in districts.select_related("ward")}

    def label(self, instance) -> str:
        return f"{instance.code} {instance.name}"

    def candidate(self, instance):
        if self.user is None:  # the system
            return None
        return SchoolDistrict(code=instance.code, name=instance.name, ward=instance.ward)

    def create(self, instance):
        district, _written = school_district_save(
            user=self.user, code=instance.code, name=instance.name, ward=instance.ward
        )
        return district

    def update(self, instance, changes: dict):
        return self.create(instance)


# --- The directory -------------------------------------------------------------------------

_LISTS = tuple(field.name for field in DIRECTORY_LISTS)


def _column(name: str, **kwargs) -> Column:
    """The column of the directory's field ``name``: its Japanese column name, and its field
    name in English (``community.models.DIRECTORY``)."""
    return Column(attribute=name, column_name=DIRECTORY[name].column, en=name, **kwargs)


def _text_column(name: str) -> Column:
    return _column(name, help="", widget=TextWidget())


class DirectoryResource(SheetResource):
    """Directory entries (``CommunityResource``): the columns below in Japanese, or the
    column names of the API's CSV / xlsx export, which re-imports as it is. A row with an
    ``id`` updates that entry, a row without creates one; entries not in the file are left
    alone, and so are the columns the file leaves out."""

    id = Column(
        attribute="id",
        column_name="id",
        en="ID",
        help=_("既存の記録の id（API の書き出しの id 列）。空欄は新規。"),
        widget=RecordIdWidget(),
    )
    name = _column(
        "name",
        required=True,
        help=_("団体・施設の名称。"),
        widget=TextWidget(),
    )
    organisation_type = _column(
        "organisation_type",
        aliases=("organisation_type_name",),
        required=True,
        help=_("種類のコードか名前（例：老人クラブ）。"),
        widget=LookupWidget(
            load_organisation_types,
            normalise=str.lower,
            missing=_("種類を入力してください。"),
            unknown=_("「%(value)s」という種類はありません。"),
            render=lambda kind: kind.name,
        ),
    )
    ward = _column(
        "ward",
        help=WARD_HELP,
        widget=ward_widget(),
    )
    school_district = _column(
        "school_district",
        help=area_text(
            gettext_noop("小学校区のコード（%(area)sの中の校区）。"),
            gettext_noop("小学校区のコード。"),
        ),
        widget=LookupWidget(
            load_school_districts,
            blanks=frozenset({""}),
            unknown=_("「%(value)s」という小学校区はありません。"),
            render=lambda district: district.code,
        ),
    )
    address = _text_column("address")
    phone = _text_column("phone")
    website = _text_column("website")
    hours = _text_column("hours")
    opening_notes = _text_column("opening_notes")
    description = _text_column("description")
    consultation = _column(
        "consultation",
        help=_("はい／いいえ（空欄はいいえ）。"),
        widget=YesNoWidget(),
    )
    life_stages = _column(
        "life_stages",
        help=_("ライフステージのコードか名前。複数は「;」か「、」で区切ります。"),
        widget=ListWidget(
            LookupWidget(
                load_life_stages,
                normalise=str.lower,
                unknown=_("ライフステージ「%(value)s」はありません。"),
                render=lambda stage: stage.name,
            )
        ),
    )
    pillars = _column(
        "pillars",
        help=_("施策の番号。複数は「;」か「、」で区切ります。"),
        widget=ListWidget(
            LookupWidget(
                load_pillars,
                unknown=_("施策「%(value)s」はありません。施策の番号で入力してください。"),
                render=lambda pillar: pillar.number,
            )
        ),
    )

    # The fields community_resource_update may change (DIRECTORY_FIELDS), then the lists.
    compared = tuple(directory_field_names(lists=False))
    data_columns = (*compared, *_LISTS)
    key_description = "id"

    class Meta:
        model = CommunityResource
        fields = ("id", *directory_field_names())
        import_id_fields = ("id",)

    @classmethod
    def is_ours(cls, headers: list[object]) -> bool:
        """The id column is optional: a sheet is ours if it has 名称 (name)."""
        return bool(cls.fields["name"].names() & {normalise_header(h) for h in headers})

    def key_of(self, values: dict) -> tuple | None:
        return None if values["id"] is None else (values["id"],)

    def existing_records(self, keys: list[tuple]) -> dict:
        records = (
            CommunityResource.objects.filter(pk__in=[pk for (pk,) in keys])
            .select_related("organisation_type", "ward", "school_district")
            .prefetch_related(*_LISTS)
        )
        return {(record.pk,): record for record in records}

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """Life stages and pillars are kept for the services, which set them after the
        entry is written (never ``.set()`` here: the policy and the history come first)."""
        if field.attribute not in _LISTS:
            return super().import_field(field, instance, row, is_m2m, **kwargs)
        if field.column_name in row:
            self.state.lists[field.attribute] = field.clean(row, **kwargs)
        return None

    def save_m2m(self, instance, row, **kwargs):
        """Nothing: ``community_resource_create`` / ``_update`` set the lists."""

    def check_row(self, instance, row) -> dict:
        if self.state.old is None and instance.pk is not None:  # an id no entry has
            return {"id": [_("id %(id)s の記録はありません。") % {"id": instance.pk}]}
        return super().check_row(instance, row)

    def snapshot(self, instance) -> dict:
        lists = {name: list(getattr(instance, name).all()) for name in _LISTS}
        return {**super().snapshot(instance), **lists}

    def changes(self, instance) -> dict:
        changes = super().changes(instance)
        for name, wanted in self.state.lists.items():
            if {o.pk for o in wanted} != {o.pk for o in self.state.old[name]}:
                changes[name] = wanted
        return changes

    def label(self, instance) -> str:
        return instance.name

    def candidate(self, instance):
        return CommunityResource(ward=instance.ward)

    def create(self, instance):
        return community_resource_create(
            user=self.user,
            **{name: self.state.lists.get(name, []) for name in _LISTS},
            **{name: getattr(instance, name) for name in self.compared},
        )

    def update(self, instance, changes: dict):
        fields = {name: value for name, value in changes.items() if name not in _LISTS}
        return community_resource_update(
            user=self.user,
            record=instance,
            expected_version=None,
            **{name: changes.get(name) for name in _LISTS},
            **fields,
        )


SCHOOL_DISTRICT_SHEET = Sheet(
    kind="school_district",
    title=_("小学校区"),
    model_label="community.SchoolDistrict",
    resource_class=SchoolDistrictResource,
    file_name="school-districts",
    detected=False,
    template_and_export=False,
)

DIRECTORY_SHEET = Sheet(
    kind="community_resource",
    title=_("地域資源"),
    model_label="community.CommunityResource",
    resource_class=DirectoryResource,
    file_name="community-resources",
    detected=False,
    template_and_export=False,
)
