"""Small builders for the community's records (written straight to the database)."""

from community.models import (
    CommunityResource,
    HealthTownPlanningRecord,
    OrganisationType,
    SchoolDistrict,
    VolunteerHeadcount,
    VolunteerProgram,
)
from tests.factories import ward


def district(code: str, ward_code: str = "chuo", name: str | None = None) -> SchoolDistrict:
    name = name or f"{code}校区"
    return SchoolDistrict.objects.create(code=code, name=name, ward=ward(ward_code))


def resource(*, name="テスト老人クラブ", ward_code="chuo", type_code="seniors-club", **fields):
    return CommunityResource.objects.create(
        name=name,
        ward=ward(ward_code) if ward_code else None,
        organisation_type=OrganisationType.objects.get(code=type_code),
        **fields,
    )


def stage(school_district: SchoolDistrict, fiscal_year: int, stage: int):
    return HealthTownPlanningRecord.objects.create(
        school_district=school_district, fiscal_year=fiscal_year, stage=stage
    )


def headcount(program_code: str, fiscal_year: int, count: int, ward_code: str | None = "chuo"):
    return VolunteerHeadcount.objects.create(
        program=VolunteerProgram.objects.get(code=program_code),
        fiscal_year=fiscal_year,
        ward=ward(ward_code) if ward_code else None,
        headcount=count,
    )
