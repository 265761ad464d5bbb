"""API clients signed in as the personas, by token (as another system would call the API)."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

# The pages' fixtures, for the task list's freshness: the seed plan's December tasks assigned as
# of 20 November 2023, with the time frozen there.
from tests.web.conftest import december_tasks, frozen  # noqa: F401


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api_as(db):
    """``api_as(user)`` -> an APIClient sending that user's token; ``api_as(None)`` is anonymous."""
    from revisions.triggers import installed

    installed()  # asked once per process: not inside a test's count of queries
    return token_client
