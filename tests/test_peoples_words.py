"""People's words on people's screens (issue 21 item 7): no command, setting or module name on a
page a person reads, staff's or the public's; no note about how the plan was read on the
residents' finder; the sample-data banner tells residents what it means and staff where to
remove it, and a planner removes it in the admin, through the access policy and the same
service as the ``clear_demo_data`` command. And the favicon (item 6)."""

import contextlib
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import NoReverseMatch, reverse

from community.models import CommunityResource
from indicators.demo import DEMO_SOURCE, demo_data_load
from indicators.models import IndicatorValue, Target
from programs.models import InitiativeProgress
from tests.visible_text import visible_lines

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# A command, a command-line option, a setting or environment variable, a module's file.
DEVELOPER_WORDS = re.compile(
    r"manage\.py|\bpython\b|\bmake (?:run|test)\b|load_plan|clear_demo_data|load_demo_data"
    r"|--[a-z][a-z-]+|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\w+\.(?:py|ya?ml)\b|同時編集"
)
INFERRED_NOTES = re.compile(r"推定|図2|施策\d+ ?図|取組施策①|各区で登録")

BANNER = "このサイトの実績値と取組の進捗の多くは、説明のための見本で、実際の数値ではありません。"


def _words(page: str) -> str:
    return "\n".join(visible_lines(page))


def _developer_words(page: str) -> list[str]:
    return sorted(set(DEVELOPER_WORDS.findall(_words(page))))


@pytest.fixture
def demo():
    demo_data_load()


# --- No developer words ----------------------------------------------------------------------


PUBLIC_PAGES = [
    "/",
    "/pillars/1/",
    "/indicators/KPI-1-1/",
    "/consult/",
    "/yasashii/",
    "/yasashii/consult/",
    "/yasashii/indicators/",
    "/opendata/",
    "/reports/2016/",
    "/search/?q=相談",
]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_public_page_names_a_command_or_a_setting(demo, language):
    client = Client()
    for url in PUBLIC_PAGES:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert _developer_words(response.content.decode()) == [], url


def _admin_pages(user) -> list[str]:
    """Every model's list, its first record's page and its add page the user may open."""
    urls = [reverse("admin:index"), reverse("admin-completeness"), reverse("admin-demo-data")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        first = model._default_manager.order_by("pk").first()
        for name, args in (("changelist", []), ("add", []), ("change", [first and first.pk])):
            if None in args:
                continue
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_{name}", args=args))
    return urls


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_admin_page_names_a_command_or_a_setting(client, planner, demo, language):
    client.force_login(planner)
    client.cookies["django_language"] = language
    seen = 0
    for url in _admin_pages(planner):
        response = client.get(url)
        if response.status_code != 200:
            continue  # a page the planner may not open (an account's groups, say)
        seen += 1
        assert _developer_words(response.content.decode()) == [], url
    assert seen > 40


def test_the_help_that_named_the_plan_loader_speaks_of_loading_the_plan(client, planner):
    client.force_login(planner)
    value = IndicatorValue.objects.filter(origin="plan").first()
    page = _words(
        client.get(
            reverse("admin:indicators_indicatorvalue_change", args=[value.pk])
        ).content.decode()
    )
    assert "計画書に載っている値は、計画書の読み込みでだけ変わります。" in page
    assert "ほかの人が先に変更していたときは、保存するときにお知らせします。" in page
    section_page = _words(client.get(reverse("admin:programs_section_add")).content.decode())
    assert "計画担当が設定し、計画書を読み込み直しても変わりません。" in section_page


def test_a_refusal_on_the_plans_own_target_says_what_to_do(planner):
    from django.core.exceptions import ValidationError

    from indicators.services import target_delete

    target = Target.objects.filter(origin="plan").first()
    with pytest.raises(ValidationError) as refused:
        target_delete(user=planner, target=target)
    assert "新しい目標値を設定してください" in " ".join(refused.value.messages)
    assert not DEVELOPER_WORDS.search(" ".join(refused.value.messages))


def test_no_template_names_a_command_or_a_setting():
    comment = re.compile(r"(?s)\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}")
    for path in (ROOT / "templates").rglob("*.html"):
        text = comment.sub("", path.read_text(encoding="utf-8"))
        # The words of {% translate "…" %} stay; the rest of the template's code goes.
        text = re.sub(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1.*?%\}""", r" \2 ", text)
        text = re.sub(r"\{[{%].*?[%}]\}", " ", text)
        assert not DEVELOPER_WORDS.search(_words(text)), path


# --- The residents' finder -------------------------------------------------------------------


def test_the_residents_finder_shows_no_note_on_how_the_plan_was_read():
    for url in ("/consult/", "/consult/?life_stage=old-age", "/yasashii/consult/"):
        for language in ("ja", "en"):
            page = _words(Client().get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
            assert "熊本市こころの健康センター" in page or "こころの健康センター" in page, url
            assert not INFERRED_NOTES.search(page), (url, INFERRED_NOTES.search(page))


def test_a_plan_entrys_description_is_the_description_alone():
    entry = CommunityResource.objects.get(code="kokoro-health-centre")
    assert entry.description == "心の健康、精神保健福祉に関する専門的な相談"
    assert entry.life_stages_inferred  # kept, for staff
    centres = CommunityResource.objects.get(code="community-comprehensive-support-centres")
    assert centres.description == "高齢者の総合相談、介護予防、権利擁護"


def test_staff_still_see_that_the_life_stages_were_inferred(client, planner):
    client.force_login(planner)
    entry = CommunityResource.objects.get(code="kokoro-health-centre")
    page = client.get(
        reverse("admin:community_communityresource_change", args=[entry.pk])
    ).content.decode()
    assert "ライフステージは推定" in page


# --- The sample-data banner ------------------------------------------------------------------


def _banner(page: str) -> str:
    found = re.search(r'<p class="demo-banner".*?</p>', page, re.S)
    return _words(found.group(0)) if found else ""


def test_residents_are_told_what_the_sample_data_means(demo):
    banner = _banner(Client().get("/").content.decode())
    assert "サンプルデータを表示中" in banner and BANNER in banner
    assert "管理画面" not in banner
    english = _banner(Client().get("/", **EN).content.decode())
    assert "samples for illustration, not real figures" in english


def test_a_planner_is_shown_where_to_remove_it(client, planner, demo):
    client.force_login(planner)
    page = client.get("/").content.decode()
    assert "管理画面で見本のデータを削除する" in _banner(page)
    assert f'href="{reverse("admin-demo-data")}"' in page
    index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("admin-demo-data")}"' in index


def test_a_ward_officer_is_told_who_removes_it(client, chuo_officer, demo):
    client.force_login(chuo_officer)
    page = client.get("/").content.decode()
    assert "見本のデータは、計画担当が管理画面で削除できます。" in _banner(page)
    assert reverse("admin-demo-data") not in page


def test_without_sample_data_there_is_no_banner(client, planner):
    assert _banner(Client().get("/").content.decode()) == ""
    client.force_login(planner)
    assert reverse("admin-demo-data") not in client.get(reverse("admin:index")).content.decode()


# --- Removing it in the admin ----------------------------------------------------------------


def _sample_rows() -> int:
    return (
        IndicatorValue.objects.filter(source=DEMO_SOURCE).count()
        + InitiativeProgress.objects.filter(source=DEMO_SOURCE).count()
    )


def test_a_planner_removes_the_sample_data_in_the_admin(client, planner, demo):
    others = IndicatorValue.objects.exclude(source=DEMO_SOURCE).count()
    count = _sample_rows()
    client.force_login(planner)
    page = client.get(reverse("admin-demo-data")).content.decode()
    assert f"{count}件" in page
    response = client.post(reverse("admin-demo-data"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert f"見本のデータを{count:,}件削除しました。" in response.content.decode()
    assert _sample_rows() == 0
    assert IndicatorValue.objects.exclude(source=DEMO_SOURCE).count() == others
    assert "サンプルデータを表示中" not in Client().get("/").content.decode()
    # Removed by a person: loading the sample data again (make run) does not bring it back.
    demo_data_load()
    assert _sample_rows() == 0


def test_a_ward_officer_cannot_remove_the_sample_data(client, chuo_officer, demo):
    count = _sample_rows()
    client.force_login(chuo_officer)
    assert client.get(reverse("admin-demo-data")).status_code == 403
    assert client.post(reverse("admin-demo-data")).status_code == 403
    assert _sample_rows() == count


def test_the_service_refuses_a_ward_officer_and_serves_the_command(chuo_officer, demo):
    from django.core.exceptions import PermissionDenied
    from django.core.management import call_command

    from indicators.demo import demo_data_clear

    count = _sample_rows()
    with pytest.raises(PermissionDenied):
        demo_data_clear(user=chuo_officer)
    assert _sample_rows() == count
    call_command("clear_demo_data", verbosity=0)  # the operator's way: no role to check
    assert _sample_rows() == 0


def test_someone_not_signed_in_is_sent_to_sign_in(demo):
    response = Client().post(reverse("admin-demo-data"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert _sample_rows() > 0


# --- The favicon -----------------------------------------------------------------------------


def test_the_favicon_is_served_and_linked():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".ico")
    assert Client().get("/favicon.ico", follow=False)["Location"].startswith("/static/")
    icon = Path(finders.find("favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    svg = Path(finders.find("favicon.svg")).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'viewBox="0 0 32 32"' in svg
    for url in ("/", "/yasashii/"):
        page = Client().get(url).content.decode()
        assert re.search(r'<link rel="icon" href="/static/favicon[^"]*\.svg"', page), url


def test_the_admin_links_the_favicon_too(client, planner):
    client.force_login(planner)
    page = client.get(reverse("admin:index")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon[^"]*\.svg"', page)
