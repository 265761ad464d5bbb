"""Signing in and out of the API, and what a locked-out login gets.

* ``POST /api/auth/token/`` — DRF's token exchange (``accounts.api.TokenView``), plus the
  login rate limit: django-axes counts failures for a username from an address (settings:
  ``AXES_*``); once locked, even the right password gets 429 ``throttled`` until the cool-off
  ends.
* ``POST /api/auth/logout/`` — revokes the caller's token: the same key then gets 401.
* ``lockout_response`` — axes' lockout answer for the login form and the admin login
  (``AXES_LOCKOUT_CALLABLE``): 429 with a Russian message, JSON under ``/api/``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_schema import ErrorSerializer, error_response, error_responses

from .api import TokenView


class AuthTokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Передавайте в заголовке «Authorization: Token <токен>».")


def lockout_message() -> str:
    hours = float(settings.AXES_COOLOFF_TIME or 0)
    minutes = max(1, round(hours * 60))
    return _(
        "Слишком много неудачных попыток входа. Вход для этого пользователя с вашего адреса "
        "заблокирован на %(minutes)s мин. Если вы забыли пароль, обратитесь к секретарю Проектного офиса."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """What a locked-out login attempt gets (axes' ``AXES_LOCKOUT_CALLABLE``)."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "throttled", "detail": message}, status=429)
    body = (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>'
        + escape(_("Вход временно заблокирован"))
        + "</title></head><body><h1>"
        + escape(_("Вход временно заблокирован"))
        + "</h1><p>"
        + escape(message)
        + "</p></body></html>"
    )
    return HttpResponse(body, status=429, content_type="text/html; charset=utf-8")


class TokenObtainView(TokenView):
    """The token exchange, answering 429 once axes has locked the username out."""

    @extend_schema(
        responses={
            200: AuthTokenResponseSerializer,
            **error_responses(400),
            429: OpenApiResponse(ErrorSerializer, description="Вход заблокирован: слишком много неудачных попыток."),
        }
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            # axes flags the DRF request it was given, not the HttpRequest its middleware sees.
            if getattr(request, "axes_locked_out", False):
                raise exceptions.Throttled(detail=lockout_message()) from None
            raise
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        # A token exchange is a login: axes resets the failure count, Django stamps last_login.
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": token.key})


class LogoutView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Отозвать токен",
        description="Удаляет токен текущего пользователя: с ним API дальше отвечает 401. "
        "Новый токен — через POST /api/auth/token/.",
        request=None,
        responses={204: OpenApiResponse(description="Токен отозван."), 401: error_response(401)},
        tags=["auth"],
    )
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
