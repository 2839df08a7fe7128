"""Two paths into community records that must keep the shared rules: the headcount admin
(the service's rules across rows are form errors, not a server error) and load_plan (its
changes to a directory entry's life stages are recorded as the load's, not a person's)."""

import shutil

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from community.models import CommunityResource, VolunteerHeadcount, VolunteerProgram
from tests.factories import ward

pytestmark = pytest.mark.django_db


def test_a_headcount_outside_the_plans_reach_is_a_form_error(client, chuo_officer):
    client.force_login(chuo_officer)
    response = client.post(
        reverse("admin:community_volunteerheadcount_add"),
        {
            "program": VolunteerProgram.objects.get(code="promoter-8020").pk,
            "fiscal_year": "2027",
            "ward": ward("chuo").pk,
            "headcount": "12",
            "as_of": "",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert "計画の対象期間" in " ".join(response.context["adminform"].form.errors["fiscal_year"])
    assert not VolunteerHeadcount.objects.exists()


def test_load_plan_records_its_own_life_stage_changes_as_its_own(tmp_path):
    data = tmp_path / "plan"
    shutil.copytree(settings.PLAN_DATA_DIR, data)
    path = data / "community.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["resources"][0]["life_stages"] = ["old-age"]
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")

    call_command("load_plan", "--data", str(data), verbosity=0)
    resource = CommunityResource.objects.get(code="kokoro-health-centre")
    assert [s.code for s in resource.life_stages.all()] == ["old-age"]
    assert resource.history.latest().history_change_reason == "load_plan"
    call_command("load_plan", verbosity=0)  # back to the project's data: not a staff edit
    assert resource.life_stages.count() == 3
