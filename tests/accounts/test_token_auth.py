"""API token authentication (atensi.accounts.authentication): one lean query, DRF's rules."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from atensi.accounts.services import user_token
from tests.api_helpers import client_for, error_of

URL = "/api/v1/cases/"


def _with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_valid_token_authenticates_its_user_in_one_query(pendamping_a):
    client = client_for(pendamping_a)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/me/")
    assert response.status_code == 200, response.content
    assert response.json()["username"] == pendamping_a.username
    token_reads = [q for q in captured if "authtoken_token" in q["sql"]]
    assert len(token_reads) == 1


def test_an_unknown_token_is_refused_with_401(db):
    response = _with_token("0" * 40).get(URL)
    assert response.status_code == 401
    assert "Token tidak valid" in error_of(response)["message"]


def test_a_rotated_token_no_longer_works(pendamping_a):
    old = user_token(actor=pendamping_a, user=pendamping_a)
    user_token(actor=pendamping_a, user=pendamping_a, rotate=True)
    assert _with_token(old).get(URL).status_code == 401


def test_an_inactive_users_token_is_refused(pendamping_a):
    key = user_token(actor=pendamping_a, user=pendamping_a)
    pendamping_a.is_active = False
    pendamping_a.save(update_fields=["is_active"])
    response = _with_token(key).get(URL)
    assert response.status_code == 401
    assert "nonaktif" in error_of(response)["message"]
