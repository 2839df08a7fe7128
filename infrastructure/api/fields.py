from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from infrastructure.fiscal_year import FiscalYearError, parse_fiscal_year


@extend_schema_field(
    {
        "type": "integer",
        "example": 2013,
        "description": "Fiscal year; writes accept 2013, '2013年度', 'H25', '平成25年度'.",
    }
)
class FiscalYearField(serializers.Field):
    """A fiscal year: written in any form the fiscal-year module parses, read as an int."""

    def to_internal_value(self, data):
        try:
            return parse_fiscal_year(data)
        except FiscalYearError as error:
            raise serializers.ValidationError(str(error)) from error

    def to_representation(self, value):
        return value
