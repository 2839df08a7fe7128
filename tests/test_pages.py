import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_home_shows_the_plan_in_japanese(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "熊本市地域福祉計画" in html
    assert "施策1　高齢者を地域全体で支える環境づくり" in html
    assert "65歳以上の元気な高齢者の割合" in html
    assert "2008年度（平成20年度）" in html
    assert "78.61％" in html and "111,901人" in html
    assert "34.0％" in html and "26.0％" in html  # as many decimals as the plan prints


def test_plan_values_keep_their_printed_notes(client):
    html = client.get("/indicators/KPI-4-2/").content.decode()
    assert "H２４.４月末現在" in html
    assert "｢参加したことがある｣" in client.get("/indicators/KPI-4-3/").content.decode()
    assert "９５校区／９５校区" in client.get("/indicators/KPI-4-1/").content.decode()


def test_home_in_english_keeps_the_plan_text_and_labels_years_in_english(client):
    response = client.get("/", headers={"accept-language": "en"})
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "FY2008 (Heisei 20)" in html
    assert "Pillar 1 高齢者を地域全体で支える環境づくり" in html
    assert "65歳以上の元気な高齢者の割合" in html  # plan content is the plan's own words


def test_language_switch_remembers_the_choice(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()


def test_admin_login_page_is_japanese(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert "熊本市地域福祉計画 進捗管理" in response.content.decode()


def test_staff_log_in_and_see_the_plan_in_the_admin(client, chuo_officer):
    assert client.login(username="chuo_officer", password=PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "施策" in response.content.decode()
    assert client.get(reverse("admin:programs_pillar_changelist")).status_code == 200
    pillar_change = client.get(reverse("admin:programs_pillar_change", args=[1]))
    assert pillar_change.status_code == 200
    assert 'name="title"' not in pillar_change.content.decode(), "ward officers only read"


def test_planner_can_edit_plan_content_in_the_admin(client, planner):
    client.force_login(planner)
    page = client.get(reverse("admin:programs_pillar_change", args=[1]))
    assert 'name="title"' in page.content.decode()
