from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from kumamoto_welfare.fiscal_year import fiscal_year_label

from .selectors import plan_reach


def validate_reporting_year(fiscal_year: int) -> None:
    """Progress is reported only for fiscal years within the plan's reach."""
    reach = plan_reach()
    if reach and not reach[0] <= fiscal_year <= reach[1]:
        raise ValidationError(
            {
                "fiscal_year": gettext(
                    "年度は計画の対象期間（%(first)s〜%(last)s）の中で入力してください。"
                )
                % {"first": fiscal_year_label(reach[0]), "last": fiscal_year_label(reach[1])}
            }
        )
