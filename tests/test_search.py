"""Site search (/search/ and /api/v1/search/): substring match in the plan's text, the
indicators and the directory, grouped and highlighted, in a fixed number of queries. Runs on
SQLite (the default) and PostgreSQL (DATABASE_URL=postgres://…), where the trigram indexes
serve the match."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from portal.search import HITS_PER_GROUP, MAX_QUERY_LENGTH, SearchQueryError, search, search_terms
from programs.selectors import current_plan
from tests.community.helpers import resource

pytestmark = pytest.mark.django_db

DEMENTIA_ACTION = "認知症の人や家族を支援する認知症サポーターを養成する"


def group(result, kind):
    return next(g for g in result.groups if g.kind == kind)


def api_groups(response) -> dict:
    return {g["kind"]: g for g in response.json()["groups"]}


# --- What is found ------------------------------------------------------------------------


def test_a_word_inside_japanese_text_finds_the_action_on_dementia_supporters():
    plan = group(search("認知症サポーター", plan=current_plan()), "plan")
    [hit] = [h for h in plan.hits if h.type == "action"]
    assert "認知症サポーター" in hit.excerpt
    assert hit.label.startswith("取組（1-2-1 ")
    assert hit.url == "/pillars/1/#section-2"


def test_a_fragment_of_an_indicators_name_finds_the_indicator():
    indicators = group(search("元気な高齢者", plan=current_plan()), "indicator")
    assert [h.label for h in indicators.hits] == ["KPI-1-1 65歳以上の元気な高齢者の割合"]
    assert indicators.hits[0].url == reverse("indicator", args=["KPI-1-1"])


def test_a_directory_entry_is_found_by_its_description_and_links_to_its_place():
    place = resource(
        name="本山きずなサロン", description="毎週木曜に茶話会を開く集い", consultation=True
    )
    other = resource(name="黒髪ふれあい会", description="茶話会と体操")
    found = group(search("茶話会", plan=current_plan()), "resource")
    urls = {h.label: h.url for h in found.hits}
    assert urls["本山きずなサロン"] == f"/consult/?ward=chuo#resource-{place.pk}"
    assert urls["黒髪ふれあい会"] == f"/api/v1/community-resources/{other.pk}/"


def test_the_consultation_page_has_the_anchor_a_directory_hit_links_to(client):
    place = resource(name="本山きずなサロン", consultation=True)
    html = client.get("/consult/?ward=chuo").content.decode()
    assert f'id="resource-{place.pk}"' in html


def test_every_term_must_occur_and_full_width_letters_find_half_width_text():
    plan = current_plan()
    assert search_terms("ＫＰＩ－１　元気") == ["KPI-1", "元気"]
    assert [h.label for h in group(search("ＫＰＩ－１－１", plan=plan), "indicator").hits] == [
        "KPI-1-1 65歳以上の元気な高齢者の割合"
    ]
    both = group(search("認知症サポーター 養成", plan=plan), "plan")
    assert [h.type for h in both.hits] == ["action"]
    assert group(search("認知症サポーター 存在しない語", plan=plan), "plan").total == 0


def test_a_hit_is_highlighted_and_everything_else_is_escaped():
    resource(name="<script>alert(1)</script>の会", description="<b>集い</b>")
    [hit] = group(search("<script>", plan=current_plan()), "resource").hits
    assert str(hit.highlighted) == "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;の会"
    assert hit.excerpt[slice(*hit.matches[0])] == "<script>"


def test_a_long_text_is_cut_to_an_excerpt_around_the_match():
    hit = next(h for h in group(search("認知症サポーター", plan=current_plan()), "plan").hits)
    assert hit.excerpt.startswith("…")
    assert len(hit.excerpt) < 120
    start, end = hit.matches[0]
    assert hit.excerpt[start:end] == "認知症サポーター"


def test_a_group_lists_at_most_its_cap_and_counts_the_rest():
    for n in range(HITS_PER_GROUP + 3):
        resource(name=f"検索用テスト団体{n}")
    found = group(search("検索用テスト団体", plan=current_plan()), "resource")
    assert (len(found.hits), found.total, found.more) == (HITS_PER_GROUP, HITS_PER_GROUP + 3, 3)


def test_a_query_too_long_is_refused_with_a_clear_message():
    with pytest.raises(SearchQueryError, match=f"{MAX_QUERY_LENGTH}文字以内"):
        search("あ" * (MAX_QUERY_LENGTH + 1), plan=current_plan())
    assert search("あ" * MAX_QUERY_LENGTH, plan=current_plan()).total == 0


def test_another_plans_text_is_not_found_unless_asked_for(client):
    assert group(search("認知症サポーター", plan=None), "plan").total == 0
    response = client.get("/search/", {"q": "認知症サポーター", "plan": "no-such-plan"})
    assert response.status_code == 404


def test_the_query_count_is_the_same_for_one_hit_and_many():
    plan = current_plan()
    resource(name="件数確認の会")
    with CaptureQueriesContext(connection) as one:
        assert group(search("件数確認", plan=plan), "resource").total == 1
    for n in range(30):
        resource(name=f"件数確認の会{n}")
    with CaptureQueriesContext(connection) as many:
        result = search("の", plan=plan)  # hits in every group, each over its cap
    assert all(g.total > 0 for g in result.groups)
    assert group(result, "resource").more > 0
    assert len(one) == len(many) == 8  # one per kind of row


def test_the_page_asks_as_many_queries_for_one_hit_as_for_many(client):
    resource(name="件数確認の会")

    def queries(q):
        with CaptureQueriesContext(connection) as context:
            assert client.get("/search/", {"q": q}).status_code == 200
        return len(context)

    # The site's header (plan title, pillars) is read once per data generation, then
    # cached: warm it after each change to the data.
    queries("暖機")
    one = queries("件数確認")
    for n in range(30):
        resource(name=f"件数確認の会{n}")
    queries("暖機")
    assert queries("件数確認の会") == one


def test_the_match_is_served_by_a_trigram_index_on_postgresql_and_by_a_scan_on_sqlite():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'search\\_%%\\_trgm'"
            )
            definitions = [row[0] for row in cursor.fetchall()]
            assert any(
                "programs_action" in d and "upper(text)" in d and "gin_trgm_ops" in d
                for d in definitions
            ), definitions
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT id FROM programs_action WHERE UPPER(text) LIKE UPPER(%s)",
                ["%認知症サポーター%"],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "search_programs_action_text_trgm" in plan, plan
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'search_%_trgm'")
            assert cursor.fetchall() == []  # no GIN on SQLite: the migration made nothing


# --- The page -----------------------------------------------------------------------------


def test_the_page_groups_the_hits_by_kind_and_marks_the_match(client):
    resource(name="認知症サポーター連絡会", description="地域の集い")
    html = client.get("/search/", {"q": "認知症サポーター"}).content.decode()
    assert '<h2 id="results-plan">施策・取組' in html
    assert '<h2 id="results-indicator">成果指標' in html
    assert '<h2 id="results-resource">相談先・地域資源' in html
    assert '<a href="/pillars/1/#section-2">取組（1-2-1 ' in html
    assert "<mark>認知症サポーター</mark>を養成する" in html
    assert "<mark>認知症サポーター</mark>連絡会" in html


def test_an_empty_query_shows_the_form_and_no_results(client):
    response = client.get("/search/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-q"' in html
    assert "results-plan" not in html
    assert "results-plan" not in client.get("/search/", {"q": "　 "}).content.decode()


def test_the_page_escapes_the_query_and_the_data(client):
    resource(name="<script>alert(1)</script>の会")
    html = client.get("/search/", {"q": "<script>"}).content.decode()
    assert "<script>alert" not in html
    assert 'value="&lt;script&gt;"' in html
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;の会" in html


def test_a_cached_result_is_not_served_after_the_directory_changes(client):
    assert "みなみ茶話の会" not in client.get("/search/", {"q": "茶話の会"}).content.decode()
    assert client.get("/search/", {"q": "茶話の会"})["X-Response-Cache"] == "hit"
    resource(name="みなみ茶話の会")
    response = client.get("/search/", {"q": "茶話の会"})
    assert "<mark>茶話の会</mark>" in response.content.decode()
    assert response["X-Response-Cache"] == "miss"


def test_control_characters_in_the_query_separate_terms_and_never_reach_the_database():
    """Other control characters separate terms; a NUL never reaches search at all: the URL
    guard answers 400 for it in any parameter (issue 18, item 8)."""
    assert search_terms("認知症\x00サポーター\t") == ["認知症", "サポーター"]
    response = APIClient().get("/api/v1/search/", {"q": "認知症サポーター\x1b"})
    assert response.status_code == 200
    assert response.json()["terms"] == ["認知症サポーター"]
    refused = APIClient().get("/api/v1/search/", {"q": "認知症サポーター\x00"})
    assert refused.status_code == 400
    assert "q" in str(refused.json())


def test_a_query_too_long_answers_400_with_the_reason_on_the_page(client):
    response = client.get("/search/", {"q": "あ" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    assert f"検索語は{MAX_QUERY_LENGTH}文字以内で入力してください" in response.content.decode()


def test_the_plan_asked_for_is_kept_in_the_links(client):
    code = current_plan().code
    html = client.get("/search/", {"q": "元気な高齢者", "plan": code}).content.decode()
    assert f'href="/indicators/KPI-1-1/?plan={code}"' in html


@pytest.mark.parametrize("path", ["/", "/pillars/1/", "/indicators/KPI-1-1/", "/consult/"])
def test_every_page_has_the_search_box_in_its_header(client, path):
    html = client.get(path).content.decode()
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert '<form action="/search/" method="get" role="search"' in header
    assert '<label for="site-search-q">検索</label>' in header
    assert '<input type="search" id="site-search-q" name="q"' in header


def test_the_header_box_keeps_the_query_on_the_results_page(client):
    html = client.get("/search/", {"q": "見守り"}).content.decode()
    assert 'id="site-search-q" name="q" value="見守り"' in html


def test_the_page_in_english(client):
    html = client.get(
        "/search/", {"q": "認知症サポーター"}, headers={"accept-language": "en"}
    ).content.decode()
    assert '<html lang="en">' in html
    assert '<h2 id="results-plan">Measures and actions' in html
    assert '<h2 id="results-indicator">Outcome indicators' in html
    assert '<h2 id="results-resource">Places to consult and community resources' in html
    assert '<label for="site-search-q">Search</label>' in html
    assert "Action (1-2-1 " in html
    long = client.get("/search/", {"q": "a" * 101}, headers={"accept-language": "en"})
    assert "Enter at most 100 characters" in long.content.decode()


# --- The API ------------------------------------------------------------------------------


def test_the_api_gives_the_same_results_as_json():
    response = APIClient().get("/api/v1/search/", {"q": "認知症サポーター"})
    assert response.status_code == 200
    body = response.json()
    assert body["terms"] == ["認知症サポーター"]
    groups = api_groups(response)
    assert list(groups) == ["plan", "indicator", "resource"]
    [hit] = [h for h in groups["plan"]["hits"] if h["type"] == "action"]
    assert hit["url"] == "/pillars/1/#section-2"
    start, end = hit["matches"][0]
    assert hit["excerpt"][start:end] == "認知症サポーター"
    assert "<mark>認知症サポーター</mark>" in hit["highlighted"]
    page_result = search("認知症サポーター", plan=current_plan())
    assert [(g["kind"], g["total"]) for g in body["groups"]] == [
        (g.kind, g.total) for g in page_result.groups
    ]


def test_the_api_answers_a_query_too_long_with_a_field_error():
    response = APIClient().get("/api/v1/search/", {"q": "あ" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    error = response.json()["error"]
    assert f"{MAX_QUERY_LENGTH}文字以内" in error["fields"]["q"][0]


def test_the_api_escapes_the_data_in_the_highlighted_text():
    resource(name="<script>alert(1)</script>の会")
    groups = api_groups(APIClient().get("/api/v1/search/", {"q": "<script>"}))
    [hit] = groups["resource"]["hits"]
    assert hit["excerpt"] == "<script>alert(1)</script>の会"
    assert hit["highlighted"] == "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;の会"


def test_the_api_counts_the_rest_of_a_group_and_asks_a_fixed_number_of_queries():
    client = APIClient()
    resource(name="件数確認の会")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/search/", {"q": "件数確認"})
    for n in range(HITS_PER_GROUP + 5):
        resource(name=f"件数確認の会{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/search/", {"q": "件数確認の会"})
    assert len(one) == len(many)
    resources = api_groups(response)["resource"]
    assert (len(resources["hits"]), resources["total"], resources["more"]) == (
        HITS_PER_GROUP,
        HITS_PER_GROUP + 6,
        6,
    )


def test_the_api_is_throttled_like_the_other_anonymous_reads():
    from rest_framework.settings import api_settings

    from portal.api import SearchView

    assert [type(t) for t in SearchView().get_throttles()] == api_settings.DEFAULT_THROTTLE_CLASSES
