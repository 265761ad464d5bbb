"""The API's token authentication: DRF's, and in the same query whether the user stands in for
someone today, so that the roles every request asks about (``substitutions.roles_now``) need no
query of their own for the people who stand in for no one (nearly everyone, nearly always)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication

from .substitutions import acting_for_found, stands_in_sql


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        day = timezone.localdate()
        model = self.get_model()
        try:
            token = (
                model.objects.select_related("user")
                .annotate(user_stands_in=stands_in_sql(day=day, person_column=f'"{model._meta.db_table}"."user_id"'))
                .get(key=key)
            )
        except model.DoesNotExist:
            token = None
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # DRF's refusal, in its words
        acting_for_found(token.user, day=day, stands_in=token.user_stands_in)
        return token.user, token
