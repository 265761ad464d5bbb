"""Writes on accounts that other parts of the system trigger."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from rest_framework.authtoken.models import Token


def api_tokens_revoke(*, user: AbstractBaseUser) -> int:
    """Delete every API token of ``user``: requests with them get 401. The number deleted."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted
