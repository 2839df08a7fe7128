from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from community.models import Ward
from indicators.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpi():
    return Indicator.objects.get(code="KPI-3-1")


def test_one_city_wide_value_per_indicator_year_and_kind(kpi):
    # The plan's baseline for FY2013 is already there; a second city-wide one is refused,
    # which a plain unique constraint (NULL ward ≠ NULL ward) would not do.
    duplicate = IndicatorValue(indicator=kpi, fiscal_year=2013, kind="baseline", value=1)
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_one_value_per_ward_but_each_ward_its_own(kpi):
    chuo, higashi = Ward.objects.get(code="chuo"), Ward.objects.get(code="higashi")
    IndicatorValue.objects.create(
        indicator=kpi, fiscal_year=2015, kind="actual", value=1, ward=chuo
    )
    IndicatorValue.objects.create(
        indicator=kpi, fiscal_year=2015, kind="actual", value=2, ward=higashi
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=kpi, fiscal_year=2015, kind="actual", value=3, ward=chuo
        )


def test_fiscal_year_out_of_range_is_refused_by_the_database(kpi):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(indicator=kpi, fiscal_year=1800, kind="actual", value=1)


def test_value_string_shows_year_with_era_and_figure_as_written():
    value = IndicatorValue.objects.get(indicator__code="KPI-1-1", kind="baseline")
    with translation.override("ja"):
        assert str(value) == "KPI-1-1 2008年度（平成20年度） 基準値 市全体: 78.61"
    assert value.value == Decimal("78.61")


def test_indicators_keep_the_plan_order():
    assert list(Indicator.objects.values_list("code", flat=True)) == [
        "KPI-1-1",
        "KPI-2-1",
        "KPI-3-1",
        "KPI-3-2",
        "KPI-4-1",
        "KPI-4-2",
        "KPI-4-3",
    ]


def test_a_district_count_target_is_not_capped_by_the_districts_imported_so_far():
    from community.models import SchoolDistrict
    from indicators.choices import ValueKind, ValueOrigin
    from indicators.models import Target

    ward = Ward.objects.get(code="chuo")
    for number in range(3):
        SchoolDistrict.objects.create(code=f"d{number}", name=f"校区{number}", ward=ward)
    kpi_4_1 = Indicator.objects.get(code="KPI-4-1")
    target = Target(indicator=kpi_4_1, fiscal_year=2020, value=Decimal(95))
    target.full_clean()  # 95 districts, though only 3 are imported
    baseline = IndicatorValue(
        indicator=kpi_4_1, fiscal_year=2015, kind=ValueKind.BASELINE, value=Decimal(6)
    )
    baseline.full_clean()  # 6 districts as a baseline, also more than imported
    actual = IndicatorValue(
        indicator=kpi_4_1,
        fiscal_year=2020,
        kind=ValueKind.ACTUAL,
        value=Decimal(4),
        origin=ValueOrigin.DERIVED,
    )
    with pytest.raises(ValidationError, match="校区数は小学校区の数"):
        actual.full_clean()
