"""The pages' doors that take a ward follow the API's one rule (issue 20, item 8;
``community.selectors.ward_named``): the ward page's path and the consultation finders'
``?ward=`` take a ward's code, its own 全国地方公共団体コード or its name alike."""

import pytest

from tests.community.helpers import resource

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["中央区", "chuo", "431010"])
def test_the_ward_page_by_any_of_the_wards_names(client, name):
    response = client.get(f"/wards/{name}/")
    assert response.status_code == 200
    assert response.context["ward"].code == "chuo"
    assert "<h1>中央区" in response.content.decode()


@pytest.mark.parametrize("name", ["熊本区", "431001", "atlantis"])
def test_a_ward_page_of_no_ward_is_a_404(client, name):
    assert client.get(f"/wards/{name}/").status_code == 404


@pytest.mark.parametrize("path", ["/consult/", "/yasashii/consult/"])
def test_the_finders_take_any_of_the_wards_names(client, path):
    resource(name="中央の相談室", ward_code="chuo", consultation=True)
    resource(name="東の相談室", ward_code="higashi", consultation=True)
    pages = [client.get(path, {"ward": text}) for text in ("chuo", "431010", "中央区")]
    assert {page.status_code for page in pages} == {200}
    assert {page.context["ward"].code for page in pages} == {"chuo"}
    for page in pages:
        html = page.content.decode()
        assert "中央の相談室" in html and "東の相談室" not in html
    assert client.get(path, {"ward": "431999"}).status_code == 400
