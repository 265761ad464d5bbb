"""``/api/substitutions/``: who acts for whom, when.

Listed for everyone with a role: the office staff and the department head see all; others the
substitutions they take part in. Created by the person replaced or the department head (staff
also in the admin); changed while they have not started; ``POST …/{id}/end/`` ends one early.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api_schema import error_responses

from .api import OFFICE_READ
from .models import Role, Substitution, User
from .substitutions import substitution_create, substitution_end, substitution_state, substitution_update


class SubstitutionSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text=_("Кто исполняет обязанности.")
    )
    replaces = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text=_("Кого замещает.")
    )
    person_name = serializers.CharField(source="person.__str__", read_only=True)
    replaces_name = serializers.CharField(source="replaces.__str__", read_only=True)
    state = serializers.SerializerMethodField(help_text=_("planned — ещё не началось, running — идёт, ended — окончено."))

    class Meta:
        model = Substitution
        fields = ["id", "person", "person_name", "replaces", "replaces_name", "starts_on", "ends_on", "comment",
                  "copy_to_replaced", "state", "created_by", "created_at", "ended_at"]
        read_only_fields = ["created_by", "created_at", "ended_at"]
        extra_kwargs = {"comment": {"required": False}, "copy_to_replaced": {"required": False}}

    def get_state(self, sub) -> str:
        return substitution_state(sub)


class SubstitutionUpdateSerializer(SubstitutionSerializer):
    class Meta(SubstitutionSerializer.Meta):
        read_only_fields = [*SubstitutionSerializer.Meta.read_only_fields, "replaces"]


EXAMPLE = OpenApiExample(
    "Отпуск руководителя офиса", request_only=True,
    value={"person": 5, "replaces": 2, "starts_on": "2026-12-01", "ends_on": "2026-12-14",
           "comment": "Отпуск", "copy_to_replaced": False},
)


@extend_schema_view(
    list=extend_schema(summary="Замещения"),
    retrieve=extend_schema(summary="Замещение"),
    create=extend_schema(summary="Оформить замещение", examples=[EXAMPLE]),
    update=extend_schema(summary="Изменить замещение (пока не началось)", request=SubstitutionUpdateSerializer),
    partial_update=extend_schema(summary="Изменить замещение (частично)", request=SubstitutionUpdateSerializer),
)
class SubstitutionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SubstitutionSerializer
    permission_classes = OFFICE_READ
    filterset_fields = {"person": ["exact"], "replaces": ["exact"]}
    ordering_fields = ["starts_on", "ends_on", "id"]
    ordering = ["-starts_on", "-id"]

    def get_queryset(self):
        subs = Substitution.objects.select_related("person", "replaces")
        if getattr(self, "swagger_fake_view", False):
            return subs.none()
        user = self.request.user
        if user.role in (Role.SECRETARY, Role.OFFICE_HEAD, Role.DEPARTMENT_HEAD) or user.is_superuser:
            return subs
        return subs.filter(Q(person=user) | Q(replaces=user))

    def get_serializer_class(self):
        return SubstitutionUpdateSerializer if self.action in ("update", "partial_update") else SubstitutionSerializer

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        sub = substitution_create(by=request.user, **body.validated_data)
        return Response(SubstitutionSerializer(sub).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        sub = self.get_object()
        body = self.get_serializer(sub, data=request.data, partial=kwargs.get("partial", False))
        body.is_valid(raise_exception=True)
        substitution_update(sub=sub, by=request.user, **body.validated_data)
        return Response(SubstitutionSerializer(self.get_queryset().get(pk=sub.pk)).data)

    @extend_schema(summary="Завершить замещение досрочно", request=None,
                   responses={200: SubstitutionSerializer, **error_responses(403, 404, 409)})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        sub = substitution_end(sub=self.get_object(), by=request.user)
        return Response(SubstitutionSerializer(sub).data)
