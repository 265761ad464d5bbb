"""What accounts does on its own signals."""

from __future__ import annotations

from django.dispatch import receiver

from .services import api_tokens_revoke
from .signals import password_changed


@receiver(password_changed, dispatch_uid="accounts_revoke_api_tokens_on_password_change")
def _revoke_api_tokens(sender, user, **kwargs) -> None:
    api_tokens_revoke(user=user)
