"""The plan domain over HTTP: plans, sessions, agenda items, projects.

Who sees what is ``workflow.visibility``; who may write is ``accounts.api`` (office staff);
the rules of editing drafts are ``workflow.edit_services``; states change only through the
transition actions made from each life cycle's declaration (``lifecycle.api``). Views validate, call a
service and serialize.

Querying: every list and detail runs a fixed number of queries, whatever the number of
items — related rows come with ``select_related`` / ``Prefetch``, counts as subqueries, and a
plan's tree is built in Python from one query of its items.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api import OFFICE_WRITE
from accounts.models import User
from approvals.models import Decision
from approvals.serializers import DecisionSerializer
from config.api_schema import error_responses
from lifecycle.api import transition_actions
from revisions.responses import CachedRepresentations

from . import edit_services
from .filters import AgendaItemFilter, PlanFilter, ProjectFilter, SessionFilter
from .lifecycles import AGENDA_ITEM, PLAN, SESSION
from .models import Plan, Project, Responsibility
from .selectors import plan_approval_sheet, plan_detail, plan_tree, plans_counted
from .serializers import (
    AgendaItemSerializer,
    AgendaItemUpdateSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    ProjectSerializer,
    SessionPostponeSerializer,
    SessionScheduleSerializer,
    SessionSerializer,
    SessionUpdateSerializer,
)
from .visibility import items_visible, sessions_visible

PLAN_EXAMPLE = OpenApiExample(
    "Новый план",
    value={
        "year": 2024,
        "title": "План заседаний Проектного офиса на 2024 год",
        "approver_position": "руководитель департамента образования, координатор проектного управления",
        "approver_name": "Л.М.Лебедева",
        "agreer_position": "руководитель Проектного офиса",
        "agreer_name": "О.А.Сергеева",
    },
    request_only=True,
)
ITEM_EXAMPLE = OpenApiExample(
    "Новая тема",
    value={
        "session": 1,
        "text": "О ходе реализации городского сетевого проекта «Школа — территория здоровья»",
        "responsible_persons": [2],
        "responsible_groups": [1],
    },
    request_only=True,
)


def _responsibilities() -> Prefetch:
    return Prefetch("responsibilities", queryset=Responsibility.objects.select_related("person", "group"))


# --- Plans ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Планы заседаний",
        description="Секретарь, руководители видят все планы; ответственные — начиная с «На "
        "согласовании»; без роли — 403.",
    ),
    retrieve=extend_schema(
        summary="План с заседаниями и темами",
        description="Заседания по номеру, в каждом — темы по порядку, с подтемами в `children`.",
    ),
    create=extend_schema(
        summary="Создать план (черновик)",
        request=PlanSerializer,
        responses={201: PlanDetailSerializer},
        examples=[PLAN_EXAMPLE],
    ),
    update=extend_schema(
        summary="Изменить черновик плана", request=PlanSerializer, responses={200: PlanDetailSerializer}
    ),
    partial_update=extend_schema(
        summary="Изменить черновик плана (частично)", request=PlanSerializer, responses={200: PlanDetailSerializer}
    ),
    destroy=extend_schema(summary="Удалить черновик плана", description="Только черновик без листа согласования."),
)
class PlanViewSet(
    CachedRepresentations, transition_actions(PLAN, what="план", response=PlanDetailSerializer), viewsets.ModelViewSet
):
    permission_classes = OFFICE_WRITE
    cached_actions = frozenset({"retrieve"})
    filterset_class = PlanFilter
    ordering_fields = ["year", "title", "state", "created_at", "updated_at", "id"]
    ordering = ["-year", "office", "id"]

    def get_queryset(self):
        return plans_counted(user=self.request.user)

    def get_serializer_class(self):
        if self.action in ("list", "create", "update", "partial_update"):
            return PlanSerializer
        if self.action == "decisions":
            return DecisionSerializer
        return PlanDetailSerializer

    def _detail(self, plan: Plan, status_code=status.HTTP_200_OK):
        fresh = plan_detail(plan=plan, user=self.request.user)
        return Response(PlanDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def representation_key(self, request, user_id, revisions):
        # What the plan's body depends on: the plan, the viewer, the day (substitutions), and the
        # "plans" counter, moved by the plan's tables, names and the viewer's roles (workflow.apps).
        return ("plan", self.kwargs[self.lookup_url_kwarg or self.lookup_field], user_id, timezone.localdate(),
                revisions.get("plans", 0))

    def retrieve(self, request, *args, **kwargs):
        return self.cached_response(request, self._retrieve)

    def _retrieve(self):
        plan = plan_tree(plan=self.get_object(), user=self.request.user)
        return Response(PlanDetailSerializer(plan, context=self.get_serializer_context()).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = edit_services.plan_create(by=request.user, **serializer.validated_data)
        return self._detail(plan, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = self.get_serializer(plan, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        edit_services.plan_update(plan=plan, by=request.user, **serializer.validated_data)
        return self._detail(plan)

    def perform_destroy(self, instance):
        edit_services.plan_delete(plan=instance, by=self.request.user)

    def transition_response(self, obj):
        return self._detail(obj)

    @extend_schema(
        summary="Лист согласования плана",
        description=(
            "Решения по плану (кто, должность на тот момент, когда, комментарий) и собственные решения по его "
            "пунктам — изменениям к утверждённому плану. Пункты, которые прошли цикл вместе с планом, здесь не "
            "повторяются: у решения по плану `carried_items` — сколько пунктов изменили состояние вместе с ним; "
            "полный журнал пункта — /api/agenda-items/{id}/decisions/."
        ),
        responses={200: DecisionSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def decisions(self, request, pk=None):
        rows = plan_approval_sheet(plan=self.get_object(), user=request.user)
        return Response(DecisionSerializer(rows, many=True, context=self.get_serializer_context()).data)


# --- Sessions ------------------------------------------------------------------------------


_SESSION_BODIES = {"schedule": SessionScheduleSerializer, "postpone": SessionPostponeSerializer}
_SESSION_EXAMPLES = {
    "schedule": [OpenApiExample(
        "Дата", request_only=True, value={"starts_at": "2023-02-16T15:00:00+03:00", "place": "Зал коллегии"}
    )],
    "postpone": [OpenApiExample("Новый месяц", request_only=True, value={"planned_month": "2023-03-01"})],
}



@extend_schema_view(
    list=extend_schema(summary="Заседания"),
    retrieve=extend_schema(summary="Заседание"),
    create=extend_schema(
        summary="Добавить заседание в черновик плана",
        examples=[OpenApiExample("Заседание", request_only=True, value={"plan": 1, "planned_month": "2023-02-01"})],
    ),
    update=extend_schema(summary="Изменить заседание черновика", request=SessionUpdateSerializer),
    partial_update=extend_schema(summary="Изменить заседание черновика (частично)", request=SessionUpdateSerializer),
    destroy=extend_schema(summary="Удалить заседание из черновика"),
)
class SessionViewSet(
    transition_actions(SESSION, what="заседание", response=SessionSerializer, bodies=_SESSION_BODIES,
                       examples=_SESSION_EXAMPLES, every_role=False),
    viewsets.ModelViewSet,
):
    permission_classes = OFFICE_WRITE
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering_fields = ["number", "planned_month", "period_start", "starts_at", "state", "id"]
    ordering = ["-plan__year", "number", "id"]

    def get_queryset(self):
        # The plan's state is one of the sessions' transition conditions (archived: no change).
        return sessions_visible(user=self.request.user).select_related("plan")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return SessionUpdateSerializer
        return SessionSerializer

    def perform_create(self, serializer):
        serializer.instance = edit_services.session_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        edit_services.session_update(session=serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        edit_services.session_delete(session=instance, by=self.request.user)


# --- Agenda items --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Пункты повестки"),
    retrieve=extend_schema(summary="Пункт повестки"),
    create=extend_schema(
        summary="Добавить тему",
        description="В черновик плана — обычный пункт; в утверждённый план — изменение (`is_amendment`), которое "
        "проходит согласование и утверждение отдельно. В остальных состояниях — 409.",
        examples=[ITEM_EXAMPLE],
    ),
    update=extend_schema(summary="Изменить тему черновика", request=AgendaItemUpdateSerializer),
    partial_update=extend_schema(summary="Изменить тему черновика (частично)", request=AgendaItemUpdateSerializer),
    destroy=extend_schema(summary="Удалить тему из черновика"),
)
class AgendaItemViewSet(
    transition_actions(AGENDA_ITEM, what="пункт повестки", response=AgendaItemSerializer), viewsets.ModelViewSet
):
    permission_classes = OFFICE_WRITE
    serializer_class = AgendaItemSerializer
    filterset_class = AgendaItemFilter
    ordering_fields = ["id", "order", "state", "text"]

    def get_queryset(self):
        return (
            items_visible(user=self.request.user)
            .select_related("plan", "project")
            .prefetch_related(_responsibilities())
            .order_by("-plan__year", "plan_id", "session__number", "parent_id", "order", "id")
        )

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return AgendaItemUpdateSerializer
        if self.action == "decisions":
            return DecisionSerializer
        return AgendaItemSerializer

    @staticmethod
    def _service_kwargs(data: dict) -> dict:
        data = dict(data)
        if "responsible_persons" in data:
            data["persons"] = data.pop("responsible_persons")
        if "responsible_groups" in data:
            data["groups"] = data.pop("responsible_groups")
        return data

    def perform_create(self, serializer):
        serializer.instance = edit_services.item_create(
            by=self.request.user, **self._service_kwargs(serializer.validated_data)
        )

    def perform_update(self, serializer):
        edit_services.item_update(
            item=serializer.instance, by=self.request.user, **self._service_kwargs(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        edit_services.item_delete(item=instance, by=self.request.user)

    def _fresh(self, item):
        return Response(
            AgendaItemSerializer(self.get_queryset().get(pk=item.pk), context=self.get_serializer_context()).data
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        response = self._fresh(serializer.instance)
        response.status_code = status.HTTP_201_CREATED
        return response

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = self.get_serializer(item, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return self._fresh(item)

    def transition_response(self, obj):
        return self._fresh(obj)

    @extend_schema(
        summary="Журнал решений по пункту",
        description="Все решения по пункту: собственные и принятые вместе с планом (`carried_by`).",
        responses={200: DecisionSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def decisions(self, request, pk=None):
        item = self.get_object()
        rows = Decision.objects.for_object(item).select_related("content_type").order_by("created_at", "id")
        for decision in rows:
            decision.subject = item.text
        return Response(DecisionSerializer(rows, many=True, context=self.get_serializer_context()).data)


# --- Projects ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Проекты"),
    retrieve=extend_schema(summary="Проект"),
    create=extend_schema(
        summary="Добавить проект",
        examples=[
            OpenApiExample(
                "Проект",
                request_only=True,
                value={"name": "Школа — территория здоровья", "kind": "network", "leads": [2]},
            )
        ],
    ),
    update=extend_schema(summary="Изменить проект"),
    partial_update=extend_schema(
        summary="Изменить проект (частично)", description='Например, назначить руководителей: `{"leads": [2, 5]}`.'
    ),
    destroy=extend_schema(summary="Удалить проект", description="Проект, упомянутый в пунктах повестки, — 409."),
)
class ProjectViewSet(viewsets.ModelViewSet):
    permission_classes = OFFICE_WRITE
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["name", "kind", "id"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return Project.objects.prefetch_related(Prefetch("leads", queryset=User.objects.only("id")))

    def perform_create(self, serializer):
        serializer.instance = edit_services.project_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        edit_services.project_update(project=serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        edit_services.project_delete(project=instance, by=self.request.user)
