"""What the API tests share: a client holding a story user's token, and the one error shape."""

from rest_framework.test import APIClient

from atensi.accounts.services import user_token


def client_for(user=None, *, language: str | None = None) -> APIClient:
    """Returns an API client using `user`'s token (anonymous without a user)."""
    client = APIClient()
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Token {user_token(actor=user, user=user)}"
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client


def error_of(response) -> dict:
    """Returns the body's {"code", "message", "details"}, checking the one error shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]
