"""The permission matrix covers every URL.

Every URL pattern of the project (admin, API, pages, imports, exports, reports) has a row in
``MATRIX``: the status each role gets for a GET (and, where a row says so, for a POST). A new URL
without a row fails ``test_every_url_is_in_the_matrix``; the role tests request every URL as each
role and compare with the row. Sample arguments come from one record per kind of the chuo ward.

Roles (columns, in this order):
anonymous, token/login of a staff account with no role, ward officer of the record's ward
(chuo_officer on a chuo record), ward officer of another ward (higashi_officer), department
officer (dept_officer, of the department responsible for the sample evaluation's section),
planner, admin.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from knox.models import AuthToken
from rest_framework.test import APIClient

from infrastructure.workflow import Status
from tests.community.helpers import district, resource, stage
from tests.factories import evaluation, progress, value

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "no_role", "own_ward", "other_ward", "department", "planner", "admin")
TESTED_ROLES = ROLES
APP_INDEX = (
    "admin/^(?P<app_label>auth|jobs|community|programs|indicators|evaluations|portal|axes|"
    "knox|otp_totp)/$"
)


def walk(resolver=None, prefix=""):
    """Every URL pattern as its full route string, admin and API included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


# DRF's format-suffix twins (``….json``) answer like the route they extend.
FORMAT_TWIN = re.compile(r"(\\\.\(\?P<format>\[a-z0-9\]\+\)/\?\$|<drf_format_suffix:format>)$")


def row_key(route: str) -> str:
    if FORMAT_TWIN.search(route):
        base = FORMAT_TWIN.sub("", route)
        return base + ("/$" if base.startswith("api/v1/^") else "")
    return route


# fmt: off
MATRIX = {  # route → GET status per role (ROLES order)
    '': '200 200 200 200 200 200 200',
    'admin/': '302 200 200 200 200 200 200',
    'admin/(?P<url>.*)$': '302 404 404 404 404 404 404',
    APP_INDEX: '302 404 200 200 200 200 200',
    'admin/auth/group/': '302 403 403 403 403 403 200',
    'admin/auth/group/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/auth/group/<path:object_id>/change/': '302 403 403 403 403 403 200',
    'admin/auth/group/<path:object_id>/delete/': '302 403 403 403 403 403 200',
    'admin/auth/group/<path:object_id>/history/': '302 403 403 403 403 403 200',
    'admin/auth/group/add/': '302 403 403 403 403 403 200',
    'admin/auth/user/': '302 403 403 403 403 403 200',
    'admin/auth/user/<id>/password/': '302 403 403 403 403 403 200',
    'admin/auth/user/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/auth/user/<path:object_id>/change/': '302 403 403 403 403 403 200',
    'admin/auth/user/<path:object_id>/delete/': '302 403 403 403 403 403 200',
    'admin/auth/user/<path:object_id>/history/': '302 403 403 403 403 403 200',
    'admin/auth/user/add/': '302 403 403 403 403 403 200',
    'admin/autocomplete/': '302 403 403 403 403 403 403',
    'admin/axes/accessattempt/': '302 403 403 403 403 403 200',
    'admin/axes/accessattempt/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/axes/accessattempt/<path:object_id>/change/': '302 403 403 403 403 403 302',
    'admin/axes/accessattempt/<path:object_id>/delete/': '302 403 403 403 403 403 302',
    'admin/axes/accessattempt/<path:object_id>/history/': '302 302 302 302 302 302 302',
    'admin/axes/accessattempt/add/': '302 403 403 403 403 403 403',
    'admin/axes/accessfailurelog/': '302 403 403 403 403 403 200',
    'admin/axes/accessfailurelog/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/axes/accessfailurelog/<path:object_id>/change/': '302 403 403 403 403 403 302',
    'admin/axes/accessfailurelog/<path:object_id>/delete/': '302 403 403 403 403 403 302',
    'admin/axes/accessfailurelog/<path:object_id>/history/': '302 302 302 302 302 302 302',
    'admin/axes/accessfailurelog/add/': '302 403 403 403 403 403 403',
    'admin/axes/accesslog/': '302 403 403 403 403 403 200',
    'admin/axes/accesslog/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/axes/accesslog/<path:object_id>/change/': '302 403 403 403 403 403 200',
    'admin/axes/accesslog/<path:object_id>/delete/': '302 403 403 403 403 403 200',
    'admin/axes/accesslog/<path:object_id>/history/': '302 403 403 403 403 403 200',
    'admin/axes/accesslog/add/': '302 403 403 403 403 403 403',
    'admin/community/communityresource/': '302 403 200 200 200 200 200',
    'admin/community/communityresource/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/communityresource/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/community/communityresource/<path:object_id>/delete/': '302 403 200 403 403 200 200',
    'admin/community/communityresource/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/community/communityresource/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/community/communityresource/add/': '302 403 200 200 403 200 200',
    'admin/community/communityresource/import/': '302 403 200 200 403 200 200',
    'admin/community/communityresource/import/job/<int:job_id>/': '302 403 404 404 403 404 404',
    'admin/evaluations/evaluationyear/': '302 403 200 200 200 200 200',
    'admin/evaluations/evaluationyear/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/evaluations/evaluationyear/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/evaluations/evaluationyear/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/evaluations/evaluationyear/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/evaluations/evaluationyear/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/evaluations/evaluationyear/add/': '302 403 403 403 403 200 200',
    'admin/community/department/': '302 403 200 200 200 200 200',
    'admin/community/department/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/department/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/community/department/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/community/department/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/community/department/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/community/department/add/': '302 403 403 403 403 200 200',
    'admin/community/healthtownplanningrecord/': '302 403 200 200 200 200 200',
    'admin/community/healthtownplanningrecord/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/healthtownplanningrecord/<path:object_id>/change/': '302 403 200 200 200 200 200',  # noqa: E501
    'admin/community/healthtownplanningrecord/<path:object_id>/delete/': '302 403 200 403 403 200 200',  # noqa: E501
    'admin/community/healthtownplanningrecord/<path:object_id>/history/': '302 403 200 200 200 200 200',  # noqa: E501
    'admin/community/healthtownplanningrecord/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',  # noqa: E501
    'admin/community/healthtownplanningrecord/add/': '302 403 200 200 403 200 200',
    'admin/community/lifestage/': '302 403 200 200 200 200 200',
    'admin/community/lifestage/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/lifestage/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/community/lifestage/<path:object_id>/delete/': '302 403 403 403 403 403 200',
    'admin/community/lifestage/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/community/lifestage/add/': '302 403 403 403 403 403 200',
    'admin/community/municipality/': '302 403 200 200 200 200 200',
    'admin/community/municipality/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/municipality/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/community/municipality/<path:object_id>/delete/': '302 403 403 403 403 403 403',
    'admin/community/municipality/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/community/municipality/add/': '302 403 403 403 403 403 403',
    'admin/community/organisationtype/': '302 403 200 200 200 200 200',
    'admin/community/organisationtype/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/organisationtype/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/community/organisationtype/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/community/organisationtype/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/community/organisationtype/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/community/organisationtype/add/': '302 403 403 403 403 200 200',
    'admin/community/schooldistrict/': '302 403 200 200 200 200 200',
    'admin/community/schooldistrict/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/schooldistrict/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/community/schooldistrict/<path:object_id>/delete/': '302 403 200 403 403 200 200',
    'admin/community/schooldistrict/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/community/schooldistrict/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/community/schooldistrict/add/': '302 403 200 200 403 200 200',
    'admin/community/schooldistrict/import/': '302 403 200 200 403 200 200',
    'admin/community/schooldistrict/import/job/<int:job_id>/': '302 403 404 404 403 404 404',
    'admin/community/staffprofile/': '302 403 403 403 403 403 200',
    'admin/community/staffprofile/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/staffprofile/<path:object_id>/change/': '302 403 403 403 403 403 200',
    'admin/community/staffprofile/<path:object_id>/delete/': '302 403 403 403 403 403 200',
    'admin/community/staffprofile/<path:object_id>/history/': '302 403 403 403 403 403 200',
    'admin/community/staffprofile/add/': '302 403 403 403 403 403 200',
    'admin/community/volunteerheadcount/': '302 403 200 200 200 200 200',
    'admin/community/volunteerheadcount/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/volunteerheadcount/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/community/volunteerheadcount/<path:object_id>/delete/': '302 403 200 403 403 200 200',
    'admin/community/volunteerheadcount/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/community/volunteerheadcount/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/community/volunteerheadcount/add/': '302 403 200 200 403 200 200',
    'admin/community/volunteerprogram/': '302 403 200 200 200 200 200',
    'admin/community/volunteerprogram/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/volunteerprogram/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/community/volunteerprogram/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/community/volunteerprogram/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/community/volunteerprogram/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/community/volunteerprogram/add/': '302 403 403 403 403 200 200',
    'admin/community/ward/': '302 403 200 200 200 200 200',
    'admin/community/ward/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/community/ward/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/community/ward/<path:object_id>/delete/': '302 403 403 403 403 403 200',
    'admin/community/ward/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/community/ward/add/': '302 403 403 403 403 403 200',
    'admin/completeness/': '302 403 200 200 200 200 200',
    # Removing the sample data: planners (those who approve figures and progress reports).
    'admin/sample-data/': '302 403 403 403 403 200 200',
    # One's own mail settings: every staff member with a role.
    'admin/mail-settings/': '302 403 200 200 200 200 200',
    'admin/evaluations/evaluation/': '302 403 200 200 200 200 200',
    'admin/evaluations/evaluation/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/evaluations/evaluation/<path:object_id>/change/': '302 404 404 404 200 200 200',
    'admin/evaluations/evaluation/<path:object_id>/delete/': '302 404 404 404 200 200 200',
    'admin/evaluations/evaluation/<path:object_id>/history/': '302 403 403 403 200 200 200',
    'admin/evaluations/evaluation/<path:object_id>/transition/<str:transition>/': '302 404 404 404 200 200 200',  # noqa: E501
    'admin/evaluations/evaluation/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/evaluations/evaluation/add/': '302 403 403 403 200 200 200',
    'admin/evaluations/evaluation/export/': '302 403 200 200 200 200 200',
    'admin/evaluations/evaluation/import/': '302 403 403 403 200 200 200',
    'admin/evaluations/evaluation/import/job/<int:job_id>/': '302 403 403 403 404 404 404',
    'admin/evaluations/evaluation/import/template/': '302 403 403 403 200 200 200',
    'admin/indicators/commonindicator/': '302 403 200 200 200 200 200',
    'admin/indicators/commonindicator/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/indicators/commonindicator/<path:object_id>/change/': '302 403 200 200 200 200 200',
    # Shared reference data: the installation's administrator keeps it; planners map to it.
    'admin/indicators/commonindicator/<path:object_id>/delete/': '302 403 403 403 403 403 200',
    'admin/indicators/commonindicator/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/indicators/commonindicator/add/': '302 403 403 403 403 403 200',
    'admin/indicators/indicator/': '302 403 200 200 200 200 200',
    'admin/indicators/indicator/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/indicators/indicator/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/indicators/indicator/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/indicators/indicator/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/indicators/indicator/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/indicators/indicator/add/': '302 403 403 403 403 200 200',
    'admin/indicators/indicatorvalue/': '302 403 200 200 200 200 200',
    'admin/indicators/indicatorvalue/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/indicators/indicatorvalue/<path:object_id>/change/': '302 404 200 404 404 200 200',
    'admin/indicators/indicatorvalue/<path:object_id>/delete/': '302 404 200 404 404 200 200',
    'admin/indicators/indicatorvalue/<path:object_id>/history/': '302 403 200 403 403 200 200',
    'admin/indicators/indicatorvalue/<path:object_id>/transition/<str:transition>/': '302 404 200 404 404 200 200',  # noqa: E501
    'admin/indicators/indicatorvalue/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/indicators/indicatorvalue/add/': '302 403 200 200 200 200 200',
    'admin/indicators/indicatorvalue/export/': '302 403 200 200 200 200 200',
    'admin/indicators/indicatorvalue/import/': '302 403 200 200 200 200 200',
    'admin/indicators/indicatorvalue/import/job/<int:job_id>/': '302 403 404 404 404 404 404',
    'admin/indicators/indicatorvalue/import/template/': '302 403 200 200 200 200 200',
    'admin/indicators/ratingrule/': '302 403 200 200 200 200 200',
    'admin/indicators/ratingrule/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/indicators/ratingrule/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/indicators/ratingrule/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/indicators/ratingrule/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/indicators/ratingrule/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/indicators/ratingrule/add/': '302 403 403 403 403 403 403',  # the presets only
    'admin/indicators/reminder/': '302 403 403 403 403 200 200',
    'admin/indicators/reminder/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/indicators/reminder/<path:object_id>/change/': '302 403 403 403 403 302 302',
    'admin/indicators/reminder/<path:object_id>/delete/': '302 403 403 403 403 403 403',
    'admin/indicators/reminder/<path:object_id>/history/': '302 302 302 302 302 302 302',
    'admin/indicators/reminder/add/': '302 403 403 403 403 403 403',
    'admin/indicators/target/': '302 403 200 200 200 200 200',
    'admin/indicators/target/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/indicators/target/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/indicators/target/<path:object_id>/delete/': '302 403 403 403 403 403 403',
    'admin/indicators/target/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/indicators/target/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/indicators/target/add/': '302 403 403 403 403 200 200',
    'admin/indicators/reportinground/': '302 403 403 403 403 200 200',
    'admin/indicators/reportinground/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/indicators/reportinground/<path:object_id>/change/': '302 403 403 403 403 302 302',
    'admin/indicators/reportinground/<path:object_id>/delete/': '302 403 403 403 403 302 302',
    'admin/indicators/reportinground/<path:object_id>/history/': '302 302 302 302 302 302 302',
    'admin/indicators/reportinground/add/': '302 403 403 403 403 200 200',
    'admin/jobs/job/': '302 403 200 200 200 200 200',
    'admin/jobs/job/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/jobs/job/<path:object_id>/change/': '302 403 302 302 302 302 302',
    'admin/jobs/job/<path:object_id>/delete/': '302 403 403 403 403 403 403',
    'admin/jobs/job/<path:object_id>/history/': '302 302 302 302 302 302 302',
    'admin/jobs/job/add/': '302 403 403 403 403 403 403',
    'admin/jobs/workerheartbeat/': '302 403 403 403 403 200 200',
    'admin/jobs/workerheartbeat/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/jobs/workerheartbeat/<path:object_id>/change/': '302 403 403 403 403 302 302',
    'admin/jobs/workerheartbeat/<path:object_id>/delete/': '302 403 403 403 403 403 403',
    'admin/jobs/workerheartbeat/<path:object_id>/history/': '302 302 302 302 302 302 302',
    'admin/jobs/workerheartbeat/add/': '302 403 403 403 403 403 403',
    'admin/jsi18n/': '302 200 200 200 200 200 200',
    'admin/knox/authtoken/': '302 403 403 403 403 403 200',
    'admin/knox/authtoken/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/knox/authtoken/<path:object_id>/change/': '302 403 403 403 403 403 200',
    'admin/knox/authtoken/<path:object_id>/delete/': '302 403 403 403 403 403 200',
    'admin/knox/authtoken/<path:object_id>/history/': '302 403 403 403 403 403 200',
    'admin/knox/authtoken/add/': '302 403 403 403 403 403 200',
    'admin/login/': '200 302 302 302 302 302 302',
    'admin/logout/': '302 405 405 405 405 405 405',
    'admin/otp_totp/totpdevice/': '302 403 403 403 403 403 200',
    'admin/otp_totp/totpdevice/<int:pk>/config/': '302 403 403 403 403 403 200',
    'admin/otp_totp/totpdevice/<int:pk>/qrcode/': '302 403 403 403 403 403 200',
    'admin/otp_totp/totpdevice/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/otp_totp/totpdevice/<path:object_id>/change/': '302 403 403 403 403 403 200',
    'admin/otp_totp/totpdevice/<path:object_id>/delete/': '302 403 403 403 403 403 200',
    'admin/otp_totp/totpdevice/<path:object_id>/history/': '302 403 403 403 403 403 200',
    'admin/otp_totp/totpdevice/add/': '302 403 403 403 403 403 200',
    'admin/password_change/': '302 200 200 200 200 200 200',
    'admin/password_change/done/': '302 200 200 200 200 200 200',
    'admin/programs/action/': '302 403 200 200 200 200 200',
    'admin/programs/action/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/action/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/programs/action/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/action/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/programs/action/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/programs/action/add/': '302 403 403 403 403 200 200',
    'admin/portal/sentmail/': '302 403 403 403 403 200 200',
    'admin/portal/sentmail/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/portal/sentmail/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/portal/sentmail/<path:object_id>/delete/': '302 403 403 403 403 403 403',
    'admin/portal/sentmail/<path:object_id>/history/': '302 403 403 403 403 200 200',
    'admin/portal/sentmail/add/': '302 403 403 403 403 403 403',
    'admin/programs/annualreport/': '302 403 403 403 403 200 200',
    'admin/programs/annualreport/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/annualreport/<path:object_id>/change/': '302 403 403 403 403 302 302',
    'admin/programs/annualreport/<path:object_id>/delete/': '302 403 403 403 403 403 302',
    'admin/programs/annualreport/<path:object_id>/history/': '302 302 302 302 302 302 302',
    'admin/programs/annualreport/add/': '302 403 403 403 403 200 200',
    'admin/programs/challenge/': '302 403 200 200 200 200 200',
    'admin/programs/challenge/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/challenge/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/programs/challenge/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/challenge/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/programs/challenge/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/programs/challenge/add/': '302 403 403 403 403 200 200',
    'admin/programs/figure/': '302 403 200 200 200 200 200',
    'admin/programs/figure/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/figure/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/programs/figure/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/figure/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/programs/figure/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/programs/figure/add/': '302 403 403 403 403 200 200',
    'admin/programs/initiative/': '302 403 200 200 200 200 200',
    'admin/programs/initiative/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/initiative/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/programs/initiative/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/initiative/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/programs/initiative/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/programs/initiative/add/': '302 403 403 403 403 200 200',
    'admin/programs/initiativeprogress/': '302 403 200 200 200 200 200',
    'admin/programs/initiativeprogress/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/initiativeprogress/<path:object_id>/change/': '302 404 200 404 404 200 200',
    'admin/programs/initiativeprogress/<path:object_id>/delete/': '302 404 200 404 404 200 200',
    'admin/programs/initiativeprogress/<path:object_id>/history/': '302 403 200 403 403 200 200',
    'admin/programs/initiativeprogress/<path:object_id>/transition/<str:transition>/': '302 404 200 404 404 200 200',  # noqa: E501
    'admin/programs/initiativeprogress/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/programs/initiativeprogress/add/': '302 403 200 200 200 200 200',
    'admin/programs/initiativeprogress/export/': '302 403 200 200 200 200 200',
    'admin/programs/initiativeprogress/import/': '302 403 200 200 200 200 200',
    'admin/programs/initiativeprogress/import/job/<int:job_id>/': '302 403 404 404 404 404 404',
    'admin/programs/initiativeprogress/import/template/': '302 403 200 200 200 200 200',
    'admin/programs/pillar/': '302 403 200 200 200 200 200',
    'admin/programs/pillar/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/pillar/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/programs/pillar/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/pillar/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/programs/pillar/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/programs/pillar/add/': '302 403 403 403 403 200 200',
    'admin/programs/plan/': '302 403 200 200 200 200 200',
    'admin/programs/plan/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/plan/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/programs/plan/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/plan/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/programs/plan/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/programs/plan/add/': '302 403 403 403 403 200 200',
    'admin/programs/priorityarea/': '302 403 200 200 200 200 200',
    'admin/programs/priorityarea/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/priorityarea/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/programs/priorityarea/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/priorityarea/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/programs/priorityarea/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/programs/priorityarea/add/': '302 403 403 403 403 200 200',
    'admin/programs/section/': '302 403 200 200 200 200 200',
    'admin/programs/section/<path:object_id>/': '302 302 302 302 302 302 302',
    'admin/programs/section/<path:object_id>/change/': '302 403 200 200 200 200 200',
    'admin/programs/section/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/section/<path:object_id>/history/': '302 403 200 200 200 200 200',
    'admin/programs/section/^([^/]+)/history/([^/]+)/$': '302 302 302 302 302 302 302',
    'admin/programs/section/add/': '302 403 403 403 403 200 200',
    'admin/r/<path:content_type_id>/<path:object_id>/': '302 404 404 404 404 404 404',
    'api/docs/': '200 401 200 200 200 200 200',
    'api/schema/': '200 401 200 200 200 200 200',
    'api/v1/': '200 401 200 200 200 200 200',
    'api/v1/^[\\s\\S]*/$': '404 401 404 404 404 404 404',
    'api/v1/^community-resources/$': '200 401 200 200 200 200 200',
    'api/v1/^community-resources/(?P<pk>[^/.]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^evaluations/$': '200 401 200 200 200 200 200',
    'api/v1/^evaluations/(?P<pk>[^/.]+)/$': '404 401 404 404 200 200 200',
    'api/v1/^evaluations/(?P<pk>[^/.]+)/approve/$': '405 401 405 405 405 405 405',
    'api/v1/^evaluations/(?P<pk>[^/.]+)/reopen/$': '405 401 405 405 405 405 405',
    'api/v1/^evaluations/(?P<pk>[^/.]+)/return/$': '405 401 405 405 405 405 405',
    'api/v1/^evaluations/(?P<pk>[^/.]+)/submit/$': '405 401 405 405 405 405 405',
    'api/v1/^health-town-planning/$': '200 401 200 200 200 200 200',
    'api/v1/^health-town-planning/(?P<pk>[^/.]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^indicator-values/$': '200 401 200 200 200 200 200',
    'api/v1/^rating-rules/$': '200 401 200 200 200 200 200',
    'api/v1/^rating-rules/(?P<name>[^/.]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^rating-rules/(?P<name>[^/.]+)/activate/$': '405 401 405 405 405 405 405',
    'api/v1/^indicator-values/(?P<pk>[^/.]+)/$': '404 401 200 404 404 200 200',
    'api/v1/^indicator-values/(?P<pk>[^/.]+)/approve/$': '405 401 405 405 405 405 405',
    'api/v1/^indicator-values/(?P<pk>[^/.]+)/reopen/$': '405 401 405 405 405 405 405',
    'api/v1/^indicator-values/(?P<pk>[^/.]+)/return/$': '405 401 405 405 405 405 405',
    'api/v1/^indicator-values/(?P<pk>[^/.]+)/submit/$': '405 401 405 405 405 405 405',
    'api/v1/^indicators/$': '200 401 200 200 200 200 200',
    'api/v1/^indicators/(?P<code>[A-Za-z0-9-]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^indicators/(?P<code>[A-Za-z0-9-]+)/targets/$': '200 401 200 200 200 200 200',
    'api/v1/^indicators/(?P<code>[A-Za-z0-9-]+)/series/$': '200 401 200 200 200 200 200',
    'api/v1/^initiative-progress/$': '200 401 200 200 200 200 200',
    'api/v1/^initiative-progress/(?P<pk>[^/.]+)/$': '404 401 200 404 404 200 200',
    'api/v1/^initiative-progress/(?P<pk>[^/.]+)/approve/$': '405 401 405 405 405 405 405',
    'api/v1/^initiative-progress/(?P<pk>[^/.]+)/reopen/$': '405 401 405 405 405 405 405',
    'api/v1/^initiative-progress/(?P<pk>[^/.]+)/return/$': '405 401 405 405 405 405 405',
    'api/v1/^initiative-progress/(?P<pk>[^/.]+)/submit/$': '405 401 405 405 405 405 405',
    'api/v1/^initiatives/$': '200 401 200 200 200 200 200',
    'api/v1/^initiatives/(?P<code>[0-9-]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^pillars/$': '200 401 200 200 200 200 200',
    'api/v1/^pillars/(?P<number>[^/.]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^school-districts/$': '200 401 200 200 200 200 200',
    'api/v1/^school-districts/(?P<code>[^/.]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^sections/$': '200 401 200 200 200 200 200',
    'api/v1/^sections/(?P<pk>[^/.]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^volunteer-headcounts/$': '200 401 200 200 200 200 200',
    'api/v1/^volunteer-headcounts/(?P<pk>[^/.]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^volunteer-programs/$': '200 401 200 200 200 200 200',
    'api/v1/^volunteer-programs/(?P<code>[^/.]+)/$': '200 401 200 200 200 200 200',
    'api/v1/^wards/$': '200 401 200 200 200 200 200',
    'api/v1/^wards/(?P<code>[^/.]+)/$': '200 401 200 200 200 200 200',
    'api/v1/auth/token/': '405 405 405 405 405 405 405',
    'api/v1/consultation/': '200 401 200 200 200 200 200',
    'api/v1/dashboard/': '200 401 200 200 200 200 200',
    'api/v1/jobs/<str:id>/': '401 401 404 404 404 404 404',
    'api/v1/municipality/': '200 401 200 200 200 200 200',
    'api/v1/reports/<str:fiscal_year>/': '404 401 404 404 404 404 404',
    'api/v1/reports/<str:fiscal_year>/<str:file>/': '404 401 404 404 404 404 404',
    'api/v1/search/': '200 401 200 200 200 200 200',
    # The prefecture's view: approved data only, the same for everyone.
    'api/v1/pref/<str:prefecture>/': '200 401 200 200 200 200 200',
    'consult/': '200 200 200 200 200 200 200',
    'search/': '200 200 200 200 200 200 200',
    'pref/<str:prefecture>/': '200 200 200 200 200 200 200',
    # Public; 503 when a dependency it reports on (database, Redis, worker) is not ready.
    'healthz': '200/503 200/503 200/503 200/503 200/503 200/503 200/503',
    # A redirect to the static file, for everyone.
    'favicon.ico': '302 302 302 302 302 302 302',
    'i18n/setlang/': '302 302 302 302 302 302 302',
    'indicators/<str:code>/': '200 200 200 200 200 200 200',
    # Open data: the same approved data for everyone.
    'opendata/': '200 200 200 200 200 200 200',
    'opendata/<slug:slug>.csv': '200 200 200 200 200 200 200',
    'opendata/<slug:slug>.xlsx': '200 200 200 200 200 200 200',
    'opendata/all.zip': '200 200 200 200 200 200 200',
    'opendata/datapackage.json': '200 200 200 200 200 200 200',
    'pillars/<int:number>/': '200 200 200 200 200 200 200',
    # Not made yet in the sample: the request queues it and answers 202 (a pending page).
    'reports/<fiscal_year:fiscal_year>.pdf': '202 202 202 202 202 202 202',
    'reports/<fiscal_year:fiscal_year>.xlsx': '200 200 200 200 200 200 200',
    'reports/<fiscal_year:fiscal_year>/': '200 200 200 200 200 200 200',
    'wards/<str:name>/': '200 200 200 200 200 200 200',
    'yasashii/': '200 200 200 200 200 200 200',
    'yasashii/consult/': '200 200 200 200 200 200 200',
    'yasashii/indicators/': '200 200 200 200 200 200 200',
}
POST_MATRIX = {  # route → POST status per role, for the requests of POSTS
    'api/v1/^indicator-values/$': '401 401 400 400 400 400 400',
    'api/v1/^initiative-progress/$': '401 401 400 400 400 400 400',
    'api/v1/^community-resources/$': '401 401 400 400 400 400 400',
    'api/v1/^health-town-planning/$': '401 401 400 400 400 400 400',
    'api/v1/^volunteer-headcounts/$': '401 401 400 400 400 400 400',
    'api/v1/^school-districts/$': '401 401 405 405 405 405 405',
    'api/v1/^volunteer-programs/$': '401 401 405 405 405 405 405',
    'api/v1/^indicators/$': '401 401 405 405 405 405 405',
    'api/v1/^evaluations/$': '401 401 400 400 400 400 400',
    'api/v1/^indicator-values/(?P<pk>[^/.]+)/submit/$': '401 401 200 404 404 200 200',
    'api/v1/^indicator-values/(?P<pk>[^/.]+)/approve/$': '401 401 403 404 404 200 200',
    'api/v1/^indicator-values/(?P<pk>[^/.]+)/reopen/$': '401 401 403 404 404 200 200',
    'api/v1/^indicator-values/(?P<pk>[^/.]+)/return/$': '401 401 403 404 404 400 400',
    'api/v1/^initiative-progress/(?P<pk>[^/.]+)/submit/$': '401 401 200 404 404 200 200',
    'api/v1/^initiative-progress/(?P<pk>[^/.]+)/approve/$': '401 401 403 404 404 200 200',
    'api/v1/^initiative-progress/(?P<pk>[^/.]+)/reopen/$': '401 401 403 404 404 200 200',
    'api/v1/^initiative-progress/(?P<pk>[^/.]+)/return/$': '401 401 403 404 404 400 400',
    'api/v1/^evaluations/(?P<pk>[^/.]+)/submit/$': '401 401 404 404 200 200 200',
    'api/v1/^evaluations/(?P<pk>[^/.]+)/approve/$': '401 401 404 404 403 200 200',
    'api/v1/^evaluations/(?P<pk>[^/.]+)/reopen/$': '401 401 404 404 403 200 200',
    'api/v1/^evaluations/(?P<pk>[^/.]+)/return/$': '401 401 404 404 403 400 400',
    'api/v1/auth/token/': '400 400 400 400 400 400 400',
    'api/v1/^rating-rules/(?P<name>[^/.]+)/activate/$': '401 401 403 403 403 200 200',
    'admin/sample-data/': '302 403 403 403 403 302 302',
    'admin/mail-settings/': '302 403 302 302 302 302 302',
    # own_ward: already submitted by the plain request above, hence 400 (not 500).
    "api/v1/^initiative-progress/(?P<pk>[^/.]+)/submit\\.(?P<format>[a-z0-9]+)/?$": "401 401 400 404 404 200 200",  # noqa: E501
    # The plan's content in the admin: a form posted (empty: it is refused as incomplete, or
    # asked to confirm) by a role that may only read it is a 403.
    'admin/programs/plan/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/programs/plan/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/plan/add/': '302 403 403 403 403 200 200',
    'admin/programs/priorityarea/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/programs/priorityarea/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/priorityarea/add/': '302 403 403 403 403 200 200',
    'admin/programs/pillar/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/programs/pillar/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/pillar/add/': '302 403 403 403 403 200 200',
    'admin/programs/section/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/programs/section/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/section/add/': '302 403 403 403 403 200 200',
    'admin/programs/challenge/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/programs/challenge/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/challenge/add/': '302 403 403 403 403 200 200',
    'admin/programs/initiative/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/programs/initiative/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/initiative/add/': '302 403 403 403 403 200 200',
    'admin/programs/action/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/programs/action/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/action/add/': '302 403 403 403 403 200 200',
    'admin/programs/figure/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/programs/figure/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/programs/figure/add/': '302 403 403 403 403 200 200',
    'admin/indicators/indicator/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/indicators/indicator/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/indicators/indicator/add/': '302 403 403 403 403 200 200',
    'admin/indicators/target/<path:object_id>/change/': '302 403 403 403 403 403 403',  # revised, never changed  # noqa: E501
    'admin/indicators/target/<path:object_id>/delete/': '302 403 403 403 403 403 403',
    'admin/indicators/target/add/': '302 403 403 403 403 200 200',
    'admin/indicators/ratingrule/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/indicators/ratingrule/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/indicators/ratingrule/add/': '302 403 403 403 403 403 403',
    'admin/evaluations/evaluationyear/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/evaluations/evaluationyear/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/evaluations/evaluationyear/add/': '302 403 403 403 403 200 200',
    'admin/community/department/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/community/department/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/community/department/add/': '302 403 403 403 403 200 200',
    'admin/community/organisationtype/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/community/organisationtype/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/community/organisationtype/add/': '302 403 403 403 403 200 200',
    'admin/community/volunteerprogram/<path:object_id>/change/': '302 403 403 403 403 200 200',
    'admin/community/volunteerprogram/<path:object_id>/delete/': '302 403 403 403 403 200 200',
    'admin/community/volunteerprogram/add/': '302 403 403 403 403 200 200',
}
# fmt: on


def expected(table, route, role):
    """The statuses allowed (``a/b`` in a row: either)."""
    row = table.get(route) or table[row_key(route)]
    return {int(status) for status in row.split()[ROLES.index(role)].split("/")}


def _ward_name() -> str:
    from community.models import Ward

    return Ward.objects.get(code="chuo").name


@pytest.fixture
def sample(chuo_officer, welfare_department):
    """One record per kind, of the chuo ward (drafts, so that every action can apply); the
    evaluation a draft 一次評価 of section 1-2, whose department is the department officer's."""
    from community.models import VolunteerProgram
    from evaluations.models import EvaluationYear
    from programs.models import Plan, Section

    school = district("matrix-1")
    records = {
        "indicatorvalue": value(ward_code="chuo", status=Status.DRAFT),
        "initiativeprogress": progress(ward_code="chuo", status=Status.DRAFT),
        "evaluation": evaluation(section="1-2", stage="primary", status=Status.DRAFT),
        "department": welfare_department,
        "evaluationyear": EvaluationYear.objects.create(
            plan=Plan.objects.order_by("pk").first(), fiscal_year=2015
        ),
        "communityresource": resource(),
        "healthtownplanningrecord": stage(school, 2015, 1),
        "schooldistrict": school,
    }
    from tests.community.helpers import headcount

    program = VolunteerProgram.objects.order_by("pk").first()
    records["volunteerheadcount"] = headcount(program.code, 2015, 3)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    records["totpdevice"] = TOTPDevice.objects.create(user=chuo_officer, name="matrix")
    from django.utils import timezone

    from portal.models import SentMail

    records["sentmail"] = SentMail.objects.create(
        key="matrix",
        recipient=chuo_officer,
        email="chuo@example.jp",
        subject="差し戻し",
        body="本文",
        sent_at=timezone.now(),
    )
    return {
        **records,
        "program": program.code,
        "section": Section.objects.order_by("pk").first().pk,
        "ward_name": _ward_name(),
        "prefecture": Plan.objects.order_by("pk").first().municipality.code[:2],
        "user": chuo_officer,
    }


API_ARGS = {  # collection → what fills its lookup group
    "pillars": lambda s: "1",
    "sections": lambda s: s["section"],
    "initiatives": lambda s: "1-2-1",
    "wards": lambda s: "chuo",
    "school-districts": lambda s: s["schooldistrict"].code,
    "indicators": lambda s: "KPI-1-1",
    "indicator-values": lambda s: s["indicatorvalue"].pk,
    "initiative-progress": lambda s: s["initiativeprogress"].pk,
    "community-resources": lambda s: s["communityresource"].pk,
    "health-town-planning": lambda s: s["healthtownplanningrecord"].pk,
    "volunteer-programs": lambda s: s["program"],
    "volunteer-headcounts": lambda s: s["volunteerheadcount"].pk,
    "rating-rules": lambda s: "pace",
    "evaluations": lambda s: s["evaluation"].pk,
}
ADMIN_MODEL = re.compile(r"^admin/(\w+)/(\w+)/")


def _object_id(route: str, sample) -> str:
    from django.apps import apps

    app_label, model_name = ADMIN_MODEL.match(route).groups()
    if model_name in sample and hasattr(sample[model_name], "pk"):
        return str(sample[model_name].pk)
    if model_name == "user":
        return str(sample["user"].pk)
    first = apps.get_model(app_label, model_name).objects.order_by("pk").first()
    return str(first.pk) if first else "999999"


def url_for(route: str, sample) -> str:
    """A concrete path for a route, with the sample's arguments."""
    special = {
        "admin/(?P<url>.*)$": "admin/no-such-page/",
        "api/v1/^[\\s\\S]*/$": "api/v1/no-such-page/",
        APP_INDEX: "admin/programs/",
    }
    if route in special:
        return "/" + special[route]
    path = route.replace("^", "").replace("$", "")
    if path.startswith("api/v1/") and re.search(r"\(\?P<(?!format)", path):
        collection = re.split(r"[/\\]", path.removeprefix("api/v1/"))[0]
        path = re.sub(r"\(\?P<(?!format)\w+>[^)]*\)", str(API_ARGS[collection](sample)), path)
    path = path.replace("/?", "/").replace("\\.", ".")
    path = re.sub(r"\(\?P<format>[^)]*\)", "json", path)
    path = path.replace("<drf_format_suffix:format>", ".json")
    if ADMIN_MODEL.match(path) and ("<path:object_id>" in path or "([^/]+)" in path):
        object_id = _object_id(path, sample)
        path = path.replace("<path:object_id>", object_id)
        path = path.replace("([^/]+)/history/([^/]+)", f"{object_id}/history/999999")
    content_type = ContentType.objects.get_for_model(sample["indicatorvalue"])
    replacements = {
        "<int:number>": "1",
        "<str:code>": "KPI-1-1",
        "<str:name>": sample["ward_name"],
        "<str:prefecture>": sample["prefecture"],
        "<int:fiscal_year>": "2015",
        "<fiscal_year:fiscal_year>": "H27",
        "<str:fiscal_year>": "2015",
        "<str:file>": "xlsx",
        "<slug:slug>": "indicator-values",
        "<str:id>": "00000000-0000-0000-0000-000000000000",
        "<id>": str(sample["user"].pk),
        "<int:job_id>": "999999",
        "<str:transition>": "submit",
        "<int:pk>": str(sample["totpdevice"].pk),
        "<path:content_type_id>": str(content_type.pk),
        "<path:object_id>": str(sample["indicatorvalue"].pk),
    }
    for placeholder, argument in replacements.items():
        path = path.replace(placeholder, argument)
    return "/" + path


@pytest.fixture
def as_role(request, sample):
    """A function role → (client for pages and the admin, client for the API)."""
    persona = {
        "own_ward": "chuo_officer",
        "other_ward": "higashi_officer",
        "department": "dept_officer",
        "planner": "planner",
        "admin": "city_admin",
    }

    def clients(role):
        if role == "anonymous":
            return APIClient(), APIClient()
        if role == "no_role":
            # Knox issues tokens only to staff with a role; a token made directly for a staff
            # account without one must still open nothing.
            user = get_user_model().objects.create_user("matrix_no_role", is_staff=True)
        else:
            user = request.getfixturevalue(persona[role])
        session = APIClient()
        session.force_login(user)
        api = APIClient()
        _instance, token = AuthToken.objects.create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return session, api

    return clients


def get_all(role, as_role, sample):
    session, api = as_role(role)
    seen = {}
    for route in sorted(set(walk())):
        if route not in MATRIX and role != "own_ward":
            continue  # a format twin: one role requests them all (runtime), on the base's row
        client = api if route.startswith("api/") else session
        response = client.get(url_for(route, sample))
        seen[route] = response.status_code
    return seen


PLAN_CONTENT_ADMINS = (
    *(f"programs/{m}" for m in ("plan", "priorityarea", "pillar", "section", "challenge")),
    *(f"programs/{m}" for m in ("initiative", "action", "figure")),
    *(f"indicators/{m}" for m in ("indicator", "target", "ratingrule")),
    *(f"community/{m}" for m in ("department", "organisationtype", "volunteerprogram")),
    "evaluations/evaluationyear",
)
POSTS = [  # (route, body): the unsafe requests, in this order (each role on fresh records)
    *[
        (f"api/v1/^{collection}/$", {})
        for collection in (
            "indicator-values",
            "initiative-progress",
            "community-resources",
            "health-town-planning",
            "volunteer-headcounts",
            "school-districts",
            "volunteer-programs",
            "indicators",
            "evaluations",
        )
    ],
    *[
        (f"api/v1/^{collection}/(?P<pk>[^/.]+)/{action}/$", {"comment": "matrix"})
        for collection in ("indicator-values", "initiative-progress", "evaluations")
        for action in ("submit", "approve", "reopen", "return")
    ],
    # A format suffix reaches the workflow actions too (it answered 500 before).
    (r"api/v1/^initiative-progress/(?P<pk>[^/.]+)/submit\.(?P<format>[a-z0-9]+)/?$", {}),
    ("api/v1/auth/token/", {}),
    ("api/v1/^rating-rules/(?P<name>[^/.]+)/activate/$", {}),  # the one in use: no change
    ("admin/sample-data/", {}),  # no sample data here: nothing to remove, the admin's index
    ("admin/mail-settings/", {}),  # mail off (an empty form): saved, back to the index
    *[
        (f"admin/{model}/{page}", {})
        for model in PLAN_CONTENT_ADMINS
        for page in ("<path:object_id>/change/", "<path:object_id>/delete/", "add/")
    ],
]


def post_all(role, as_role, sample):
    session, api = as_role(role)
    seen = {}
    for route, body in POSTS:
        path = url_for(route, sample)
        headers = {}
        if re.search(r"/(submit|return|approve|reopen)(/|\\\.)", route):
            # The version the role reads (none when it cannot read the record).
            etag = api.get(re.sub(r"/\w+(/|\.json/)$", "/", path)).headers.get("ETag")
            headers = {"HTTP_IF_MATCH": etag} if etag else {}
        if route.startswith("admin/"):
            seen[route] = session.post(path, body).status_code
            continue
        seen[route] = api.post(path, body, format="json", **headers).status_code
    return seen


def test_every_url_is_in_the_matrix():
    missing = [route for route in walk() if route not in MATRIX and row_key(route) not in MATRIX]
    assert not missing, f"URL patterns missing from MATRIX (add a row): {missing}"


def test_the_matrix_lists_only_urls_that_exist():
    routes = set(walk())
    stale = [route for route in {**MATRIX, **POST_MATRIX} if route not in routes]
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"


def test_every_row_has_a_status_per_role():
    for route, row in {**MATRIX, **POST_MATRIX}.items():
        assert len(row.split()) == len(ROLES), route
        assert "-" not in row.split(), route


@pytest.mark.parametrize("role", TESTED_ROLES)
def test_get_as_each_role(role, as_role, sample):
    seen = get_all(role, as_role, sample)
    wrong = {
        route: (status, expected(MATRIX, route, role))
        for route, status in seen.items()
        if status not in expected(MATRIX, route, role)
    }
    assert not wrong, f"{role}: route → (got, expected): {wrong}"


@pytest.mark.parametrize("role", TESTED_ROLES)
def test_unsafe_requests_as_each_role(role, as_role, sample, settings):
    # Each role takes one record through every step alone: what its role may do, not the
    # four-eyes rule (tests/test_self_approval.py), which would refuse its own approval.
    settings.ALLOW_SELF_APPROVAL = True
    seen = post_all(role, as_role, sample)
    wrong = {
        route: (status, expected(POST_MATRIX, route, role))
        for route, status in seen.items()
        if status not in expected(POST_MATRIX, route, role)
    }
    assert not wrong, f"{role}: route → (got, expected): {wrong}"
