"""The public consultation finder page: labelled controls, results as a list with headings,
a plain GET form (no JavaScript needed), every stage shown before anything is chosen, and
each place's phone and hours."""

import pytest

from community.models import CommunityResource
from tests.factories import ward

pytestmark = pytest.mark.django_db


def test_the_form_has_labelled_controls(client):
    html = client.get("/consult/").content.decode()
    assert '<label for="life_stage">' in html and 'id="life_stage"' in html
    assert '<label for="ward">' in html and 'method="get"' in html


def test_before_anything_is_chosen_every_stage_is_shown(client):
    html = client.get("/consult/").content.decode()
    assert 'class="consult-results"' in html
    # One body of each life stage: nothing is filtered out before 探す is pressed.
    for name in ("熊本市地域包括支援センター", "熊本市児童相談所", "熊本市ひきこもり支援センター"):
        assert f"<h3>{name}</h3>" in html
    shown = html.count("<h3>")
    assert shown == CommunityResource.objects.filter(consultation=True).count()


def test_the_form_is_sent_by_a_plain_get_without_javascript(client):
    """What a browser without JavaScript sends on 探す: the two selects' values as a query."""
    html = client.get("/consult/?life_stage=early-childhood&ward=").content.decode()
    assert "<h3>熊本市児童相談所</h3>" in html and "<h3>熊本市地域包括支援センター</h3>" not in html
    assert '<option value="early-childhood" selected>' in html
    assert 'action="/consult/"' in html and '<button type="submit">' in html
    # The script only sends the form on change; it is a file, not inline (CSP).
    assert 'src="/static/js/consult.js"' in html and "<script>" not in html


def test_a_ward_shows_its_own_places_and_the_city_wide_ones_only(client):
    kinds = CommunityResource.objects.filter(consultation=True).first().organisation_type
    own = CommunityResource.objects.create(
        name="中央の相談室", organisation_type=kinds, ward=ward("chuo"), consultation=True
    )
    other = CommunityResource.objects.create(
        name="東の相談室", organisation_type=kinds, ward=ward("higashi"), consultation=True
    )
    html = client.get("/consult/", {"ward": "chuo"}).content.decode()
    assert f"<h3>{own.name}</h3>" in html and f"<h3>{other.name}</h3>" not in html
    assert "<h3>熊本市児童相談所</h3>" in html  # city-wide


def test_each_place_shows_its_phone_as_a_link_and_its_hours(client):
    place = CommunityResource.objects.get(code="child-guidance-centre")
    place.phone = "096-366-8181"
    place.hours = "月〜金 8:30〜17:15"
    place.save()
    html = client.get("/consult/", {"life_stage": "early-childhood"}).content.decode()
    assert '<a class="tel" href="tel:096-366-8181">096-366-8181</a>' in html
    assert "<dt>受付時間</dt><dd>月〜金 8:30〜17:15</dd>" in html


@pytest.mark.parametrize(("field", "value"), [("life_stage", "中年期"), ("ward", "atlantis")])
def test_an_unknown_choice_is_a_400_naming_the_field(client, field, value):
    response = client.get("/consult/", {field: value})
    assert response.status_code == 400
    assert value in response.content.decode()
    assert ("ライフステージ" if field == "life_stage" else "区「") in response.content.decode()


def test_the_finder_links_to_the_easy_japanese_one(client):
    assert 'href="/yasashii/consult/"' in client.get("/consult/").content.decode()


def test_an_unknown_choice_is_named_in_english_too(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/consult/"})
    response = client.get("/consult/", {"ward": "atlantis"})
    assert response.status_code == 400
    assert 'There is no ward "atlantis".' in response.content.decode().replace("&quot;", '"')
