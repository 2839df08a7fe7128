"""The admin asks the one policy: the persona × record × action matrix of tests/api/test_policy,
checked through the admin's pages for both kinds of progress record."""

import pytest
from django.urls import reverse

from infrastructure.workflow import TRANSITIONS
from tests.api.test_policy import MATRIX, RECORDS
from tests.factories import progress, value

pytestmark = pytest.mark.django_db

KINDS = {
    "indicatorvalue": ("admin:indicators_indicatorvalue", value, 'name="value"'),
    "initiativeprogress": ("admin:programs_initiativeprogress", progress, 'name="results"'),
}
CASES = [(persona, record) for persona, record in MATRIX if persona != "anonymous"] + [
    ("city_admin", record) for persona, record in MATRIX if persona == "planner"
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("persona", "record"), CASES, ids=lambda x: x)
def test_the_admin_follows_the_policy(request, client, kind, persona, record):
    base, make, editable_field = KINDS[kind]
    user = request.getfixturevalue(persona)
    row = make(**RECORDS[record])
    allowed = set(MATRIX[("planner" if persona == "city_admin" else persona, record)].split())
    client.force_login(user)

    page = client.get(reverse(f"{base}_change", args=[row.pk]))
    if "view" not in allowed:
        assert page.status_code == 404
        for name in ("delete", "history"):
            response = client.get(reverse(f"{base}_{name}", args=[row.pk]))
            assert response.status_code in (403, 404), name
        return
    assert page.status_code == 200
    html = page.content.decode()
    assert (editable_field in html) == ("change" in allowed)
    offered = {url.rstrip("/").rsplit("/", 1)[-1] for _, url in page.context["transitions"]}
    expected = {
        name
        for name, (source, _target, _comment) in TRANSITIONS.items()
        if name in allowed and row.status == source
    }
    assert offered == expected
    deleting = client.get(reverse(f"{base}_delete", args=[row.pk]))
    assert (deleting.status_code == 200) == ("delete" in allowed)
