"""The directory's fields (community.models.DIRECTORY_FIELDS): one declaration, from which the
services, the admin, the API (and so its CSV), the import sheet and the open data take their
lists. Reproduces the five hand-kept copies of that list: each of these fails if a door goes
back to a list of its own and a field is added to, or dropped from, the declaration."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from community.admin import CommunityResourceAdmin
from community.api.serializers import CommunityResourceSerializer
from community.models import (
    DIRECTORY,
    DIRECTORY_FIELDS,
    DIRECTORY_LISTS,
    CommunityResource,
    directory_field_names,
)
from community.resources import DirectoryResource
from community.services import RESOURCE_FIELDS
from infrastructure.imports.sheets import normalise_header
from portal import open_data

FIELDS = [field.name for field in DIRECTORY_FIELDS]
LISTS = [field.name for field in DIRECTORY_LISTS]


def _in_order(names: list[str], within: list[str]) -> bool:
    """``names`` appear in ``within`` in the same order (others may stand between)."""
    rest = iter(within)
    return all(name in rest for name in names)


def test_every_declared_field_is_a_field_of_the_model():
    model_fields = {f.name for f in CommunityResource._meta.get_fields()}
    assert set(DIRECTORY) <= model_fields


def test_the_services_accept_exactly_the_declared_fields():
    assert set(RESOURCE_FIELDS) == set(FIELDS)


def test_the_import_sheet_has_a_column_per_declared_field_under_its_declared_names():
    assert DirectoryResource._meta.fields == ("id", *FIELDS, *LISTS)
    assert DirectoryResource.compared == tuple(FIELDS)
    for field in (*DIRECTORY_FIELDS, *DIRECTORY_LISTS):
        column = DirectoryResource.fields[field.name]
        assert (column.attribute, column.column_name) == (field.name, field.column)
        assert normalise_header(field.name) in column.names()  # the API CSV column re-imports


def test_the_admin_form_lists_the_declared_fields_in_their_order():
    assert CommunityResourceAdmin.fields[: len(FIELDS)] == FIELDS
    assert _in_order([*FIELDS, *LISTS], CommunityResourceAdmin.fields)


def test_the_api_fields_are_the_declared_ones_in_their_order():
    fields = list(CommunityResourceSerializer.Meta.fields)
    assert _in_order([*FIELDS, *LISTS], fields)
    writable = set(fields) - set(CommunityResourceSerializer.Meta.read_only_fields)
    assert {*FIELDS, *LISTS} <= writable


@pytest.mark.django_db
def test_the_apis_csv_header_has_the_declared_fields_and_the_sheet_reads_it(tasks_run_at_once):
    response = APIClient().get("/api/v1/community-resources/", {"format": "csv"})
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert _in_order([*FIELDS, *LISTS], header)
    assert DirectoryResource.is_ours(header)


def test_the_open_data_columns_are_the_declared_columns_and_titles():
    dataset = open_data.BY_SLUG["community-resources"]
    titles = {f.name: f.title for f in dataset.declared}
    # The ward and the school district are published as codes (and the ward's name).
    for field in DIRECTORY_FIELDS:
        if field.name not in ("ward", "school_district"):
            assert titles.get(field.column) == field.title, field.name


def test_a_door_may_add_its_own_fields_only_after_declared_ones():
    assert directory_field_names(lists=False) == FIELDS
    assert directory_field_names(after={"ward": ("ward_name",)})[2:4] == ["ward", "ward_name"]
    with pytest.raises(ValueError):
        directory_field_names(after={"not_a_field": ("x",)})


def test_the_admins_import_help_names_every_declared_column():
    """The help once listed the columns by hand, and a catalogue entry of it lost 受付時間."""
    text = str(CommunityResourceAdmin.import_help)
    columns = "、".join(field.column for field in (*DIRECTORY_FIELDS, *DIRECTORY_LISTS))
    assert columns in text
