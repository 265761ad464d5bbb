"""What every API of the project shares: the error body and the schema class.

* ``ErrorSerializer`` documents the one error shape of ``config.api_errors``.
* ``AutoSchema`` adds the error responses a view can give (401/403/404 when signed in, 400 on
  filters and input, 409 on writes, 415 on bodies) to every
  operation that does not declare them itself, each with a Russian example. So the schema is
  complete without repeating the same decorator on every view, and a schema-driven fuzzer
  (schemathesis) finds every status code the API really returns documented.
* Transition actions are made by ``lifecycle.api.transition_actions`` from each life cycle's
  declaration.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    code = serializers.CharField(help_text=_("Стабильный машинный код ошибки, например «invalid_state»."))
    detail = serializers.CharField(help_text=_("Сообщение для человека, по-русски."))
    errors = serializers.JSONField(
        required=False,
        help_text=_("Подробности: ошибки по полям (объект) или по строкам импортируемого файла (список)."),
    )

    class Meta:
        ref_name = "Error"


def _example(name: str, code: str, detail: str, errors=None) -> OpenApiExample:
    value = {"code": code, "detail": detail}
    if errors is not None:
        value["errors"] = errors
    return OpenApiExample(name, value=value, response_only=True)


ERROR_EXAMPLES: dict[int, list[OpenApiExample]] = {
    400: [
        _example(
            "Неверные данные",
            "invalid",
            "Проверьте введённые данные: Обязательное поле.",
            {"text": ["Обязательное поле."]},
        ),
        _example(
            "Нужен комментарий",
            "comment_required",
            "Укажите комментарий: возврат на доработку без комментария невозможен.",
        ),
    ],
    401: [_example("Не выполнен вход", "not_authenticated", "Учетные данные не были предоставлены.")],
    403: [
        _example("Нет прав", "forbidden", "Действие «Согласовать» вам недоступно: оно выполняется другой ролью."),
    ],
    404: [_example("Не найдено", "not_found", "Объект не найден или недоступен.")],
    409: [
        _example(
            "Неподходящее состояние",
            "invalid_state",
            "Действие «Утвердить» невозможно: текущее состояние — «На согласовании».",
        ),
        _example(
            "Одновременное изменение", "conflict", "Состояние уже изменено другим пользователем: теперь «Согласовано»."
        ),
        _example(
            "Не редактируется", "not_editable", "План уже не черновик: изменить его можно только через согласование."
        ),
    ],
    415: [
        _example(
            "Неподдерживаемый формат", "unsupported_media_type", "Неподдерживаемый тип данных «text/plain» в запросе."
        )
    ],
}

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: _("Неверные данные, фильтр или отсутствует обязательный комментарий."),
    401: _("Не выполнен вход: нужен заголовок «Authorization: Token …» или сессия."),
    403: _("Роль пользователя не позволяет это действие."),
    404: _("Объект не существует или не виден пользователю; или нет такой страницы списка."),
    409: _("Состояние объекта не позволяет действие, или его только что изменил другой пользователь."),
    413: _("Файл слишком большой."),
    415: _("Неподдерживаемый тип тела запроса."),
    503: _("Хранилище файлов недоступно; ничего не сохранено."),
    507: _("На сервере закончилось место; ничего не сохранено."),
}


def error_response(status: int, description: str | None = None) -> OpenApiResponse:
    return OpenApiResponse(
        response=ErrorSerializer,
        description=str(description or ERROR_DESCRIPTIONS[status]),
        examples=ERROR_EXAMPLES.get(status, []),
    )


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """For ``@extend_schema(responses={200: X, **error_responses(400, 409)})``."""
    return {status: error_response(status) for status in statuses}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema plus the error responses each operation can give."""

    def _error_statuses(self) -> set[int]:
        view = self.view
        permissions = getattr(view, "permission_classes", ())
        anonymous = any(p is AllowAny for p in permissions) or not permissions
        # Signed-in operations may always answer 404: an unknown or invisible object, a page
        # past the end of a list, or something the view looks up for the caller.
        statuses: set[int] = set() if anonymous else {401, 403, 404}
        if self.method == "GET" and self._is_list_view() and "{" not in self.path:
            statuses.add(400)  # a bad filter value
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.update({400, 415})
        if self.method in ("POST", "PUT", "PATCH", "DELETE") and not anonymous:
            statuses.add(409)
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        for status in sorted(self._error_statuses()):
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(error_response(status), str(status))
        return responses
