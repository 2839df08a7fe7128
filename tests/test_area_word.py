"""A municipality's own areas, in its own word (issue 20, item 1): a town without areas
(tests/fixtures/plans/hinata-town/) is served without a word of 区 or an empty area choice;
a city whose areas are 地区 reads 地区 (district in English) wherever Kumamoto reads 区;
Kumamoto's pages read as before. The word is data: no migration records it."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from django.core import mail
from django.core.management import call_command
from django.test import Client

from community.access import Role
from community.areas import AREA, area_word, has_areas
from community.models import Department, Municipality, Ward
from community.plan_folder import municipality_read_from_plan
from community.services import staff_create
from indicators.models import Indicator, Reminder, ReportingRound
from indicators.reminders import reminders_send
from infrastructure.plan_folder import PlanDataError, PlanFolder
from infrastructure.response_cache import bump_generation
from portal import open_data
from programs.models import Initiative
from tests.api.conftest import client_for
from tests.conftest import PASSWORD
from tests.test_second_city import empty_the_database

pytestmark = pytest.mark.django_db

HINATA = Path(__file__).parent / "fixtures" / "plans" / "hinata-town"
YEAR = 2025

#: Words that hold 区 but are not the areas: 校区 (school district), 区分, 区切.
OTHER_WORDS = re.compile(r"校区|区分|区切")

PUBLIC_PAGES = (
    "/",
    "/pillars/1/",
    "/indicators/HT-1-1/",
    "/consult/",
    "/yasashii/",
    "/yasashii/consult/",
    "/yasashii/indicators/",
    f"/reports/{YEAR}/",
    "/opendata/",
)


def plan_texts(folder: Path) -> list[str]:
    """Every text of the plan folder's files: the plan's own words (its actions may speak of
    地区, the common word), which the pages show as written."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)

    for path in folder.glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(found, key=len, reverse=True)  # the longest first: no text left half-cut


def own_words(page: str, folder: Path) -> str:
    """The page without the plan's own texts and the words that are not the areas."""
    for text in plan_texts(folder):
        page = page.replace(text, "")
    return OTHER_WORDS.sub("", page)


def load(folder: Path) -> None:
    empty_the_database()
    call_command("load_plan", str(folder), verbosity=0)


@pytest.fixture
def hinata(db):
    load(HINATA)


def district_town(tmp_path: Path) -> Path:
    """ひなた町 as a town that reports by three 地区 (no codes of their own)."""
    folder = tmp_path / "hinata-districts"
    shutil.copytree(HINATA, folder)
    municipality = folder / "municipality.yaml"
    municipality.write_text(
        municipality.read_text(encoding="utf-8")
        + "area_word: 地区\n"
        + "area_word_en: District\n"
        + "areas:\n"
        + "  - {code: kita, name: 北地区, name_en: North District}\n"
        + "  - {code: minami, name: 南地区, name_en: South District}\n",
        encoding="utf-8",
    )
    return folder


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


# --- A town without areas --------------------------------------------------------------------


def test_a_town_without_areas_has_no_area_and_the_default_word(hinata):
    assert not Ward.objects.exists() and not has_areas()
    assert Municipality.objects.get().area_word == "区"  # the default, never shown


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_public_page_of_a_town_without_areas_speaks_of_区(hinata, client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    page = response.content.decode()
    assert "区" not in own_words(page, HINATA), path
    assert 'name="ward"' not in page, path  # no area to choose, as a select or as radios


def test_the_town_in_english_speaks_of_no_ward(hinata, client):
    english(client)
    for path in ("/", "/pillars/1/", "/indicators/HT-1-1/", "/consult/", f"/reports/{YEAR}/"):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert not re.search(r"\bwards?\b", page, re.IGNORECASE), path


def test_the_towns_indicator_page_has_no_table_by_area(hinata, client):
    """The town's figures year by year are the town's alone: no column of an area."""
    page = client.get("/indicators/HT-1-1/")
    assert '<h2 id="areas-heading">市全体の実績値</h2>' in page.content.decode()
    assert page.context["table"]["wards"] == []


def test_the_towns_open_data_leave_the_area_columns_out(hinata, client):
    for dataset in open_data.DATASETS:
        assert not any("区" in OTHER_WORDS.sub("", f.name) for f in dataset.fields), dataset.slug
        assert "区" not in OTHER_WORDS.sub("", str(dataset.title) + str(dataset.description))
    # The file's header and the package's schema are the same columns.
    csv = b"".join(client.get("/opendata/indicator-values.csv").streaming_content)
    header = csv.decode("utf-8-sig").splitlines()[0].split(",")
    package = client.get("/opendata/datapackage.json").json()
    schema = next(r["schema"] for r in package["resources"] if r["name"] == "indicator-values")
    assert header == [f["name"] for f in schema["fields"]]
    assert "区コード" not in header and "年度" in header


def test_the_api_keeps_its_ward_fields_empty_for_a_town_without_areas(hinata):
    anon = client_for()
    town = anon.get("/api/v1/municipality/").json()
    assert (town["wards"], town["area_word"]) == ([], "区")
    assert anon.get("/api/v1/wards/").json() == []
    assert anon.get("/api/v1/dashboard/", {"fiscal_year": YEAR}).json()["wards"] == []


def test_the_towns_staff_forms_offer_no_area(hinata):
    planner = staff_create(username="hinata_planner", role=Role.PLANNER, password=PASSWORD)
    client = Client()
    client.force_login(planner)
    for path in (
        "/admin/",
        "/admin/indicators/indicatorvalue/",
        "/admin/indicators/indicatorvalue/add/",
        "/admin/programs/initiativeprogress/add/",
        "/admin/indicators/indicatorvalue/import/template/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert 'name="ward"' not in page, path
        assert "区" not in own_words(page, HINATA).replace("区職員", ""), path


def test_the_towns_reminders_go_to_the_department_and_the_planners(hinata):
    """No ward officers: before the deadline the department that reports a city-wide figure
    hears of it; after it, the planners have the city's late records."""
    import datetime

    department = Department.objects.create(
        municipality=Municipality.objects.get(), name="見守り推進課"
    )
    Indicator.objects.filter(code="HT-1-1").update(department=department)
    officer = staff_create(
        username="mimamori",
        role=Role.DEPARTMENT_OFFICER,
        password=PASSWORD,
        department=department,
        email="mimamori@example.jp",
    )
    planner = staff_create(
        username="hinata_planner",
        role=Role.PLANNER,
        password=PASSWORD,
        email="planner@example.jp",
    )
    for user in (officer, planner):
        user.date_joined = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
        user.save()
    deadline = datetime.date(2026, 5, 31)
    ReportingRound.objects.create(fiscal_year=YEAR, deadline=deadline)

    assert reminders_send(today=deadline - datetime.timedelta(days=2)).sent == 1
    (before,) = mail.outbox
    assert before.to == ["mimamori@example.jp"] and "見守り推進課" in before.subject
    assert "HT-1-1" in before.body and "HT-1-2" not in before.body  # the planners' own item
    assert Initiative.objects.get().code not in before.body  # no department: the planners'

    assert reminders_send(today=deadline + datetime.timedelta(days=1)).sent == 1
    after = mail.outbox[1]
    assert after.to == ["planner@example.jp"]
    assert "市全体" in after.body and "HT-1-1" in after.body and "HT-1-2" in after.body
    assert "区" not in after.subject + after.body
    assert Reminder.objects.count() == 2


# --- A town whose areas are 地区 -----------------------------------------------------------------


@pytest.fixture
def districts(db, tmp_path):
    folder = district_town(tmp_path)
    load(folder)
    return folder


def test_the_areas_of_a_town_are_named_by_its_own_word(districts, client):
    assert list(Ward.objects.values_list("name", "municipality_code")) == [
        ("北地区", ""),
        ("南地区", ""),
    ]
    assert (area_word(), str(AREA)) == ("地区", "地区")

    pillar = client.get("/pillars/1/").content.decode()
    assert re.search(r'id="progress-heading">[^<]*の地区ごとの進捗<', pillar)
    detail = client.get("/indicators/HT-1-1/").content.decode()
    assert '<h2 id="areas-heading">地区ごとの実績値</h2>' in detail
    assert "地区ごと</a>" in detail  # the navigation
    consult = client.get("/consult/").content.decode()
    assert "お住まいの地区を選ぶと" in consult and '<label for="ward">地区</label>' in consult
    assert "区役所" not in consult  # 地区 have no offices of their own to send people to
    # Apart from the areas' own names, nothing says 区 alone.
    for page in (pillar, detail, consult):
        rest = own_words(page, districts).replace("北地区", "").replace("南地区", "")
        assert "区" not in rest.replace("地区", "")


def test_in_english_the_areas_are_districts(districts, client):
    english(client)
    pillar = client.get("/pillars/1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'id="progress-heading">Progress by district in [^<]+<', pillar)
    detail = client.get("/indicators/HT-1-1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h2 id="areas-heading">Actuals by district</h2>' in detail
    assert ">By district</a>" in detail
    # Apart from the names of the page's parts (ids, paths), no ward.
    words = re.sub(r'(href|id|data-chart|aria-labelledby)="[^"]*"|"chart-areas"', "", detail)
    assert "ward" not in words.lower()


def test_the_api_names_the_areas_and_the_word(districts):
    anon = client_for()
    town = anon.get("/api/v1/municipality/").json()
    assert town["wards"] == ["kita", "minami"]
    assert (town["area_word"], town["area_word_en"]) == ("地区", "district")
    assert anon.get("/api/v1/indicator-values/", {"ward": "北地区"}).status_code == 200


def test_the_open_data_name_the_area_columns_by_the_word(districts, client):
    fields = [f.name for f in open_data.BY_SLUG["indicator-values"].fields]
    assert [name for name in fields if name.startswith("地区")] == ["地区コード", "地区名"]
    assert open_data.BY_SLUG["indicator-values"].title == "成果指標の値（年度・地区別）"
    csv = b"".join(client.get("/opendata/school-districts.csv").streaming_content)
    assert csv.decode("utf-8-sig").splitlines()[0].endswith(",地区コード,地区名")


# --- Kumamoto, as before --------------------------------------------------------------------


def test_kumamotos_pages_still_say_区(client):
    pillar = client.get("/pillars/1/").content.decode()
    assert re.search(r'id="progress-heading">[^<]*の区ごとの進捗<', pillar)
    assert "区ごと</a>" in pillar
    detail = client.get("/indicators/KPI-1-1/").content.decode()
    assert '<h2 id="areas-heading">区ごとの実績値</h2>' in detail
    consult = client.get("/consult/").content.decode()
    assert "ライフステージとお住まいの区を選ぶと" in consult
    assert '<label for="ward">区</label>' in consult
    assert str(Ward._meta.verbose_name) == "区"
    fields = [f.name for f in open_data.BY_SLUG["indicator-values"].fields]
    assert "区コード" in fields and "区名" in fields


def test_kumamoto_in_english_still_says_ward(client):
    english(client)
    detail = client.get("/indicators/KPI-1-1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h2 id="areas-heading">Actuals by ward</h2>' in detail
    assert ">By ward</a>" in detail


def test_a_changed_word_reaches_the_pages_and_labels_once_the_data_moves_on(client):
    Municipality.objects.update(area_word="地区", area_word_en="district")
    bump_generation()  # as every save does (an update() sends no signal)
    detail = client.get("/indicators/KPI-1-1/").content.decode()
    assert '<h2 id="areas-heading">地区ごとの実績値</h2>' in detail
    assert str(Ward._meta.verbose_name) == "地区"
    from indicators.models import IndicatorValue

    assert str(IndicatorValue._meta.get_field("ward").verbose_name) == "地区"


def test_the_word_is_data_no_migration_records_it():
    """The models' labels are the municipality's word when shown; a schema command reads
    them with no language active and sees the default word, whatever the city's."""
    Municipality.objects.update(area_word="地区", area_word_en="district")
    bump_generation()
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # SystemExit if not


# --- municipality.yaml ------------------------------------------------------------------------


def folder_with(tmp_path: Path, extra: str) -> PlanFolder:
    folder = tmp_path / "town"
    shutil.copytree(HINATA, folder)
    municipality = folder / "municipality.yaml"
    municipality.write_text(municipality.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return PlanFolder(folder)


def test_areas_need_the_towns_word_for_them(tmp_path):
    folder = folder_with(tmp_path, "areas:\n  - {code: kita, name: 北地区, name_en: North}\n")
    with pytest.raises(PlanDataError, match=r"municipality\.yaml: area_word: name the areas"):
        municipality_read_from_plan(folder)


def test_wards_and_areas_together_are_refused(tmp_path):
    folder = folder_with(
        tmp_path,
        "area_word: 地区\n"
        "areas:\n  - {code: kita, name: 北地区, name_en: North}\n"
        "wards:\n  - {code: minami, municipality_code: '993026', name: 南区, name_en: South}\n",
    )
    with pytest.raises(PlanDataError, match=r"municipality\.yaml: areas: .*either `wards` or"):
        municipality_read_from_plan(folder)


def test_the_areas_and_their_word_are_read(tmp_path):
    town = municipality_read_from_plan(PlanFolder(district_town(tmp_path)))
    assert (town.area_word, town.area_word_en) == ("地区", "district")  # English lower case
    assert [(w.code, w.municipality_code) for w in town.wards] == [("kita", ""), ("minami", "")]
