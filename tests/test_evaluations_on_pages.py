"""The approved evaluations of a year reach the council report, the home page and the pillar
pages through the evaluations' selectors (no fake structures here: real records)."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from pypdf import PdfReader

from infrastructure.workflow import Status
from portal.report_documents import report_html, report_pdf
from portal.reports import _is_final, evaluation_context
from programs.models import Pillar, Section
from tests.factories import evaluation, value

pytestmark = pytest.mark.django_db
YEAR = 2016


def test_approved_evaluations_are_printed_and_the_draft_mark_goes(welfare_department):
    section = Section.objects.get(pillar__number=1, number=2)
    section.department = welfare_department
    section.save()
    evaluation(section="1-2", stage="primary", status=Status.APPROVED, rating="B",
               analysis="見守り活動の担い手が不足している")  # fmt: skip
    evaluation(pillar=1, stage="secondary", status=Status.APPROVED, rating="C",
               analysis="地域包括支援センターとの連携を強める")  # fmt: skip
    assert not _is_final(YEAR)  # the other pillars' 二次評価 and 1-2-1's 一次評価 are missing
    evaluation(initiative="1-2-1", stage="primary", status=Status.APPROVED)
    for pillar in Pillar.objects.of_current_plan().exclude(number=1):
        evaluation(pillar=pillar.number, stage="secondary", status=Status.APPROVED)
    assert _is_final(YEAR)
    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
    html = report_html(context)
    assert "見守り活動の担い手が不足している" in html
    assert "地域包括支援センターとの連携を強める" in html
    assert welfare_department.name in html
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(context))).pages]
    assert not any("【案】" in text for text in texts)
    assert any("見守り活動の担い手" in text for text in texts)

    evaluation(pillar=2, stage="primary", status=Status.SUBMITTED, analysis="未承認の記述")
    assert not _is_final(YEAR)
    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
    assert "未承認の記述" not in report_html(context)  # approved text only
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(context))).pages]
    assert all("【案】" in text for text in texts)


def test_the_home_page_gives_the_approved_analysis_of_a_late_indicator(client):
    # KPI-3-1 from 111,901 (H25) towards 123,086 (R1): 112,000 in H28 is far behind.
    value(indicator="KPI-3-1", fiscal_year=YEAR, amount="112000", status=Status.APPROVED)
    evaluation(pillar=3, stage="secondary", status=Status.APPROVED, rating="D",
               analysis="子育て支援の利用登録が伸び悩んだ")  # fmt: skip
    evaluation(pillar=3, stage="primary", status=Status.DRAFT, analysis="下書きの分析")
    html = client.get(f"/?fiscal_year={YEAR}").content.decode()
    attention = html.split('id="attention', 1)[1] if 'id="attention' in html else html
    assert "KPI-3-1" in attention
    assert "子育て支援の利用登録が伸び悩んだ" in html
    assert "下書きの分析" not in html
    pillar = client.get(f"/pillars/3/?fiscal_year={YEAR}").content.decode()
    assert "子育て支援の利用登録が伸び悩んだ" in pillar
    # The evaluation comes before the plan's folded text.
    assert pillar.index("子育て支援の利用登録が伸び悩んだ") < pillar.index("<details")
