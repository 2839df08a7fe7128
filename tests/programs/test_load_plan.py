"""The loaded plan against the plan document itself.

The expected facts below were read off the plan's text (重点的取組1, 施策1–4) independently of
the YAML data files, so a mistake in either shows up here.
"""

import shutil
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import OrganisationType, Ward
from indicators.choices import ValueOrigin
from indicators.models import Indicator, IndicatorValue, Target
from programs.models import (
    Action,
    Challenge,
    Figure,
    Initiative,
    Pillar,
    Plan,
    PriorityArea,
    Section,
)

pytestmark = pytest.mark.django_db

# code: (name, unit, pillar, section, [(kind, fiscal year, value, as_of, note)])
SEED_INDICATORS = {
    "KPI-1-1": (
        "65歳以上の元気な高齢者の割合",
        "%",
        1,
        None,
        [
            ("baseline", 2008, "78.61", "", ""),
            ("actual", 2013, "79.05", "", ""),
            ("target", 2017, "79.41", "", ""),
        ],
    ),
    "KPI-2-1": (
        "熊本市が障がいのある人にとって暮らしやすいまちだと思う割合",
        "%",
        2,
        None,
        [
            ("baseline", 2014, "34.0", "", ""),
            ("target", 2018, "45", "", ""),
        ],
    ),
    "KPI-3-1": (
        "地域子育て支援施設利用者数",
        "人",
        3,
        1,
        [
            ("baseline", 2013, "111901", "", ""),
            ("target", 2019, "123086", "", ""),
        ],
    ),
    "KPI-3-2": (
        "地域での子育て支援活動に参加した市民の割合",
        "%",
        3,
        2,
        [
            ("baseline", 2013, "18.2", "", ""),
            ("target", 2019, "26.0", "", ""),
        ],
    ),
    "KPI-4-1": (
        "市民と協働で健康をテーマとしたまちづくりを実施する校区の増加",
        "校区",
        4,
        1,
        [
            ("baseline", 2011, "6", "", ""),
            ("target", 2018, "95", "", "９５校区／９５校区"),
        ],
    ),
    "KPI-4-2": (
        "健康づくり推進に関するボランティア数等の増加",
        "人",
        4,
        2,
        [
            ("baseline", 2012, "1327", "H２４.４月末現在", ""),
            ("target", 2022, "3000", "", ""),
        ],
    ),
    "KPI-4-3": (
        "過去１年間に地域活動に参加した市民の割合の増加",
        "%",
        4,
        2,
        [
            ("baseline", 2012, "46.7", "", "｢参加したことがある｣"),
            ("target", 2018, "60.0", "", ""),
        ],
    ),
}

SEED_PILLARS = {
    1: ("高齢者を地域全体で支える環境づくり", "elderly"),
    2: ("障がいのある人が安心して暮らせる環境づくり", "disability"),
    3: ("子どもたちが健やかに成長できる環境づくり", "children"),
    4: ("市民の健康づくりを支援する環境づくり", "health"),
}

# (pillar, section or None): (title, challenges, actions per initiative in order, direct actions)
SEED_SECTIONS = {
    (1, 1): ("地域包括ケアの仕組みづくり", 8, [9], 0),
    (1, 2): ("高齢者見守り体制の強化と地域資源の把握", 4, [3, 1], 0),
    (1, 3): ("高齢者の生きがいづくりと積極的な社会参加の促進", 3, [1, 1, 2, 5], 0),
    (2, None): (None, 5, [3, 3, 3, 3], 0),
    (3, 1): ("地域における子育て支援サービスの充実", 2, [2, 1, 2], 0),
    (3, 2): ("地域における子育て支援のネットワークづくり", 2, [2, 2, 2], 0),
    (4, 1): ("小学校区単位の健康まちづくり", 5, [], 3),
    (4, 2): ("健康づくりを支えるボランティアの育成・支援", 4, [2, 3], 0),
}


def test_plan_and_priority_area():
    plan = Plan.objects.get()
    assert plan.title == "熊本市地域福祉計画"
    area = PriorityArea.objects.get()
    assert (area.plan, area.number) == (plan, 1)
    assert area.title == "ともに支えあい、助けあう地域福祉社会の推進"


def test_every_pillar_with_its_title_and_theme():
    assert {p.number: (p.title, p.theme_id) for p in Pillar.objects.all()} == SEED_PILLARS


def test_every_section_title():
    loaded = {
        (s.pillar.number, s.number): s.title for s in Section.objects.select_related("pillar")
    }
    expected = {key: title for key, (title, *_rest) in SEED_SECTIONS.items() if key[1]}
    assert loaded == expected
    assert not Section.objects.filter(pillar__number=2).exists(), "pillar 2 has no sections"


@pytest.mark.parametrize(("place", "expected"), SEED_SECTIONS.items(), ids=str)
def test_counts_of_challenges_initiatives_and_actions(place, expected):
    pillar_number, section_number = place
    _title, challenges, actions_per_initiative, direct_actions = expected
    pillar = Pillar.objects.get(number=pillar_number)
    section = pillar.sections.get(number=section_number) if section_number else None

    assert Challenge.objects.filter(pillar=pillar, section=section).count() == challenges
    initiatives = Initiative.objects.filter(pillar=pillar, section=section).order_by("number")
    assert [i.actions.count() for i in initiatives] == actions_per_initiative
    assert [i.number for i in initiatives] == list(range(1, len(actions_per_initiative) + 1))
    if section is not None:
        assert section.actions.count() == direct_actions


def test_totals_match_the_plan():
    # The plan has 86 ◇: 33 statements of 現状と課題 and 53 actions.
    assert Challenge.objects.count() == 33
    assert Action.objects.count() == 53
    assert Initiative.objects.count() == 19


@pytest.mark.parametrize("code", SEED_INDICATORS)
def test_indicator_with_every_value_and_fiscal_year(code):
    name, unit, pillar, section, values = SEED_INDICATORS[code]
    indicator = Indicator.objects.get(code=code)
    assert indicator.name == name
    assert indicator.unit_id == unit
    assert indicator.direction == "increase"
    assert indicator.pillar.number == pillar
    assert (indicator.section.number if indicator.section else None) == section
    loaded = [
        (v.kind, v.fiscal_year, v.value, v.as_of, v.note, v.ward, v.origin)
        for v in indicator.values.order_by("fiscal_year", "kind")
    ] + [  # the plan's targets are originals: records of their own, never revisions
        ("target", t.fiscal_year, t.value, t.as_of, t.note, t.ward, t.origin)
        for t in indicator.targets.filter(revised_in=None)
    ]
    assert not indicator.targets.exclude(revised_in=None).exists()
    loaded.sort(key=lambda v: (v[1], v[0]))
    assert loaded == [
        (kind, year, Decimal(value), as_of, note, None, ValueOrigin.PLAN)
        for kind, year, value, as_of, note in sorted(values, key=lambda v: (v[1], v[0]))
    ]


def test_indicators_are_shown_with_the_decimals_the_plan_prints():
    places = dict(Indicator.objects.values_list("code", "decimal_places"))
    assert places == {
        "KPI-1-1": 2,
        "KPI-2-1": 1,
        "KPI-3-1": 0,
        "KPI-3-2": 1,
        "KPI-4-1": 0,
        "KPI-4-2": 0,
        "KPI-4-3": 1,
    }


def test_exactly_the_seven_indicators_of_the_plan():
    assert sorted(Indicator.objects.values_list("code", flat=True)) == sorted(SEED_INDICATORS)
    # 15 figures: eight baselines and actuals, and seven targets (one per indicator).
    assert IndicatorValue.objects.count() + Target.objects.count() == 15
    assert Target.objects.count() == 7


def test_indicator_notes_and_sources_come_through():
    kpi_1_1 = Indicator.objects.get(code="KPI-1-1")
    assert "「くまもとはつらつプラン」との整合性を図り" in kpi_1_1.notes
    kpi_2_1 = Indicator.objects.get(code="KPI-2-1")
    assert "熊本市障がい者アンケート" in kpi_2_1.source
    assert len(kpi_2_1.notes.splitlines()) == 2
    assert "「第2次健康くまもと21基本計画」" in Indicator.objects.get(code="KPI-4-1").notes
    assert Indicator.objects.get(code="KPI-4-2").notes == ""  # the plan prints none for it
    assert "基準値をH24年度" in Indicator.objects.get(code="KPI-4-3").notes


def test_irregular_structure_is_held_without_invented_rows():
    # Section 4-1 lists actions with no numbered initiative.
    section_4_1 = Section.objects.get(pillar__number=4, number=1)
    assert not section_4_1.initiatives.exists()
    assert section_4_1.actions.first().text.startswith("小学校区を単位とし")
    # Pillar 2's content hangs off the pillar itself.
    assert Initiative.objects.filter(pillar__number=2, section=None).count() == 4
    assert Initiative.objects.get(code="2-3").title == "相談支援体制の充実"


def test_sub_headings_groups_and_leads():
    headings = list(
        Challenge.objects.filter(section__pillar__number=1, section__number=1)
        .order_by("position")
        .values_list("heading", flat=True)
    )
    assert (
        headings
        == ["①将来を見据えた課題"] * 4
        + ["②医療、介護、介護予防、生活支援、住まい等各要素における課題"] * 4
    )
    employment = Initiative.objects.get(code="1-3-4")
    assert employment.title == "就労支援"
    assert [a.group for a in employment.actions.order_by("position")] == [
        "シルバー人材センター"
    ] * 3 + ["就労を通じた社会貢献への意欲を生かせる環境づくり"] * 2
    assert Initiative.objects.get(code="1-1-1").lead.startswith("本市では、日常生活圏域を軸に")


def test_overviews_and_figures():
    assert Pillar.objects.get(number=1).overview.startswith("我が国では世界に例のないスピードで")
    assert Pillar.objects.get(number=4).overview.startswith("個人の健康は、")
    figures = {
        (f.pillar.number, f.section.number if f.section else None, f.kind, f.number, f.title)
        for f in Figure.objects.select_related("pillar", "section")
    }
    assert figures == {
        (1, 1, "figure", 1, "地域包括ケアシステムの姿"),
        (2, None, "reference", None, "障がい者サポーター制度とは？"),
        (2, None, "figure", 1, "障がい者の就労・生活支援のサポート体制"),
        (2, None, "figure", 2, "熊本市における相談支援機関"),
        (3, 2, "figure", 1, "子育て支援ネットワーク"),
        (4, 1, "figure", 1, "校区単位の健康まちづくり"),
    }
    health_cycle = Figure.objects.get(pillar__number=4).text.splitlines()
    assert "⑥活動の展開" in health_cycle and "⑦活動の評価" in health_cycle


def test_figures_in_the_text_are_exact():
    texts = " ".join(Challenge.objects.values_list("text", flat=True))
    assert "平成25年度66.5％" in texts
    assert "平成26年3月末現在" in texts and "935名" in texts


def test_wards_and_organisation_types():
    assert list(Ward.objects.values_list("name", flat=True)) == [
        "中央区",
        "東区",
        "西区",
        "南区",
        "北区",
    ]
    names = set(OrganisationType.objects.values_list("name", flat=True))
    assert {
        "地域包括支援センター",
        "民生委員・児童委員",
        "校区社会福祉協議会",
        "老人クラブ",
        "子育てほっとステーション",
        "子育てサークル",
    } <= names


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_loading_twice_writes_nothing():
    with CaptureQueriesContext(connection) as queries:
        call_command("load_plan", verbosity=0)
    assert _writes(queries.captured_queries) == []


def test_check_reports_an_up_to_date_database():
    call_command("load_plan", "--check", verbosity=0)


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "plan"
    shutil.copytree(settings.PLAN_DATA_DIR, target)
    return target


def _edit(directory, name, change):
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_corrected_data_file_updates_in_place_and_keeps_entered_data(data_copy):
    pillar = Pillar.objects.get(number=3)
    initiative = Initiative.objects.get(code="3-1-1")
    chuo = Ward.objects.get(code="chuo")
    entered = IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="KPI-3-1"),
        fiscal_year=2015,
        kind="actual",
        value=Decimal("20000"),
        ward=chuo,
        origin=ValueOrigin.ENTRY,
    )
    entered_city = IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="KPI-3-1"),
        fiscal_year=2016,
        kind="actual",
        value=Decimal("115000"),
        origin=ValueOrigin.ENTRY,
    )

    def correct(data):
        data["title"] = "子どもたちが健やかに成長できる環境づくり（改）"
        section = data["sections"][0]
        section["initiatives"][0]["actions"].pop()  # one action fewer
        section["indicators"][0]["values"][1]["value"] = "123087"

    _edit(data_copy, "pillar-3.yaml", correct)
    with pytest.raises(CommandError, match="differs"):
        call_command("load_plan", "--data", str(data_copy), "--check", verbosity=0)
    call_command("load_plan", "--data", str(data_copy), verbosity=0)

    pillar.refresh_from_db()
    initiative.refresh_from_db()
    assert pillar.title.endswith("（改）")
    assert initiative.actions.count() == 1
    target = Target.objects.get(indicator__code="KPI-3-1", ward=None)
    assert target.value == Decimal("123087")
    entered.refresh_from_db()
    entered_city.refresh_from_db()
    assert (entered.value, entered.ward, entered.origin) == (Decimal("20000"), chuo, "entry")
    assert entered_city.value == Decimal("115000")


def test_a_plan_value_over_an_entered_value_is_refused_and_nothing_changes(data_copy):
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="KPI-3-2"),
        fiscal_year=2016,
        kind="actual",
        value=Decimal("20.0"),
        origin=ValueOrigin.ENTRY,
    )

    def add_actual(data):
        data["title"] = "changed"
        data["sections"][1]["indicators"][0]["values"].append(
            {"kind": "actual", "fiscal_year": "H28", "value": "21.0"}
        )

    _edit(data_copy, "pillar-3.yaml", add_actual)
    with pytest.raises(CommandError, match="KPI-3-2"):
        call_command("load_plan", "--data", str(data_copy), verbosity=0)
    assert Pillar.objects.get(number=3).title == SEED_PILLARS[3][0]
    assert IndicatorValue.objects.get(indicator__code="KPI-3-2", fiscal_year=2016).value == 20


def test_an_edit_made_in_the_admin_is_not_overwritten_silently(data_copy, planner):
    """A planner changed a challenge in the admin; a load whose data differs there writes
    nothing and names the row, until told to overwrite."""
    challenge = Challenge.objects.get(pillar__number=1, section__number=1, position=1)
    printed = challenge.text
    challenge.text = printed + "（修正）"
    challenge._history_user = planner
    challenge.save()

    with pytest.raises(CommandError, match="管理画面で変更") as refused:
        call_command("load_plan", verbosity=0)
    assert "planner" in str(refused.value)
    challenge.refresh_from_db()
    assert challenge.text == printed + "（修正）"

    # Once the data says the same, the load goes through and writes nothing for it.
    def adopt(data):
        data["sections"][0]["challenges"][0]["text"] = printed + "（修正）"

    _edit(data_copy, "pillar-1.yaml", adopt)
    call_command("load_plan", "--data", str(data_copy), verbosity=0)

    call_command("load_plan", "--overwrite-edits", verbosity=0)
    challenge.refresh_from_db()
    assert challenge.text == printed
    assert challenge.history.latest().history_change_reason == "load_plan"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(colour="blue"), r"pillar-1.yaml: colour: unknown key"),
        (lambda d: d.update(theme="sports"), r"pillar-1.yaml: theme: 'sports' is not one of"),
        (
            lambda d: d["indicators"][0]["values"][0].update(fiscal_year="X20"),
            r"pillar-1.yaml: indicators\[0\]\.values\[0\]\.fiscal_year: .*X20",
        ),
        (
            lambda d: d["indicators"][0]["values"][0].update(value=78.61),
            r"values\[0\]\.value: write the number as a quoted decimal string",
        ),
        (lambda d: d["sections"][0].pop("title"), r"sections\[0\]\.title: is required"),
        (
            lambda d: d["sections"][1]["initiatives"][1].update(number=3),
            r"initiatives are numbered \[1, 3\]",
        ),
    ],
)
def test_bad_data_files_are_refused_with_where_and_why(data_copy, change, message):
    _edit(data_copy, "pillar-1.yaml", change)
    with pytest.raises(CommandError, match=message):
        call_command("load_plan", "--data", str(data_copy), verbosity=0)
    assert Pillar.objects.get(number=1).title == SEED_PILLARS[1][0]


# 施策2 図2 熊本市における相談支援機関 (lines as printed), 地域包括支援センター and 「縁」.
FIGURE_2_BODIES = {
    "熊本市こころの健康センター（精神保健福祉センター）",
    "熊本市障がい者就労・生活支援センター（くまもと障がい者ワーク・ライフサポートセンター「縁」）",
    "熊本市発達障がい者支援センター",
    "熊本市児童相談所",
    "熊本市子ども発達支援センター",
    "熊本市こどもセンター教育相談室",
    "熊本市委託相談支援事業所、相談支援サービス事業所",
    "熊本市関係各課等（各区福祉課、各担当課、各区保健師など）",
    "熊本市ひきこもり支援センター",
    "熊本市虐待防止センター",
    "熊本市地域包括支援センター",
}


def test_the_organisations_the_plan_names_are_in_the_directory():
    from community.models import CommunityResource

    plan_entries = CommunityResource.objects.filter(origin="plan")
    names = set(plan_entries.values_list("name", flat=True))
    assert names >= FIGURE_2_BODIES
    assert {"子ども文化会館", "夢もやい館", "シルバー人材センター"} <= names
    consultation = plan_entries.filter(name__in=FIGURE_2_BODIES)
    assert all(r.consultation and r.ward is None for r in consultation)
    # The text lost the figure's columns: every placement is marked for checking.
    assert all(r.life_stages_inferred for r in consultation)
    stages = {
        r.name: {s.name for s in r.life_stages.all()}
        for r in consultation.prefetch_related("life_stages")
    }
    assert stages["熊本市地域包括支援センター"] == {"高齢期"}
    assert stages["熊本市児童相談所"] == {"幼児期", "学齢期"}
    assert CommunityResource.objects.get(code="child-guidance-centre").organisation_type.name == (
        "相談支援機関"
    )


def test_the_volunteer_programs_and_the_derived_indicators():
    from community.models import VolunteerProgram

    programs = {p.name: p.health_volunteer for p in VolunteerProgram.objects.all()}
    assert programs == {
        "ジュニアヘルパー": False,
        "認知症サポーター": False,
        "障がい者サポーター": False,
        "食生活改善推進員": True,
        "8020推進員": True,
        "精神保健福祉ボランティア": True,
    }
    derived = dict(Indicator.objects.exclude(derivation="").values_list("code", "derivation"))
    assert derived == {"KPI-4-1": "districts_in_action", "KPI-4-2": "health_volunteers"}


def test_a_plan_entrys_phone_and_hours_load_from_the_community_file(data_copy):
    from community.models import CommunityResource

    def give_hours(data):
        entry = next(r for r in data["resources"] if r["code"] == "child-guidance-centre")
        entry.update(phone="096-366-8181", hours="月〜金 8:30〜17:15")

    _edit(data_copy, "community.yaml", give_hours)
    call_command("load_plan", "--data", str(data_copy), verbosity=0)
    centre = CommunityResource.objects.get(code="child-guidance-centre")
    assert (centre.phone, centre.hours) == ("096-366-8181", "月〜金 8:30〜17:15")
