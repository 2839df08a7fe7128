"""The やさしい日本語 pages (/yasashii/): hand-written easy Japanese with furigana, always in
Japanese; the finder filters by life stage and ward, shows every stage by default, works as a
plain GET form and shows each place's phone and hours; the indicators carry their verdicts."""

import re

import pytest

from community.models import CommunityResource, LifeStage
from indicators.choices import ProgressStatus
from indicators.models import Indicator
from infrastructure.workflow import Status
from portal.views.yasashii import yasashii_text
from tests.factories import value, ward

pytestmark = pytest.mark.django_db

PAGES = ["/yasashii/", "/yasashii/consult/", "/yasashii/indicators/"]


@pytest.mark.parametrize("url", PAGES)
def test_each_page_is_japanese_with_furigana(client, url):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert re.search(r"<ruby>[一-龯]+<rt>[ぁ-ん]+</rt></ruby>", html)


@pytest.mark.parametrize("url", PAGES)
def test_each_page_stays_japanese_when_english_is_chosen(client, url):
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    response = client.get(url)
    html = response.content.decode()
    assert '<html lang="ja">' in html and "<ruby>" in html
    assert response.headers["Content-Language"] == "ja"


def test_every_kanji_of_the_text_file_has_its_reading():
    """Outside <ruby>, the hand-written text has no kanji (a reading is on every one)."""

    def strings(node):
        if isinstance(node, dict):
            for item in node.values():
                yield from strings(item)
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)
        else:
            yield str(node)

    for text in strings(yasashii_text()):
        bare = re.sub(r"<ruby>.*?</ruby>", "", text)
        assert not re.search(r"[一-龯]", bare), text
        for base, reading in re.findall(r"<ruby>(.*?)<rt>(.*?)</rt></ruby>", text):
            assert reading and re.fullmatch(r"[ぁ-んー]+", reading), (base, text)


def test_the_home_page_has_a_few_sentences_per_pillar(client):
    html = client.get("/yasashii/").content.decode()
    for number in (1, 2, 3, 4):
        assert f'<h2 id="pillar-{number}">' in html
    for plain in yasashii_text()["pillars"].values():
        assert plain["title"] in html
        assert all(sentence in html for sentence in plain["sentences"])


def test_the_language_switcher_offers_easy_japanese(client):
    html = client.get("/").content.decode()
    assert '<a href="/yasashii/" lang="ja" class="yasashii-link">やさしい日本語</a>' in html


def test_the_seven_indicators_in_plain_words_with_their_verdicts(client):
    value(indicator="KPI-3-1", fiscal_year=2016, amount="112000", status=Status.APPROVED)
    html = client.get("/yasashii/indicators/").content.decode()
    text = yasashii_text()
    codes = list(Indicator.objects.values_list("code", flat=True))
    assert len(codes) == 7
    for code in codes:
        assert text["indicators"][code] in html
    # KPI-3-1 is behind (test_at_a_glance); one without any actual has no data yet.
    assert text["statuses"][ProgressStatus.BEHIND] in html
    assert html.count("<h2>") == 7


def test_every_status_has_a_plain_sentence():
    assert set(yasashii_text()["statuses"]) == set(ProgressStatus.values)


def test_by_default_the_finder_shows_every_stage(client):
    html = client.get("/yasashii/consult/").content.decode()
    assert html.count("<h3>") == CommunityResource.objects.filter(consultation=True).count()
    assert '<input type="radio" name="life_stage" value="" checked>' in html
    for stage in LifeStage.objects.all():  # every choice in plain words
        assert yasashii_text()["life_stages"][stage.code] in html


def test_the_finder_filters_by_stage_and_ward_as_a_plain_get_form(client):
    kind = CommunityResource.objects.filter(consultation=True).first().organisation_type
    CommunityResource.objects.create(
        name="東の子育て相談", organisation_type=kind, ward=ward("higashi"), consultation=True
    ).life_stages.set([LifeStage.objects.get(code="early-childhood")])
    html = client.get("/yasashii/consult/?life_stage=early-childhood&ward=chuo").content.decode()
    assert 'method="get" action="/yasashii/consult/"' in html
    assert "<h3>熊本市児童相談所</h3>" in html  # city-wide, early childhood
    assert "<h3>熊本市地域包括支援センター</h3>" not in html  # old age only
    assert "<h3>東の子育て相談</h3>" not in html  # another ward
    assert '<input type="radio" name="life_stage" value="early-childhood" checked>' in html
    assert '<input type="radio" name="ward" value="chuo" checked>' in html
    html = client.get("/yasashii/consult/?life_stage=early-childhood&ward=higashi").content.decode()
    assert "<h3>東の子育て相談</h3>" in html


def test_the_finder_shows_phone_and_hours(client):
    place = CommunityResource.objects.get(code="child-guidance-centre")
    place.phone = "096-366-8181"
    place.hours = "月〜金 8:30〜17:15"
    place.save()
    html = client.get("/yasashii/consult/?life_stage=early-childhood").content.decode()
    assert '<a class="tel" href="tel:096-366-8181">096-366-8181</a>' in html
    assert "<dd>月〜金 8:30〜17:15</dd>" in html


def test_an_unknown_choice_is_a_400_naming_the_field(client):
    response = client.get("/yasashii/consult/", {"life_stage": "中年期"})
    assert response.status_code == 400
    assert "ライフステージ「中年期」" in response.content.decode()
