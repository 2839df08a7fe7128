"""Records that went through a review, as in issue 18: a draft with figures and notes that
were never meant to be published, a return with a comment that is not public, then the
corrected record approved. Built through the real services, so the history and the
transition log are what the application writes."""

from decimal import Decimal

from community.access import Role
from community.models import Department
from community.services import staff_create
from evaluations.services import evaluation_update
from indicators.services import indicator_value_update
from infrastructure.workflow import record_transition
from programs.services import initiative_progress_update
from tests.conftest import PASSWORD
from tests.factories import evaluation, progress, value

DRAFT_NOTE = "暫定値"
DRAFT_RESULTS = "暫定の成果（未確認）"
DRAFT_ANALYSIS = "暫定の要因分析（未確認）"
RETURN_COMMENT = "予算削減の件は非公開"
APPROVE_COMMENT = "確認済み"
# What no reader outside the record's scope may see, in any door.
SECRETS = (DRAFT_NOTE, DRAFT_RESULTS, DRAFT_ANALYSIS, RETURN_COMMENT, APPROVE_COMMENT)


def review(record, *, author, planner):
    """Submit, return with the comment, submit again, approve."""
    record = record_transition(record=record, transition="submit", user=author)
    record = record_transition(
        record=record, transition="return", user=planner, comment=RETURN_COMMENT
    )
    record = record_transition(record=record, transition="submit", user=author)
    return record_transition(
        record=record, transition="approve", user=planner, comment=APPROVE_COMMENT
    )


def reviewed_value(*, author, planner):
    """東区's figure: drafted as 99,999 with the note 「暫定値」, corrected to 115,100, approved."""
    record = value(amount="99999", ward_code="higashi", note=DRAFT_NOTE)
    record = indicator_value_update(
        user=author, record=record, expected_version=1, value=Decimal("115100"), note=""
    )
    return review(record, author=author, planner=planner)


def reviewed_progress(*, author, planner):
    """東区's report on initiative 1-2-1: a draft's results replaced before approval."""
    record = progress(ward_code="higashi", results=DRAFT_RESULTS)
    record = initiative_progress_update(
        user=author, record=record, expected_version=1, results="見守り活動を実施した。"
    )
    return review(record, author=author, planner=planner)


def reviewed_evaluation(*, author, planner):
    """The 一次評価 of initiative 1-2-1 (地域福祉課): a draft 要因分析 replaced before approval."""
    record = evaluation(initiative="1-2-1", analysis=DRAFT_ANALYSIS)
    record = evaluation_update(
        user=author, record=record, expected_version=1, analysis="担い手が増えた。"
    )
    return review(record, author=author, planner=planner)


def other_department_officer(department: Department):
    return staff_create(
        username="kourei_officer",
        role=Role.DEPARTMENT_OFFICER,
        password=PASSWORD,
        department=department,
    )
