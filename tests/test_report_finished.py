"""The finished council report (issue 21 item 4): the draft mark until every expected
evaluation is approved, each verdict read once, the running header, the summary table, the
page on the rating method and the workbook's print set-up."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from pypdf import PdfReader

from evaluations.selectors import expected_evaluations
from infrastructure.workflow import Status
from portal.report_documents import report_html, report_pdf
from portal.reports import evaluation_context
from tests.factories import evaluation

pytestmark = pytest.mark.django_db
YEAR = 2016


def test_a_report_with_expected_evaluations_missing_is_a_draft_and_says_how_many(
    welfare_department,
):
    # Every evaluation written is approved, yet most the year expects are missing: a draft.
    evaluation(pillar=1, stage="secondary", status=Status.APPROVED, rating="B")
    expected = len(expected_evaluations())
    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
    assert context["is_final"] is False
    assert context["missing_evaluations"] == expected - 1
    html = report_html(context)
    assert f"この年度に必要な評価{expected}件のうち{expected - 1}件が未作成または未承認です" in html
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(context))).pages]
    assert all("【案】" in text for text in texts)
