"""Calendar API: the current user's feed token, and one session as .ics."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import OFFICE_READ
from config.api_downloads import FileDownloadNegotiation
from config.api_schema import error_responses
from workflow.visibility import sessions_visible

from .exceptions import CalendarError
from .ics import session_ics
from .selectors import calendar_token_active
from .serializers import CalendarFeedTokenSerializer
from .services import calendar_token_get_or_create, calendar_token_revoke
from .views import ICS_TYPE


class CalendarTokenView(APIView):
    """The signed-in person's private calendar feed link."""

    permission_classes = OFFICE_READ
    serializer_class = CalendarFeedTokenSerializer

    @extend_schema(operation_id="calendar_token_retrieve", summary="Текущая ссылка на мой календарь",
                   description="Адрес личного календаря (заседания и сроки задач) для подписки без входа.",
                   responses={200: CalendarFeedTokenSerializer, **error_responses(404)}, tags=["calendar"])
    def get(self, request):
        token = calendar_token_active(user=request.user)
        if token is None:
            raise CalendarError(_("Ссылка на календарь ещё не создана или отозвана."), code="not_found", status=404)
        return Response(CalendarFeedTokenSerializer(token).data)

    @extend_schema(operation_id="calendar_token_create", summary="Ссылка на мой календарь (создать, если нет)",
                   description="Действующая ссылка, если она есть (200), иначе новая (201): повторный или "
                               "одновременный запрос даёт ту же рабочую ссылку. Чтобы заменить ссылку, "
                               "отзовите её (DELETE) и запросите снова.", request=None,
                   responses={200: CalendarFeedTokenSerializer, 201: CalendarFeedTokenSerializer}, tags=["calendar"])
    def post(self, request):
        token, created = calendar_token_get_or_create(user=request.user)
        return Response(CalendarFeedTokenSerializer(token).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(operation_id="calendar_token_revoke", summary="Отозвать ссылку на мой календарь",
                   description="Календари, подписанные по прежней ссылке, перестают обновляться (ответ 404).",
                   responses={204: None}, tags=["calendar"])
    def delete(self, request):
        calendar_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionIcsView(APIView):
    """One session as an .ics file, for anyone who sees the session."""

    permission_classes = OFFICE_READ
    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(operation_id="sessions_ics", summary="Заседание в формате iCalendar (.ics)",
                   description="Одно заседание для добавления в календарь; UID тот же, что в личной ленте.",
                   responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY)}, tags=["sessions"])
    def get(self, request, pk: int):
        session = get_object_or_404(sessions_visible(user=request.user).select_related("plan"), pk=pk)
        response = HttpResponse(session_ics(session), content_type=ICS_TYPE)
        response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
        return response
