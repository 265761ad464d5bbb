"""The plan domain over HTTP: plans, sessions, agenda items, projects.

Who sees what is ``workflow.visibility``; who may write is ``accounts.api`` (office staff);
the rules of editing drafts are ``workflow.edit_services``; states change only through the
transition actions (``approvals.api``) and the session actions below. Views validate, call a
service and serialize.

Querying: every list and detail runs a fixed number of queries, whatever the number of
items — related rows come with ``select_related`` / ``Prefetch``, counts as subqueries, and a
plan's tree is built in Python from one query of its items.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api import OFFICE_WRITE
from accounts.models import User
from approvals.api import ApprovalTransitionsMixin, approval_transition_actions
from approvals.models import ApprovalState, Decision
from approvals.serializers import DecisionSerializer
from config.api_schema import error_responses

from . import edit_services, services
from .filters import AgendaItemFilter, PlanFilter, ProjectFilter, SessionFilter
from .models import AgendaItem, Plan, Project, Responsibility, Session
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
    attach_tree,
)
from .visibility import items_visible, plans_visible, sees_drafts, sessions_visible

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


def _count(model, fk: str, queryset=None):
    rows = (queryset if queryset is not None else model.objects.all()).filter(**{fk: OuterRef("pk")})
    counted = rows.order_by().values(fk).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _responsibilities() -> Prefetch:
    return Prefetch("responsibilities", queryset=Responsibility.objects.select_related("person", "group"))


def _items_seen_in_plans(user: User):
    """Items a user sees inside a plan they see (drafts of a plan only by those who see drafts)."""
    return AgendaItem.objects.all() if sees_drafts(user) else AgendaItem.objects.exclude(state=ApprovalState.DRAFT)


# What User.__str__ reads, in the model's field order (as User.from_db takes them).
_PERSON_NAME_FIELDS = tuple(
    f.attname
    for f in User._meta.concrete_fields
    if f.attname in {"id", "short_name", "first_name", "last_name", "username"}
)


def _responsibles_attach(plan: Plan, items: list[AgendaItem]) -> None:
    """Set each item's ``tree_responsibles`` (kind, id and name, in document order), as the
    plan's tree shows them, from one query of plain rows: prefetching model objects for
    hundreds of items cost more than the rest of the plan's response."""
    by_item = {}
    for item in items:
        item.tree_responsibles = by_item[item.pk] = []
    rows = (
        Responsibility.objects.filter(item__plan=plan)
        .order_by("item_id", "order", "id")
        .values_list("item_id", "group_id", "group__name", *(f"person__{name}" for name in _PERSON_NAME_FIELDS))
    )
    names: dict[int, str] = {}
    for item_id, group_id, group_name, *person in rows:
        if item_id not in by_item:
            continue  # an item this user does not see
        person_id = person[0]
        if person_id is None:
            by_item[item_id].append({"kind": "group", "id": group_id, "name": group_name})
            continue
        if person_id not in names:
            names[person_id] = str(User.from_db("default", _PERSON_NAME_FIELDS, person))
        by_item[item_id].append({"kind": "person", "id": person_id, "name": names[person_id]})


def _plan_tree(plan: Plan, user: User) -> Plan:
    """``plan`` with its sessions and the items ``user`` sees hung on it as a tree
    (``attach_tree``): three queries whatever the plan's size."""
    sessions = list(Session.objects.filter(plan=plan).order_by("number"))
    items = list(_items_seen_in_plans(user).filter(plan=plan).select_related("project").order_by("order", "id"))
    _responsibles_attach(plan, items)
    return attach_tree(plan, items, sessions)


def plans_counted(*, user: User):
    """The plans ``user`` sees, each with its number of sessions and of items ``user`` sees."""
    return plans_visible(user=user).annotate(
        sessions_count=_count(Session, "plan"),
        items_count=_count(AgendaItem, "plan", _items_seen_in_plans(user)),
    )


def plan_detail(*, plan: Plan, user: User) -> Plan:
    """``plan`` as ``PlanDetailSerializer`` shows it to ``user``, read afresh: counts and tree.
    The plan views answer with it, and so does the import (``documents.api``)."""
    return _plan_tree(plans_counted(user=user).get(pk=plan.pk), user)


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
class PlanViewSet(ApprovalTransitionsMixin, viewsets.ModelViewSet):
    permission_classes = OFFICE_WRITE
    filterset_class = PlanFilter
    ordering_fields = ["year", "title", "state", "created_at", "updated_at", "id"]
    ordering = ["-year", "office", "id"]

    (transition_submit, transition_agree, transition_approve, transition_return, transition_archive) = (
        approval_transition_actions(PlanDetailSerializer, what="план")
    )

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

    def retrieve(self, request, *args, **kwargs):
        plan = _plan_tree(self.get_object(), request.user)
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
        plan = self.get_object()
        plan_type = ContentType.objects.get_for_model(Plan)
        item_type = ContentType.objects.get_for_model(AgendaItem)
        visible_items = items_visible(user=request.user).filter(plan=plan).values("pk")
        rows = list(
            Decision.objects.filter(
                Q(content_type=plan_type, object_id=plan.pk)
                | Q(content_type=item_type, object_id__in=visible_items, carried_by__isnull=True)
            )
            .select_related("content_type")
            .annotate(carried_count=Count("carried"))
            .order_by("created_at", "id")
        )
        texts = dict(
            AgendaItem.objects.filter(
                pk__in=[d.object_id for d in rows if d.content_type_id == item_type.pk]
            ).values_list("pk", "text")
        )
        for decision in rows:
            decision.subject = (
                str(plan) if decision.content_type_id == plan_type.pk else texts.get(decision.object_id, "")
            )
        return Response(DecisionSerializer(rows, many=True, context=self.get_serializer_context()).data)


# --- Sessions ------------------------------------------------------------------------------


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
class SessionViewSet(viewsets.ModelViewSet):
    permission_classes = OFFICE_WRITE
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering_fields = ["number", "planned_month", "starts_at", "state", "id"]
    ordering = ["-plan__year", "number", "id"]

    def get_queryset(self):
        return sessions_visible(user=self.request.user)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return SessionUpdateSerializer
        return {
            "schedule": SessionScheduleSerializer,
            "postpone": SessionPostponeSerializer,
        }.get(self.action, SessionSerializer)

    def perform_create(self, serializer):
        serializer.instance = edit_services.session_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        edit_services.session_update(session=serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        edit_services.session_delete(session=instance, by=self.request.user)

    def _fire(self, request, service, body_serializer=None):
        session = self.get_object()
        kwargs = {}
        if body_serializer is not None:
            body = body_serializer(data=request.data)
            body.is_valid(raise_exception=True)
            kwargs = body.validated_data
        service(session=session, by=request.user, **kwargs)
        fresh = self.get_queryset().get(pk=session.pk)
        return Response(SessionSerializer(fresh, context=self.get_serializer_context()).data)

    _SESSION_ERRORS = error_responses(400, 403, 404, 409)

    @extend_schema(
        summary="Назначить дату заседания",
        request=SessionScheduleSerializer,
        responses={200: SessionSerializer, **_SESSION_ERRORS},
        examples=[
            OpenApiExample(
                "Дата", request_only=True, value={"starts_at": "2023-02-16T15:00:00+03:00", "place": "Зал коллегии"}
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        return self._fire(request, services.session_schedule, SessionScheduleSerializer)

    @extend_schema(
        summary="Перенести заседание",
        request=SessionPostponeSerializer,
        responses={200: SessionSerializer, **_SESSION_ERRORS},
        examples=[OpenApiExample("Новый месяц", request_only=True, value={"planned_month": "2023-03-01"})],
    )
    @action(detail=True, methods=["post"])
    def postpone(self, request, pk=None):
        return self._fire(request, services.session_postpone, SessionPostponeSerializer)

    @extend_schema(summary="Отменить заседание", request=None, responses={200: SessionSerializer, **_SESSION_ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._fire(request, services.session_cancel)

    @extend_schema(
        summary="Отметить заседание проведённым", request=None, responses={200: SessionSerializer, **_SESSION_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._fire(request, services.session_hold)


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
class AgendaItemViewSet(ApprovalTransitionsMixin, viewsets.ModelViewSet):
    permission_classes = OFFICE_WRITE
    serializer_class = AgendaItemSerializer
    filterset_class = AgendaItemFilter
    ordering_fields = ["id", "order", "state", "text"]

    (transition_submit, transition_agree, transition_approve, transition_return, transition_archive) = (
        approval_transition_actions(AgendaItemSerializer, what="пункт повестки")
    )

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
