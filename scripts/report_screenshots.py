"""Screenshots of the council report (施策評価書) for docs/images, from a throwaway database.

The sample: the plan, the demo data, one department (所管課) on section 1-2 and a year's
evaluations (pillar 1's in full, every other pillar's 二次評価) written and approved through
the services, as a department and the
planners would. The PDF is rendered as /reports/2016.pdf renders it, then `pdftoppm`
(poppler-utils) turns the chosen pages into PNG. Your own database is never touched.

    .venv/bin/python scripts/report_screenshots.py [--pages 1 3 4] [--out docs/images]
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2016


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", type=int, default=[1, 2, 3, 4])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kumamoto-welfare-report-"))
    os.environ.pop("REDIS_URL", None)
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'report.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_welfare.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_plan", verbosity=0)
    del os.environ["DATABASE_URL"]  # the demo loader refuses a real database's URL
    call_command("load_demo_data", verbosity=0)
    _sample_evaluations()

    from portal.report_documents import report_pdf
    from portal.reports import evaluation_context

    pdf = scratch / "report.pdf"
    pdf.write_bytes(report_pdf(evaluation_context(fiscal_year=YEAR, user=AnonymousUser())))
    args.out.mkdir(parents=True, exist_ok=True)
    for page in args.pages:
        target = args.out / f"report-page-{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(target),
            ],
            check=True,
        )
        print(f"{target}.png")


def _sample_evaluations() -> None:
    from community.access import Role
    from community.models import Department, Municipality
    from community.services import staff_create
    from evaluations.models import Evaluation
    from evaluations.services import evaluation_create
    from infrastructure.workflow import Transition, record_transition
    from programs.models import Pillar, Section

    department = Department.objects.create(
        municipality=Municipality.objects.get(), name="高齢福祉課（サンプル）"
    )
    section = Section.objects.get(pillar__number=1, number=2)
    section.department = department
    section.save()
    password = secrets.token_urlsafe(16)  # nobody signs in to the throwaway database
    officer = staff_create(
        username="sample-dept",
        role=Role.DEPARTMENT_OFFICER,
        department=department,
        password=password,
    )
    planner = staff_create(username="sample-planner", role=Role.PLANNER, password=password)
    # Another planner approves: nobody approves what they wrote themselves.
    approver = staff_create(username="sample-approver", role=Role.PLANNER, password=password)
    pillar = Pillar.objects.get(number=1, plan=section.pillar.plan)
    written = [
        (officer, {"section": section, "stage": "primary", "rating": "B",
                   "results": "見守り事業の実態把握を全校区で実施した。（サンプル）",
                   "analysis": "民生委員・児童委員との協働が定着し、訪問件数が伸びた。（サンプル）",
                   "issues": "単身高齢者の増加に訪問体制が追いついていない。（サンプル）",
                   "direction": "continue"}),
        (planner, {"pillar": pillar, "stage": "secondary", "rating": "B",
                   "analysis": "概ね計画どおりに進んでいる。（サンプル）",
                   "issues": "地域包括支援センターとの情報共有を強める必要がある。（サンプル）",
                   "direction": "improve"}),
        (planner, {"pillar": pillar, "stage": "council",
                   "comment": "見守りの担い手の高齢化への対策を求める。（サンプル）"}),
    ]  # fmt: skip
    # Every other pillar its 二次評価 too: the year expects them, and without them it is a draft.
    for other in Pillar.objects.filter(plan=pillar.plan).exclude(pk=pillar.pk):
        written.append((planner, {"pillar": other, "stage": "secondary", "rating": "B",
                                  "analysis": "計画どおりに進んでいる。（サンプル）",
                                  "direction": "continue"}))  # fmt: skip
    for user, fields in written:
        record = evaluation_create(user=user, fiscal_year=YEAR, **fields)
        record = record_transition(record=record, transition=Transition.SUBMIT, user=user)
        record_transition(record=record, transition=Transition.APPROVE, user=approver)
    assert Evaluation.objects.filter(fiscal_year=YEAR, status="approved").count() == len(written)
    # The year's committee and its meetings, for the introduction (a planner's entry).
    import datetime

    from evaluations.models import CommitteeMeeting, EvaluationYear

    year = EvaluationYear.objects.create(
        plan=pillar.plan, fiscal_year=YEAR, committee_name="地域福祉計画推進委員会（サンプル）"
    )
    for held_on, note in (
        (datetime.date(YEAR + 1, 7, 20), "第1回（一次評価の報告）"),
        (datetime.date(YEAR + 1, 10, 5), "第2回（意見の取りまとめ）"),
    ):
        CommitteeMeeting.objects.create(year=year, held_on=held_on, note=note)


if __name__ == "__main__":
    main()
