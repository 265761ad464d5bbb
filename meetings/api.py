"""The meetings over HTTP.

* ``/api/protocols/``: list, read, create (the secretary, for a held session: entries are
  pre-filled from the agenda unless given), update while a draft; ``POST /api/protocols/{id}/
  {submit|agree|approve|return|archive}/`` (the plan's life cycle), ``GET …/{id}/decisions/``
  (the approval sheet), ``GET …/{id}/export/?format=docx|pdf``;
* ``/api/sessions/{id}/agenda/?format=docx|pdf`` and ``/api/sessions/{id}/materials/`` (ZIP);
* ``POST /api/assignment-tasks/{id}/extend/`` — a new due date with a reason;
* ``GET /api/assignments/status/?protocol=&person=&from=&to=`` and ``…/status/export/?format=docx|pdf``.
"""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import OFFICE_READ
from accounts.models import Role
from approvals.models import Decision
from approvals.serializers import DecisionSerializer
from config.api_downloads import FileDownloadNegotiation
from config.api_schema import error_responses
from documents.api import _FILE_RESPONSES as FILE_RESPONSES
from documents.api import _FORMAT_PARAMETER as FORMAT_PARAMETER
from documents.api import _download, _requested_format
from documents.pdf import docx_to_pdf
from lifecycle.api import transition_actions
from tasks.models import PreparationTask
from workflow.visibility import sessions_visible

from . import documents, selectors, services
from .exceptions import MeetingsError, MeetingsForbidden
from .lifecycles import PROTOCOL
from .serializers import (
    AssignmentExtendResultSerializer,
    AssignmentExtendSerializer,
    AssignmentStatusSerializer,
    ParticipantAddSerializer,
    ParticipantSerializer,
    ProtocolSerializer,
    ProtocolUpdateSerializer,
)

ZIP_TYPE = "application/zip"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(content: bytes, *, fmt: str, filename: str):
    if fmt == "pdf":
        content = docx_to_pdf(content)
    return _download(content, fmt=fmt, filename=filename)


class ProtocolViewSet(transition_actions(PROTOCOL, what="протокол", response=ProtocolSerializer),
                      mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = OFFICE_READ
    serializer_class = ProtocolSerializer
    filterset_fields = ["session", "state"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.Protocol.objects.none()
        return selectors.protocols_visible(user=self.request.user).prefetch_related(
            "attendees__person", "entries__assignments__assignees", "entries__assignments__groups")

    def get_serializer_class(self):
        return ProtocolUpdateSerializer if self.action in ("update", "partial_update") else ProtocolSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        session = data.pop("session")
        if not sessions_visible(user=self.request.user).filter(pk=session.pk).exists():
            raise MeetingsError(_("Заседание не найдено."), code="not_found", status=404)
        protocol = services.protocol_create(session=session, by=self.request.user)
        if data:
            protocol = services.protocol_update(protocol=protocol, by=self.request.user, data=data)
        serializer.instance = self.get_queryset().get(pk=protocol.pk)

    def perform_update(self, serializer):
        services.protocol_update(protocol=serializer.instance, by=self.request.user, data=serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(summary="Лист согласования протокола", responses={200: DecisionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def decisions(self, request, pk=None):
        protocol = self.get_object()
        rows = Decision.objects.for_object(protocol).select_related("content_type")
        return Response(DecisionSerializer(rows, many=True).data)

    @extend_schema(summary="Протокол как документ Word или PDF", parameters=[FORMAT_PARAMETER],
                   responses={**FILE_RESPONSES, **error_responses(404)})
    @action(detail=True, methods=["get"], content_negotiation_class=FileDownloadNegotiation, filter_backends=[])
    def export(self, request, pk=None):
        fmt = _requested_format(request)
        protocol = self.get_object()
        return _file(documents.protocol_docx(protocol=protocol), fmt=fmt, filename=f"Протокол № {protocol.number}")


class _SessionView(APIView):
    permission_classes = OFFICE_READ

    def _session(self, request, pk: int):
        return get_object_or_404(sessions_visible(user=request.user).select_related("plan"), pk=pk)


class _SessionFileView(_SessionView):
    content_negotiation_class = FileDownloadNegotiation


class SessionAgendaView(_SessionFileView):
    @extend_schema(summary="Повестка заседания (Word или PDF)", tags=["sessions"], parameters=[FORMAT_PARAMETER],
                   responses={**FILE_RESPONSES, **error_responses(404)})
    def get(self, request, pk: int):
        fmt = _requested_format(request)
        session = self._session(request, pk)
        return _file(documents.agenda_docx(session=session), fmt=fmt, filename=f"Повестка заседания № {session.number}")


class SessionMaterialsView(_SessionFileView):
    @extend_schema(summary="Материалы заседания одним архивом", tags=["sessions"],
                   responses={(200, ZIP_TYPE): OpenApiTypes.BINARY, **error_responses(404)})
    def get(self, request, pk: int):
        session = self._session(request, pk)
        content, _count = documents.materials_zip(session=session)
        response = HttpResponse(content, content_type=ZIP_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, f"Материалы заседания № {session.number}.zip")
        response["Cache-Control"] = "private, no-store"
        return response


class SessionParticipantsView(_SessionView):
    """``GET`` the participants (by rule and added), ``POST {"person": id}`` adds one (office staff)."""

    def _answer(self, session):
        added = set(session.participants.values_list("person_id", flat=True))
        people = selectors.session_participants(session=session)
        for person in people:
            person.added = person.pk in added
        return Response(ParticipantSerializer(people, many=True).data)

    @extend_schema(summary="Участники заседания", tags=["sessions"],
                   responses={200: ParticipantSerializer(many=True), **error_responses(404)})
    def get(self, request, pk: int):
        return self._answer(self._session(request, pk))

    @extend_schema(summary="Добавить участника заседания", tags=["sessions"], request=ParticipantAddSerializer,
                   responses={200: ParticipantSerializer(many=True), **error_responses(400, 403, 404)})
    def post(self, request, pk: int):
        session = self._session(request, pk)
        body = ParticipantAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.participant_add(session=session, person=body.validated_data["person"], by=request.user)
        return self._answer(session)


class SessionParticipantView(_SessionView):
    @extend_schema(summary="Убрать добавленного участника", tags=["sessions"],
                   responses={204: None, **error_responses(403, 404)})
    def delete(self, request, pk: int, person: int):
        session = self._session(request, pk)
        if not services.participant_remove(session=session, person_id=person, by=request.user):
            raise MeetingsError(_("Этот человек не добавлялся к заседанию."), code="not_found", status=404)
        return Response(status=204)


class AssignmentExtendView(APIView):
    permission_classes = OFFICE_READ

    @extend_schema(summary="Продлить срок поручения", request=AssignmentExtendSerializer,
                   responses={200: AssignmentExtendResultSerializer, **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        body = AssignmentExtendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = get_object_or_404(PreparationTask.objects.visible_to(request.user), pk=pk)
        event = services.assignment_task_extend(task=task, by=request.user, **body.validated_data)
        return Response(AssignmentExtendResultSerializer(
            {"id": task.pk, "due_date": task.due_date, "event": event.pk, "comment": event.comment}).data)


def _day(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise MeetingsError(_("Дата «%(value)s» не в формате ГГГГ-ММ-ДД.") % {"value": value[:20]}) from exc


def _int(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise MeetingsError(_("Ожидается число: «%(value)s».") % {"value": value[:20]})
    return int(value)


def _status_rows(request) -> list:
    if request.user.role not in (Role.OFFICE_HEAD, Role.SECRETARY, Role.DEPARTMENT_HEAD):
        raise MeetingsForbidden(_("Исполнение поручений доступно руководителю и секретарю Проектного офиса."))
    params = request.query_params
    return selectors.assignment_status(
        today=timezone.localdate(), protocol_id=_int(params.get("protocol")), person_id=_int(params.get("person")),
        due_from=_day(params.get("from")), due_to=_day(params.get("to")),
    )


_STATUS_FILTERS = [OpenApiParameter("protocol", int), OpenApiParameter("person", int),
                   OpenApiParameter("from", datetime.date), OpenApiParameter("to", datetime.date)]


class AssignmentStatusView(APIView):
    permission_classes = OFFICE_READ

    @extend_schema(summary="Исполнение поручений: по протоколу, исполнителю и периоду", parameters=_STATUS_FILTERS,
                   responses={200: AssignmentStatusSerializer(many=True), **error_responses(400, 403)})
    def get(self, request):
        return Response(AssignmentStatusSerializer(_status_rows(request), many=True).data)


class AssignmentStatusExportView(APIView):
    permission_classes = OFFICE_READ
    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(summary="Исполнение поручений: документ Word, PDF или таблица Excel",
                   parameters=[*_STATUS_FILTERS, OpenApiParameter(
                       "format", str, OpenApiParameter.QUERY, enum=["docx", "pdf", "xlsx"], default="docx")],
                   responses={**FILE_RESPONSES, (200, XLSX_TYPE): OpenApiTypes.BINARY, **error_responses(403)})
    def get(self, request):
        if request.query_params.get("format") == "xlsx":
            response = HttpResponse(documents.status_xlsx(rows=_status_rows(request)), content_type=XLSX_TYPE)
            response["Content-Disposition"] = content_disposition_header(True, "Исполнение поручений.xlsx")
            response["Cache-Control"] = "private, no-store"
            return response
        fmt = _requested_format(request)
        content = documents.status_docx(rows=_status_rows(request), title="Исполнение поручений")
        return _file(content, fmt=fmt, filename="Исполнение поручений")
