"""Each app reads its own part of a plan folder (its ``plan_folder`` module), on its own and
with no database; ``portal.plan_loading`` only puts the parts together, reading each file
once. What the whole load does with the parts: tests/programs/test_load_plan.py and
tests/test_second_city.py."""

from pathlib import Path

import pytest
import yaml

import infrastructure.plan_folder
from community.plan_folder import community_read_from_plan, municipality_read_from_plan
from indicators.plan_folder import indicators_read_from_plan
from infrastructure.plan_folder import PlanDataError, PlanFolder
from portal.plan_loading import plan_document_read
from programs.plan_folder import plan_read_from_plan

KAKU = Path(__file__).parent / "fixtures" / "plans" / "kaku-city"
SHIPPED = Path(__file__).resolve().parent.parent / "programs" / "data" / "plan"


def test_the_community_reads_the_municipality_and_its_wards():
    municipality = municipality_read_from_plan(PlanFolder(KAKU))
    assert (municipality.code, municipality.name, municipality.prefecture) == (
        "991007",
        "架空市",
        "架空県",
    )
    assert [(w.code, w.municipality_code) for w in municipality.wards] == [
        ("asahi", "991015"),
        ("yuhi", "991023"),
        ("hoshizora", "991031"),
    ]


def test_the_community_reads_its_slice_given_plain_pillar_numbers():
    kaku = community_read_from_plan(PlanFolder(KAKU), ward_codes=set(), pillar_numbers=set())
    assert [t.code for t in kaku.organisation_types] == ["neighbourhood-association"]
    assert (kaku.community_file, kaku.resources, kaku.volunteer_programs) == ("", (), ())

    folder = PlanFolder(SHIPPED)
    wards = {w.code for w in municipality_read_from_plan(folder).wards}
    shipped = community_read_from_plan(folder, ward_codes=wards, pillar_numbers={1, 2, 3, 4})
    assert shipped.community_file == "community.yaml"
    assert shipped.resources and shipped.volunteer_programs
    assert {p.pillar for p in shipped.volunteer_programs} <= {None, 1, 2, 3, 4}

    # The pillar numbers it is given are the only ones its entries may name.
    with pytest.raises(PlanDataError, match=r"^community\.yaml: volunteer_programs\[\d+\]\.pillar"):
        community_read_from_plan(folder, ward_codes=wards, pillar_numbers={1, 2, 3})


def test_the_plan_reads_its_chapters_and_places_the_indicators_unread():
    plan = plan_read_from_plan(PlanFolder(KAKU))
    assert (plan.code, plan.period_start, plan.period_end) == (
        "kaku-community-welfare-plan",
        2024,
        2029,
    )
    assert [a.number for a in plan.priority_areas] == [1]
    assert [(p.number, len(p.sections)) for p in plan.pillars] == [(1, 1), (2, 0)]
    places = plan.indicator_places()
    assert [(pillar, section) for pillar, section, _ in places] == [(1, 1), (1, 1), (2, None)]
    assert [node.path for _, _, node in places] == [
        ".sections[0].indicators[0]",
        ".sections[0].indicators[1]",
        ".indicators[0]",
    ]


def test_the_indicators_read_the_nodes_the_plan_placed():
    plan = plan_read_from_plan(PlanFolder(KAKU))
    data = indicators_read_from_plan(PlanFolder(KAKU), plan)
    assert [(i.pillar, i.section, i.indicator.code) for i in data.indicators] == [
        (1, 1, "KPI-1-1"),
        (1, 1, "KPI-1-2"),
        (2, None, "KPI-2-1"),
    ]
    assert all(i.indicator.values for i in data.indicators)
    assert (data.source, data.priority_areas) == (plan.title, (1,))


def test_the_composition_reads_each_file_once(monkeypatch):
    read = []
    load_yaml = infrastructure.plan_folder.load_yaml

    def counting(path):
        read.append(path.name)
        return load_yaml(path)

    monkeypatch.setattr(infrastructure.plan_folder, "load_yaml", counting)
    document = plan_document_read(SHIPPED)
    assert sorted(read) == sorted(p.name for p in SHIPPED.glob("*.yaml"))
    assert document.plan.code == "kumamoto-community-welfare-plan"
    assert document.community.community_file == "community.yaml"


def test_plan_yaml_allows_the_keys_of_every_part(tmp_path):
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump({"colour": "blue"}), encoding="utf-8")
    with pytest.raises(PlanDataError) as error:
        plan_document_read(tmp_path)
    assert str(error.value) == (
        "plan.yaml: colour: unknown key (allowed: community, municipality, organisation_types, "
        "plan, priority_areas, themes, units, yasashii)"
    )
