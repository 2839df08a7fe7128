import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
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
