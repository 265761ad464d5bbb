"""``GET /api/tasks/{id}/result/file/``: a task's result file, to those who see the task.

The same check as every task endpoint (``PreparationTask.objects.visible_to``): the assignee,
the office staff and the department head; anyone else gets 404, as for the task itself.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from accounts.api import OFFICE_READ
from config.api_downloads import FileDownloadNegotiation

from .models import PreparationTask
from .result_files import CONTENT_TYPES, FALLBACK_TYPE, result_file_response

SERVED_TYPES = sorted({*CONTENT_TYPES.values(), FALLBACK_TYPE})


class TaskResultFileView(APIView):
    permission_classes = OFFICE_READ
    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(
        operation_id="tasks_result_file",
        summary="Файл результата задачи",
        description="Скачать приложенный к задаче файл (как вложение). Исполнитель задачи, сотрудники "
        "Проектного офиса и руководитель департамента; для остальных задача не найдена (404).",
        responses={(200, content_type): OpenApiResponse(OpenApiTypes.BINARY) for content_type in SERVED_TYPES},
        tags=["tasks"],
    )
    def get(self, request, pk: int):
        task = get_object_or_404(PreparationTask.objects.visible_to(request.user).only("pk", "result_file"), pk=pk)
        return result_file_response(task=task)
