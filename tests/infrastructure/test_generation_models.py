"""Which models' saves and deletes move the response cache's generation on
(infrastructure.response_cache): each app names its own, in its ``AppConfig.ready``."""

import pytest
from django.apps import apps
from django.db.models.signals import post_delete, post_save

from infrastructure.response_cache import FOLLOWED, data_changed, follow_models

# Everything the cached pages and API reads show (what indicators.signals and
# evaluations.signals listed before each app named its own).
PUBLIC_DATA = {
    "indicators.IndicatorValue",
    "indicators.Target",
    "indicators.Indicator",
    "indicators.CommonIndicator",  # the prefecture's view (issue 22)
    "indicators.Unit",
    "indicators.RatingBand",
    "indicators.RatingRule",
    "programs.InitiativeProgress",
    "programs.Plan",
    "programs.PriorityArea",
    "programs.Pillar",
    "programs.Theme",
    "programs.Section",
    "programs.Challenge",
    "programs.Initiative",
    "programs.Action",
    "programs.Figure",
    "community.Municipality",
    "community.Ward",
    "community.CommunityResource",
    "community.Department",
    "evaluations.Evaluation",
}


def _connected(signal, model) -> bool:
    sync_receivers, async_receivers = signal._live_receivers(model)
    return data_changed in (*sync_receivers, *async_receivers)


def test_each_app_connects_its_own_models_to_the_generation_and_no_others():
    """Reproduces indicators.signals listing the programs' and community's models (and
    evaluations.signals community's departments): every model connected to the generation
    is connected by its own app, through ``follow_models``, and by no other."""
    for app_label, labels in FOLLOWED.items():
        assert {label.split(".")[0] for label in labels} == {app_label}, app_label
    followed = {label for labels in FOLLOWED.values() for label in labels}
    assert followed == PUBLIC_DATA
    for model in apps.get_models():
        expected = model._meta.label in followed
        assert _connected(post_save, model) is expected, model._meta.label
        assert _connected(post_delete, model) is expected, model._meta.label


def test_an_app_cannot_follow_another_apps_model():
    with pytest.raises(LookupError):
        follow_models(apps.get_app_config("indicators"), "Initiative")


@pytest.mark.django_db
def test_a_ward_renamed_moves_the_generation_on():
    """The community's own model, connected by the community: the pages name the wards."""
    from community.models import Ward
    from infrastructure.response_cache import generation

    ward = Ward.objects.first()
    before = generation()
    ward.name_en += " "
    ward.save()
    assert generation() > before
