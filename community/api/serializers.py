from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import (
    CommunityResource,
    HealthTownPlanningRecord,
    LifeStage,
    Municipality,
    OrganisationType,
    SchoolDistrict,
    VolunteerHeadcount,
    VolunteerProgram,
    Ward,
    directory_field_names,
    pillar_model,
)
from community.selectors import UnknownWardError, ward_named
from community.services import (
    community_resource_create,
    health_town_planning_create,
    volunteer_headcount_create,
)
from infrastructure.api.fields import FiscalYearField
from infrastructure.api.serializers import VersionedRecordSerializer
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.text import validate_text
from infrastructure.workflow import CHANGE_REASON_MAX


class MunicipalitySerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(
        source="code",
        help_text="全国地方公共団体コード (JIS X 0402), six digits with the check digit.",
    )
    wards = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="The codes of the areas the municipality reports by (a designated city's "
        "wards, or its own areas), in order; empty for a municipality without areas.",
    )
    area_word = serializers.CharField(
        read_only=True,
        help_text="The municipality's own word for its areas (区, 地区 …), as its pages use it.",
    )
    area_word_en = serializers.CharField(
        read_only=True, help_text="The same in English, lower case (ward, district …)."
    )

    class Meta:
        model = Municipality
        fields = [
            "municipality_code",
            "name",
            "name_en",
            "prefecture",
            "wards",
            "area_word",
            "area_word_en",
        ]


class WardSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(
        help_text="The ward's own 全国地方公共団体コード (JIS X 0402), six digits."
    )

    class Meta:
        model = Ward
        fields = ["code", "name", "name_en", "municipality_code"]


class SchoolDistrictSerializer(serializers.ModelSerializer):
    ward = serializers.SlugRelatedField(slug_field="name", read_only=True)
    ward_code = serializers.CharField(source="ward.code", read_only=True)

    class Meta:
        model = SchoolDistrict
        fields = ["code", "name", "ward", "ward_code"]


class WardField(serializers.SlugRelatedField):
    """A ward written in a request body: by any name it answers to (its code, its own
    全国地方公共団体コード or its name; ``community.selectors.ward_named``), shown by its name.
    Absent or null for city-wide unless the serializer says otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Ward.objects.all())
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "The ward: its code, its own 全国地方公共団体コード or its name (shown as its "
            "name); absent or null for city-wide.",
        )
        super().__init__(slug_field="name", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            ward = ward_named(data)
        except UnknownWardError as error:
            raise serializers.ValidationError(str(error), code="does_not_exist") from error
        if ward is None or not self.get_queryset().filter(pk=ward.pk).exists():
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return ward


def _ward_field(**kwargs):
    return WardField(**kwargs)


class FiscalYearLabelMixin(serializers.Serializer):
    fiscal_year_label = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_fiscal_year_label(self, record) -> str:
        return fiscal_year_label(record.fiscal_year)


class CurrentPlanPillarField(serializers.SlugRelatedField):
    """A pillar by its number, in the current plan (numbers are unique within a plan)."""

    def get_queryset(self):
        return pillar_model().objects.of_current_plan()


class CommunityResourceSerializer(VersionedRecordSerializer):
    # Not the model's SlugField: its pattern would forbid the empty code of every entry made
    # outside the plan (only the plan's own entries have one).
    code = serializers.CharField(
        read_only=True,
        help_text="The plan's identifier of an entry it names (load_plan); empty for an "
        "entry made by staff.",
    )
    organisation_type = serializers.SlugRelatedField(
        slug_field="code", queryset=OrganisationType.objects.all()
    )
    organisation_type_name = serializers.CharField(
        source="organisation_type.display_name",
        read_only=True,
        help_text="The type's name in the response's language.",
    )
    ward = _ward_field()
    school_district = serializers.SlugRelatedField(
        slug_field="code",
        queryset=SchoolDistrict.objects.all(),
        allow_null=True,
        required=False,
        help_text="School district code; it must lie in the ward.",
    )
    life_stages = serializers.SlugRelatedField(
        slug_field="code",
        queryset=LifeStage.objects.all(),
        many=True,
        required=False,
        help_text="early-childhood, school-age, youth-adult, old-age.",
    )
    life_stage_names = serializers.SlugRelatedField(
        source="life_stages",
        slug_field="display_name",
        many=True,
        read_only=True,
        help_text="The life stages' names in the response's language.",
    )
    pillars = CurrentPlanPillarField(
        slug_field="number", queryset=pillar_model().objects.all(), many=True, required=False
    )

    create_service = staticmethod(community_resource_create)

    class Meta:
        model = CommunityResource
        # The directory's fields (community.models.DIRECTORY_FIELDS), each read-only label
        # after what it names; the plan's code, the inferred flag and the origin read-only.
        fields = [
            "id",
            "code",
            *directory_field_names(
                after={
                    "organisation_type": ("organisation_type_name",),
                    "life_stages": ("life_stage_names", "life_stages_inferred"),
                }
            ),
            "origin",
            *VersionedRecordSerializer.versioned_fields,
        ]
        read_only_fields = ["code", "life_stages_inferred", "origin", "version"]


class HealthTownPlanningSerializer(VersionedRecordSerializer, FiscalYearLabelMixin):
    school_district = serializers.SlugRelatedField(
        slug_field="code", queryset=SchoolDistrict.objects.select_related("ward")
    )
    ward = serializers.CharField(source="school_district.ward.name", read_only=True)
    fiscal_year = FiscalYearField()
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=CHANGE_REASON_MAX,
        validators=[validate_text],
        help_text="Required to move back to an earlier stage within the year.",
    )

    create_service = staticmethod(health_town_planning_create)

    class Meta:
        model = HealthTownPlanningRecord
        fields = [
            "id",
            "school_district",
            "ward",
            "fiscal_year",
            "fiscal_year_label",
            "stage",
            "stage_label",
            "reached_on",
            "notes",
            "reason",
            *VersionedRecordSerializer.versioned_fields,
        ]
        read_only_fields = ["version"]
        validators = []  # uniqueness is checked by the model (full_clean)

    def create_with(self, *, user):
        data = dict(self.validated_data)
        data.pop("reason", None)
        return health_town_planning_create(user=user, **data)


class VolunteerHeadcountSerializer(VersionedRecordSerializer, FiscalYearLabelMixin):
    program = serializers.SlugRelatedField(
        slug_field="code", queryset=VolunteerProgram.objects.all()
    )
    ward = _ward_field()
    fiscal_year = FiscalYearField()

    create_service = staticmethod(volunteer_headcount_create)

    class Meta:
        model = VolunteerHeadcount
        fields = [
            "id",
            "program",
            "fiscal_year",
            "fiscal_year_label",
            "ward",
            "headcount",
            "as_of",
            "notes",
            *VersionedRecordSerializer.versioned_fields,
        ]
        read_only_fields = ["version"]
        validators = []


class HeadcountInProgramSerializer(serializers.ModelSerializer):
    ward = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = VolunteerHeadcount
        fields = ["id", "fiscal_year", "ward", "headcount", "as_of"]


class VolunteerProgramSerializer(serializers.ModelSerializer):
    pillar = serializers.SlugRelatedField(slug_field="number", read_only=True)
    headcounts = HeadcountInProgramSerializer(many=True, read_only=True)

    class Meta:
        model = VolunteerProgram
        fields = ["code", "name", "pillar", "health_volunteer", "origin", "headcounts"]
