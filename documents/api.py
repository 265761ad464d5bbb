"""Downloads of the plan document: ``GET /api/plans/{id}/export/?format=docx|pdf`` and
``GET /api/plans/{id}/approval-sheet/?format=docx|pdf``.

Who may download is who may see the plan (``workflow.visibility``); any other plan is 404.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from accounts.api import OFFICE_READ
from config.api_schema import error_response, error_responses

from .docx_export import approval_sheet_docx, plan_docx
from .exceptions import WorkflowError
from .models import Plan
from .pdf_export import docx_to_pdf
from .visibility import plans_visible

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
FORMATS = {"docx": DOCX_TYPE, "pdf": PDF_TYPE}


class FileDownloadNegotiation(BaseContentNegotiation):
    """For views that answer with a file: ``?format=`` names the file format, not a DRF renderer,
    and an ``Accept`` of the file type is fine. Errors (the only DRF responses) are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


_FORMAT_PARAMETER = OpenApiParameter(
    "format", str, OpenApiParameter.QUERY, enum=list(FORMATS), default="docx",
    description="Формат файла: docx (Word) или pdf (через LibreOffice).",
)
_FILE_RESPONSES = {
    (200, DOCX_TYPE): OpenApiTypes.BINARY,
    (200, PDF_TYPE): OpenApiTypes.BINARY,
    **error_responses(400),
    503: error_response(503, _("Экспорт в PDF недоступен: на сервере не установлен LibreOffice.")),
}


def _requested_format(request) -> str:
    requested = request.query_params.get("format", "docx").strip().lower() or "docx"
    if requested not in FORMATS:
        raise WorkflowError(
            _("Неизвестный формат «%(format)s»: доступны docx и pdf.") % {"format": requested[:20]},
            code="invalid_format",
        )
    return requested


def _download(content: bytes, *, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response


class _PlanDocumentView(APIView):
    permission_classes = OFFICE_READ
    content_negotiation_class = FileDownloadNegotiation

    def _plan(self, request, pk: int) -> Plan:
        return get_object_or_404(plans_visible(user=request.user), pk=pk)

    def _document(self, request, pk: int, *, render, title: str):
        """``render(plan=…)`` gives the .docx; PDF is converted from it, so both read the same."""
        fmt = _requested_format(request)
        plan = self._plan(request, pk)
        content = render(plan=plan)
        if fmt == "pdf":
            content = docx_to_pdf(content)
        return _download(content, fmt=fmt, filename=f"{title} {plan.year}")


class PlanExportView(_PlanDocumentView):
    @extend_schema(
        operation_id="plans_export",
        summary="План как документ Word или PDF",
        description="Документ в оформлении офиса: «Утверждаю», «Согласовано», заголовок и таблица заседаний. "
        "Неутверждённый план помечен «ПРОЕКТ», даты подписей пусты.",
        parameters=[_FORMAT_PARAMETER],
        responses=_FILE_RESPONSES,
        tags=["plans"],
    )
    def get(self, request, pk: int):
        return self._document(request, pk, render=plan_docx, title="План заседаний")


class PlanApprovalSheetView(_PlanDocumentView):
    @extend_schema(
        operation_id="plans_approval_sheet",
        summary="Лист согласования плана",
        description="Все решения по плану (должность, ФИО, действие, дата, комментарий) и по изменениям к нему.",
        parameters=[_FORMAT_PARAMETER],
        responses=_FILE_RESPONSES,
        tags=["plans"],
    )
    def get(self, request, pk: int):
        return self._document(request, pk, render=approval_sheet_docx, title="Лист согласования")
