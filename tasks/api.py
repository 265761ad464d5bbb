"""Preparation tasks over HTTP.

``GET /api/tasks/`` lists the tasks the user may see: office staff (secretary, office head)
and the department head see every task; a responsible person sees only their own. Filters:
``overdue``, ``session``, ``assignee``, ``state`` (repeatable), ``kind``, ``project``.
``POST /api/tasks/{id}/{start|submit|accept|return|cancel}/`` fires a transition (the
assignee starts and submits; the office head accepts, returns with a comment, cancels);
``POST /api/tasks/{id}/result/`` (multipart: ``file`` and/or ``text``) attaches the result.
``GET /api/tasks/overdue-summary/`` counts overdue tasks by session and by person (office head).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.api import OFFICE_READ
from accounts.models import Role
from accounts.substitutions import acts_as
from config.api_schema import error_responses
from lifecycle.api import transition_actions
from lifecycle.kernel import Assignee, fire
from revisions.responses import CachedRepresentations

from . import selectors, uploads
from .exceptions import TaskError
from .filters import TaskFilter
from .handover import task_hand_over
from .lifecycle import TASK
from .models import PreparationTask, TaskEvent
from .serializers import OverdueSummarySerializer, TaskHandOverSerializer, TaskResultSerializer, TaskSerializer


@extend_schema_view(
    list=extend_schema(summary="Задачи подготовки", description=__doc__),
    retrieve=extend_schema(summary="Задача подготовки"),
)
class TaskViewSet(
    CachedRepresentations, transition_actions(TASK, what="задача", response=TaskSerializer), viewsets.ReadOnlyModelViewSet
):
    serializer_class = TaskSerializer
    cached_actions = frozenset({"list"})
    permission_classes = OFFICE_READ
    filterset_class = TaskFilter
    ordering_fields = ["due_date", "id", "state", "created_at"]
    ordering = ["due_date", "id"]

    # Actions that change the row: the service locks and re-reads it, and the answer is read
    # afresh (transition_response), so finding the task needs neither its joins nor its history.
    _CHANGING_ACTIONS = frozenset({*(f"transition_{name}" for name in TASK.names()), "result", "hand_over"})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PreparationTask.objects.none()
        tasks = PreparationTask.objects.visible_to(self.request.user)
        return tasks if self.action in self._CHANGING_ACTIONS else self._shown(tasks)

    @staticmethod
    def _shown(tasks):
        return (
            tasks.with_overdue(today=timezone.localdate())
            .select_related("session", "assignee", "assignment")
            .prefetch_related(Prefetch("events", queryset=TaskEvent.objects.order_by("created_at", "id")))
        )

    def representation_key(self, request, user_id, revisions):
        # What a page depends on: its URL (filters, order, page; the host in its links), the
        # viewer, the day (overdue, substitutions), the tasks' tables ("tasks" counter, tasks.apps)
        # and the sessions, people and substitutions ("plans" counter, workflow.apps).
        return ("tasks", request.build_absolute_uri(), user_id, timezone.localdate(), revisions.get("tasks", 0),
                revisions.get("plans", 0))

    def list(self, request, *args, **kwargs):
        return self.cached_response(request, lambda: super(TaskViewSet, self).list(request, *args, **kwargs))

    def transition_response(self, obj):
        shown = self._shown(PreparationTask.objects.visible_to(self.request.user)).get(pk=obj.pk)
        return Response(self.get_serializer(shown).data)

    def transition_fire(self, name, *, comment, arguments):
        """One read of the task: locked (``select_for_update``, its own row only), with what the
        answer shows (session, assignee, assignment); fired in place in this transaction; the
        answer is that row and its history read after the new history row, in the same
        transaction: what was committed, without reading the task again."""
        with transaction.atomic():
            task = self._locked_task(name)
            fire(obj=task, name=name, by=self.request.user, comment=comment, locked=True, **arguments)
            prefetch_related_objects([task], Prefetch("events", queryset=TaskEvent.objects.order_by("created_at", "id")))
        task.is_overdue = task.days_late() > 0  # what ``with_overdue`` says: pending and past its due date
        return Response(self.get_serializer(task).data)

    def _locked_task(self, name: str) -> PreparationTask:
        """``get_object`` for a transition: the same visibility (404), read with its row lock."""
        user = self.request.user
        visible = PreparationTask.objects.visible_to(user)
        pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if self.request.query_params:  # a filter in the address applies, as get_object would apply it
            get_object_or_404(self.filter_queryset(visible), pk=pk)
        # Only the assignee starts or submits: the one shown as assignee is then the user asking,
        # already read with their token (anyone else is refused without it).
        own = isinstance(TASK.by_name[name].who, Assignee)
        joins = ("session", "assignment") if own else ("session", "assignee", "assignment")
        task = get_object_or_404(visible.select_related(*joins).select_for_update(of=("self",)), pk=pk)
        if task.assignee_id == user.pk:
            task.assignee = user
        self.check_object_permissions(self.request, task)
        return task

    @extend_schema(
        summary="Приложить результат",
        description="Файл и/или текст результата; пока задача назначена или в работе. Исполнитель задачи.",
        request={"multipart/form-data": TaskResultSerializer},
        responses={200: TaskSerializer, **error_responses(400, 403, 404, 409, 413, 415, 503, 507)},
    )
    @action(detail=True, methods=["post"], url_path="result", parser_classes=[MultiPartParser, FormParser])
    def result(self, request, pk=None):
        body = TaskResultSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = self.get_object()
        uploads.task_result_attach(
            task=task, by=request.user, file=body.validated_data.get("file"), text=body.validated_data.get("text")
        )
        return self.transition_response(task)

    @extend_schema(
        summary="Передать задачу другому исполнителю",
        description="Руководитель Проектного офиса (или исполнитель — тогда руководителю сообщается) передаёт "
        "открытую задачу другому человеку с причиной; срок меняется только с причиной. Оба получают письмо.",
        request=TaskHandOverSerializer,
        responses={200: TaskSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        body = TaskHandOverSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = self.get_object()
        task_hand_over(task=task, by=request.user, **body.validated_data)
        return self.transition_response(task)

    @extend_schema(
        summary="Сводка просроченных задач",
        description="Число просроченных задач по заседаниям и по исполнителям. Руководитель Проектного офиса.",
        responses={200: OverdueSummarySerializer, **error_responses(401, 403)},
    )
    @action(detail=False, methods=["get"], url_path="overdue-summary", pagination_class=None, filter_backends=[])
    def overdue_summary(self, request):
        if not acts_as(request.user, Role.OFFICE_HEAD):
            raise TaskError(_("Сводка просроченных задач доступна руководителю Проектного офиса."), code="forbidden",
                            status=403)
        data = selectors.overdue_summary(today=timezone.localdate())
        return Response(OverdueSummarySerializer(data).data)
