"""Form fields shared by the admin and the pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from infrastructure.fiscal_year import FiscalYearError, fiscal_year_label, parse_fiscal_year


class FiscalYearField(forms.IntegerField):
    """A fiscal year typed in any form the fiscal-year module parses (2013, H25, 平成25年度,
    令和5年度, full-width digits); cleaned to the Western year as an int."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("2013、H25、平成25年度、令和5年度のように入力できます。"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "text")
        self.widget.attrs.setdefault("size", 12)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_fiscal_year(str(value))
        except FiscalYearError as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def widget_attrs(self, widget):
        # No min/max/step: the field takes text such as 平成25年度.
        return forms.Field.widget_attrs(self, widget)

    def prepare_value(self, value):
        return value


def fiscal_year_choices(years) -> list[tuple[int, str]]:
    return [(year, fiscal_year_label(year)) for year in years]
