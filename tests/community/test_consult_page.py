"""The public consultation finder page: labelled controls, results as a list with headings,
a plain GET form (no JavaScript needed)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_form_has_labelled_controls(client):
    html = client.get("/consult/").content.decode()
    assert '<label for="life_stage">' in html and 'id="life_stage"' in html
    assert '<label for="ward">' in html and 'method="get"' in html
    assert "consult-results" not in html  # nothing searched yet


@pytest.mark.parametrize(
    ("life_stage", "present", "absent"),
    [
        ("old-age", "熊本市地域包括支援センター", "熊本市児童相談所"),
        ("高齢期", "熊本市地域包括支援センター", "熊本市こどもセンター教育相談室"),
        ("early-childhood", "熊本市児童相談所", "熊本市地域包括支援センター"),
        ("school-age", "熊本市こどもセンター教育相談室", "熊本市ひきこもり支援センター"),
        ("youth-adult", "熊本市ひきこもり支援センター", "夢もやい館"),
    ],
)
def test_results_per_life_stage(client, life_stage, present, absent):
    html = client.get("/consult/", {"life_stage": life_stage, "ward": "chuo"}).content.decode()
    assert f"<h3>{present}</h3>" in html
    assert f"<h3>{absent}</h3>" not in html
    assert '<h2 id="results-heading">' in html


def test_the_page_in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/consult/"})
    html = client.get("/consult/", {"life_stage": "old-age"}).content.decode()
    assert 'lang="en"' in html
