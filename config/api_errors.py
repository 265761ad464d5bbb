"""One JSON shape for every API error: ``{"code": "...", "detail": "...", "errors": {...}}``.

``code`` is stable and machine-readable; ``detail`` is a readable Russian sentence;
``errors`` (optional) holds per-field or per-line problems.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.errors import DatabaseBusy, DomainError, database_busy

_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
}
# DRF's own codes, renamed to the project's where they mean the same.
_DRF_CODES = {"permission_denied": "forbidden", "authentication_failed": "not_authenticated"}


def _first_message(data) -> str:
    if isinstance(data, dict):
        for value in data.values():
            return _first_message(value)
    if isinstance(data, list) and data:
        return _first_message(data[0])
    return str(data)


def api_exception_handler(exc, context):
    if database_busy(exc):
        exc = DatabaseBusy()
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.details:
            body["errors"] = exc.details
        return Response(body, status=exc.status)
    if isinstance(exc, OverflowError | DataError):
        # A number or value the database cannot hold (e.g. an id of 25 digits in a filter).
        exc = exceptions.ValidationError({"detail": [_("Значение вне допустимого диапазона.")]})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Объект не найден или недоступен."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = _CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = _("Проверьте введённые данные: %(problem)s") % {"problem": _first_message(response.data)}
        response.data = {"code": code, "detail": detail, "errors": response.data}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        detail_code = getattr(detail, "code", None)
        response.data = {"code": _DRF_CODES.get(detail_code, detail_code) or code, "detail": str(detail)}
        if response.status_code == status.HTTP_401_UNAUTHORIZED:
            response.data["code"] = "not_authenticated"
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def database_busy_response(request):
    """A write that waited too long for the database (config.errors.DatabaseBusy): 409 in the
    error shape under /api/, the "action not available" page with the message elsewhere."""
    error = DatabaseBusy()
    if _is_api(request):
        return JsonResponse({"code": error.code, "detail": error.message}, status=error.status)
    return render(request, "403.html", {"exception": error.message}, status=error.status)


def not_found(request, exception=None):
    """``handler404``: the error shape for URLs under /api/ that match nothing; HTML elsewhere."""
    if _is_api(request):
        return JsonResponse({"code": "not_found", "detail": _("Объект не найден или недоступен.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """``handler500``: the error shape under /api/; the plain 500 page elsewhere."""
    if _is_api(request):
        return JsonResponse(
            {"code": "server_error", "detail": _("Внутренняя ошибка сервера. Попробуйте позже.")}, status=500
        )
    return defaults.server_error(request)
