"""The やさしい日本語 pages (/yasashii/): hand-written easy Japanese with furigana, always in
Japanese; the finder filters by life stage and ward, shows every stage by default, works as a
plain GET form and shows each place's phone and hours; the indicators carry their verdicts.

The plan's text is plan data (issue 20 item 4): the shipped plan's is in its folder
(programs/data/plan/yasashii.yaml), kept in the database by load_plan; another city's pages
name that city and count its pillars, with or without a text of its own."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from community.models import CommunityResource, LifeStage, Ward
from indicators.choices import ProgressStatus
from indicators.models import Indicator
from infrastructure.plan_folder import PlanDataError
from infrastructure.workflow import Status
from portal.models import EasyJapanese
from portal.plan_loading import plan_document_read
from portal.views.yasashii import LIFE_STAGES, STATUSES, plain_html, yasashii_text
from tests.factories import value, ward
from tests.test_second_city import empty_the_database
from tests.test_units_and_themes import kaku_copy

SHIPPED_TEXT = (
    Path(__file__).resolve().parent.parent / "programs" / "data" / "plan" / "yasashii.yaml"
)

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


def test_every_kanji_of_the_text_has_its_reading():
    """Outside <ruby>, the hand-written text (the plan folder's and the app's own) has no
    kanji (a reading is on every one)."""

    def strings(node):
        if isinstance(node, dict):
            for item in node.values():
                yield from strings(item)
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)
        else:
            yield str(node)

    shipped = yaml.safe_load(SHIPPED_TEXT.read_text(encoding="utf-8"))
    for text in [*strings(shipped), *STATUSES.values(), *LIFE_STAGES.values()]:
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


# --- The plan's text is plan data --------------------------------------------------------------


def test_the_shipped_plans_text_comes_from_its_folder_unchanged(client):
    """Kumamoto's pages say what they said when the text was the portal's own file."""
    html = client.get("/yasashii/").content.decode()
    assert (
        "<p><ruby>熊本市<rt>くまもとし</rt></ruby>は　「<ruby>地域<rt>ちいき</rt></ruby>"
        "<ruby>福祉<rt>ふくし</rt></ruby><ruby>計画<rt>けいかく</rt></ruby>」を　つくりました。</p>"
    ) in html
    assert (
        "<ruby>計画<rt>けいかく</rt></ruby>には　4つの　"
        "<ruby>柱<rt>はしら</rt></ruby>が　あります。" in html
    )
    assert (
        '<h2 id="pillar-1">1．お<ruby>年<rt>とし</rt></ruby><ruby>寄<rt>よ</rt></ruby>りを　まち　'
        "みんなで　ささえます</h2>"
    ) in html
    stored = EasyJapanese.objects.get()
    assert len(stored.intro) == 3 and sorted(stored.pillars) == ["1", "2", "3", "4"]
    assert len(stored.indicators) == 7 and len(stored.wards) == 5
    indicators = client.get("/yasashii/indicators/").content.decode()
    assert (
        "<h2>しょうがいの　ある　<ruby>人<rt>ひと</rt></ruby>が　「<ruby>熊本市<rt>くまもとし</rt>"
        "</ruby>は　くらしやすい」と　<ruby>思<rt>おも</rt></ruby>う　わりあい</h2>"
    ) in indicators
    consult = client.get("/yasashii/consult/").content.decode()
    assert (
        '<input type="radio" name="ward" value="chuo"> <ruby>中央区<rt>ちゅうおうく</rt></ruby>'
        in consult
    )
    assert "どこに　<ruby>住<rt>す</rt></ruby>んで　いますか" in consult


def test_the_text_shows_only_its_readings_as_markup():
    assert plain_html("<ruby>市<rt>し</rt></ruby><script>x</script>&") == (
        "<ruby>市<rt>し</rt></ruby>&lt;script&gt;x&lt;/script&gt;&amp;"
    )
    text = EasyJapanese.objects.get()
    text.intro = ["<b>ようこそ</b>"]
    text.save()
    assert yasashii_text()["intro"] == ["&lt;b&gt;ようこそ&lt;/b&gt;"]


@pytest.fixture
def kaku_without_text(db):
    from tests.test_second_city import KAKU

    empty_the_database()
    call_command("load_plan", str(KAKU), verbosity=0)


def test_a_plan_without_the_text_gets_pages_of_its_own_names(client, kaku_without_text):
    """The fictional city has no やさしい日本語 file: its pages name it and its plan, count
    its two pillars and show their titles and its indicators' names, and nothing of
    Kumamoto's."""
    html = client.get("/yasashii/").content.decode()
    assert "<p>架空市は　「架空市地域福祉計画（試験用）」を　つくりました。</p>" in html
    assert (
        "<ruby>計画<rt>けいかく</rt></ruby>には　2つの　"
        "<ruby>柱<rt>はしら</rt></ruby>が　あります。" in html
    )
    assert '<h2 id="pillar-1">1．高齢者が地域で暮らし続けられるまちづくり</h2>' in html
    assert '<h2 id="pillar-3">' not in html
    indicators = client.get("/yasashii/indicators/").content.decode()
    assert "<h2>見守り活動に参加した市民の割合</h2>" in indicators
    assert indicators.count("<h2>") == 3
    consult = client.get("/yasashii/consult/").content.decode()
    assert '<input type="radio" name="ward" value="asahi"> あさひ区' in consult
    for url in ("/yasashii/", "/yasashii/indicators/", "/yasashii/consult/"):
        page = client.get(url).content.decode()
        assert "熊本" not in page and "くまもと" not in page and "中央区" not in page, url


def _with_text(files):
    files["plan.yaml"]["yasashii"] = "yasashii.yaml"
    files["yasashii.yaml"] = {
        "intro": [
            "<ruby>架空市<rt>かくうし</rt></ruby>の　<ruby>計画<rt>けいかく</rt></ruby>です。"
        ],
        "pillars": {
            2: {
                "title": "<ruby>子<rt>こ</rt></ruby>どもを　まちで　ささえます",
                "sentences": ["<ruby>相談<rt>そうだん</rt></ruby>できます。"],
            }
        },
        "indicators": {
            "KPI-2-2": "<ruby>子<rt>こ</rt></ruby>そだての　お<ruby>金<rt>かね</rt></ruby>"
        },
        "wards": {"asahi": "<ruby>朝日区<rt>あさひく</rt></ruby>"},
    }


def test_another_plans_text_is_its_own(client, tmp_path):
    empty_the_database()
    call_command("load_plan", str(kaku_copy(tmp_path, _with_text)), verbosity=0)
    html = client.get("/yasashii/").content.decode()
    assert (
        "<p><ruby>架空市<rt>かくうし</rt></ruby>の　<ruby>計画<rt>けいかく</rt></ruby>です。</p>"
        in html
    )
    assert "つくりました" not in html  # the text's own introduction, not the stand-in
    assert "2つの　<ruby>柱<rt>はしら</rt></ruby>" in html
    assert '<h2 id="pillar-1">1．高齢者が地域で暮らし続けられるまちづくり</h2>' in html
    assert '<h2 id="pillar-2">2．<ruby>子<rt>こ</rt></ruby>どもを　まちで　ささえます</h2>' in html
    indicators = client.get("/yasashii/indicators/").content.decode()
    assert (
        "<h2><ruby>子<rt>こ</rt></ruby>そだての　お<ruby>金<rt>かね</rt></ruby></h2>" in indicators
    )
    assert "<h2>見守り活動に参加した市民の割合</h2>" in indicators
    consult = client.get("/yasashii/consult/").content.decode()
    assert (
        '<input type="radio" name="ward" value="asahi"> <ruby>朝日区<rt>あさひく</rt></ruby>'
        in consult
    )
    for url in ("/yasashii/", "/yasashii/indicators/", "/yasashii/consult/"):
        assert "熊本" not in client.get(url).content.decode(), url


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t["intro"].append("漢字だけ"),
            "yasashii.yaml: intro[1]: '漢' has no reading",
        ),
        (
            lambda t: t["intro"].append("<b>ようこそ</b>"),
            "yasashii.yaml: intro[1]: the only markup allowed is <ruby>",
        ),
        (
            lambda t: t["intro"].append("<ruby>市<rt>シ</rt></ruby>"),
            "yasashii.yaml: intro[1]: the reading of '市' is not in hiragana",
        ),
        (
            lambda t: t["pillars"].update({3: {"title": "みっつめ", "sentences": []}}),
            "yasashii.yaml: pillars.3: no pillar 3 in this folder",
        ),
        (
            lambda t: t["indicators"].update({"KPI-9-9": "ない"}),
            "yasashii.yaml: indicators.KPI-9-9: no indicator 'KPI-9-9'",
        ),
        (
            lambda t: t["wards"].update({"chuo": "ちゅうおうく"}),
            "yasashii.yaml: wards.chuo: no ward 'chuo'",
        ),
        (
            lambda t: t.update(statuses={}),
            "yasashii.yaml: statuses: unknown key",
        ),
    ],
)
def test_the_loader_refuses_text_the_pages_could_not_show(tmp_path, change, message):
    def changed(files):
        _with_text(files)
        change(files["yasashii.yaml"])

    with pytest.raises(PlanDataError) as error:
        plan_document_read(kaku_copy(tmp_path, changed))
    assert message in str(error.value)


def test_a_city_without_wards_is_not_asked_where_it_lives(client, tmp_path):
    """No area to choose from: neither finder speaks of 区 or shows an empty choice."""
    empty_the_database()
    folder = kaku_copy(tmp_path, lambda files: files["municipality.yaml"].update(wards=[]))
    call_command("load_plan", str(folder), verbosity=0)
    assert not Ward.objects.exists()
    easy = client.get("/yasashii/consult/").content.decode()
    assert "<p>だれの　ことかを　えらんで　ください。</p>" in easy
    assert 'name="ward"' not in easy and "住<rt>す</rt></ruby>んで" not in easy
    plain = client.get("/consult/").content.decode()
    assert "ライフステージを選ぶと、相談できる窓口を表示します。" in plain
    assert 'name="ward"' not in plain and "お住まいの区" not in plain


def test_loading_the_text_again_changes_nothing():
    call_command("load_plan", "--check", verbosity=0)
