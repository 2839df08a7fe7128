import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def anon():
    return client_for()


@pytest.fixture
def chuo(chuo_officer):
    return client_for(chuo_officer)


@pytest.fixture
def higashi(higashi_officer):
    return client_for(higashi_officer)


@pytest.fixture
def plan_client(planner):
    return client_for(planner)
