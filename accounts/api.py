"""People and responsible groups (read-only), the API's permissions and the token endpoint.

Nothing in the API is readable anonymously (401). A signed-in user without a role in the
office (role "") gets 403 on every resource: they have nothing to do here. Writes to plans,
sessions, items and projects are for office staff (secretary, office head); the others read.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from config.api_schema import error_responses

from .models import ResponsibleGroup, User
from .serializers import PersonSerializer, ResponsibleGroupSerializer


class HasOfficeRole(permissions.BasePermission):
    """Signed in, active and with a role in the office."""

    message = _("У вас нет роли в Проектном офисе: обратитесь к секретарю.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.role)


class OfficeStaffWrites(permissions.BasePermission):
    """Reading for every role; writing for the secretary and the office head.

    Transition actions (``config.api_schema.transition_action``) are open to every role:
    whether this role may fire this transition from this state is the service's answer.
    """

    message = _("Изменять план может только секретарь или руководитель Проектного офиса.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        handler = getattr(view, getattr(view, "action", None) or "", None)
        if getattr(handler, "role_checked_by_service", False):
            return True  # transitions: the approval rules say which role may fire which
        return bool(request.user.is_office_staff)


OFFICE_READ = [HasOfficeRole]
OFFICE_WRITE = [HasOfficeRole, OfficeStaffWrites]


@extend_schema_view(
    list=extend_schema(summary="Список людей", description="Пользователи системы: ФИО, должность, роль, группы."),
    retrieve=extend_schema(summary="Человек"),
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    permission_classes = OFFICE_READ
    filterset_fields = {"role": ["exact"], "responsible_groups": ["exact"], "is_active": ["exact"]}
    ordering_fields = ["short_name", "username", "full_name", "id"]
    ordering = ["short_name", "username"]

    def get_queryset(self):
        return User.objects.filter(is_active=True).prefetch_related(
            Prefetch("responsible_groups", queryset=ResponsibleGroup.objects.only("id"))
        )

    @extend_schema(summary="Текущий пользователь", responses={200: PersonSerializer, **error_responses(401, 403)})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def me(self, request):
        return Response(PersonSerializer(request.user).data)


@extend_schema_view(
    list=extend_schema(summary="Группы ответственных"),
    retrieve=extend_schema(summary="Группа ответственных"),
)
class ResponsibleGroupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResponsibleGroupSerializer
    permission_classes = OFFICE_READ
    filterset_fields = {"members": ["exact"]}
    ordering_fields = ["name", "id"]
    ordering = ["name"]

    def get_queryset(self):
        return ResponsibleGroup.objects.prefetch_related(Prefetch("members", queryset=User.objects.only("id")))


@extend_schema(
    summary="Получить токен",
    description="Обменять логин и пароль на токен. Дальше передавайте заголовок «Authorization: Token <токен>».",
    examples=[
        OpenApiExample("Вход", value={"username": "secretary", "password": "пароль"}, request_only=True),
        OpenApiExample("Токен", value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"}, response_only=True),
    ],
    tags=["auth"],
)
class TokenView(ObtainAuthToken):
    """DRF's token view; the schema extension of drf-spectacular describes its body."""

    # DRF's view names its own parsers; the project's (deep JSON refused with 400) apply here too.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
