"""The office's documents over HTTP, under the plans' URLs (documents/urls.py, mounted before
the plans router in config/urls.py):

* ``GET /api/plans/{id}/export/?format=docx|pdf`` and ``GET /api/plans/{id}/approval-sheet/
  ?format=docx|pdf`` — who may download is who may see the plan (``workflow.visibility``);
  any other plan is 404;
* ``POST /api/plans/import/`` — a plan document (.docx or the text export) imported as a new
  draft (``documents.importing``), answered with the plan as the plans' API shows it.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import OFFICE_READ, OFFICE_WRITE
from config.api_downloads import FileDownloadNegotiation
from config.api_schema import error_response, error_responses
from workflow.models import Plan
from workflow.selectors import plan_detail
from workflow.visibility import plans_visible

from .approval_sheet import approval_sheet_docx
from .docx_export import plan_docx
from .exceptions import DocumentError
from .importing import plan_import_file, plan_import_size_check
from .pdf import docx_to_pdf
from .serializers import PlanImportResultSerializer, PlanImportSerializer

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
FORMATS = {"docx": DOCX_TYPE, "pdf": PDF_TYPE}


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
        raise DocumentError(
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


class PlanImportView(APIView):
    """``POST /api/plans/import/``: the plans' import, answered with the plan as the plans'
    API shows it (``workflow.api.plan_detail``); the file is parsed within the import limits."""

    permission_classes = OFFICE_WRITE
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="plans_import_create",
        tags=["plans"],
        summary="Загрузить план из файла",
        description=(
            "Тот же импорт, что и команда `import_plan`: .docx или текстовая выгрузка. Новый план — черновик "
            "(201). Тот же файл повторно — 200 и существующий план. Ошибки в файле — 400 со списком проблем по "
            "строкам в `errors`, в базу ничего не записано; план на этот год из другого файла — 409. Файл больше "
            "пределов импорта — 400 с кодом предела (`too_many_sessions`, `too_many_items`, `text_too_long`; для "
            ".docx, ещё до распаковки, — `archive_too_large`, `archive_too_many_files`)."
        ),
        request={"multipart/form-data": PlanImportSerializer},
        responses={
            201: PlanImportResultSerializer,
            200: OpenApiResponse(PlanImportResultSerializer, description="Этот файл уже загружен."),
            **error_responses(401, 403, 409, 415),
            413: error_response(413, "Файл больше PLAN_IMPORT_MAX_BYTES (2 МБ): не читается."),
            400: OpenApiResponse(
                error_responses(400)[400].response,
                description="Файл не разобран: проблемы по строкам, или он больше пределов импорта.",
                examples=[
                    OpenApiExample(
                        "Ошибки в файле",
                        response_only=True,
                        value={
                            "code": "import_error",
                            "detail": "Файл плана не загружен: строка 12: ожидался срок вида «Февраль 2023 г.», а не «Фев»",
                            "errors": [{"line": 12, "message": "ожидался срок вида «Февраль 2023 г.», а не «Фев»"}],
                        },
                    ),
                    OpenApiExample(
                        "Больше пределов импорта",
                        response_only=True,
                        value={
                            "code": "too_many_sessions",
                            "detail": "Файл плана не загружен: строка 66: в плане больше 60 заседаний — это предел для "
                            "загрузки",
                            "errors": [{"line": 66, "message": "в плане больше 60 заседаний — это предел для загрузки"}],
                        },
                    ),
                ],
            ),
        },
    )
    def post(self, request):
        serializer = PlanImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        plan_import_size_check(size=upload.size)
        result = plan_import_file(content=upload.read(), filename=upload.name or "plan.txt",
                                  numbering=serializer.validated_data["numbering"])
        plan = plan_detail(plan=result.plan, user=request.user)
        plan.created, plan.warnings, plan.summary = result.created, result.warnings, result.summary
        return Response(
            PlanImportResultSerializer(plan, context={"request": request, "format": self.format_kwarg, "view": self}).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )
