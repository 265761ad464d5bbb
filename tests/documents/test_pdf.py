"""The plan as PDF, through LibreOffice headless. Skipped where LibreOffice is not installed."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from config.errors import DomainError
from documents.approval_sheet import approval_sheet_docx
from documents.docx_export import plan_docx
from documents.pdf import docx_to_pdf, soffice_binary

needs_soffice = pytest.mark.skipif(
    soffice_binary() is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui fonts-liberation2",
)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.pdf
@needs_soffice
def test_draft_plan_pdf_has_the_document_text_in_cyrillic(seed_plan):
    pdf = docx_to_pdf(plan_docx(plan=seed_plan))

    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in (
        "ПРОЕКТ",
        "«Утверждаю»",
        "Л.М.Лебедева",
        "«Согласовано»",
        "О.А.Сергеева",
        "План заседаний Проектного офиса департамента образования на 2023 год",
        "Тема заседаний",
        "Февраль 2023 г.",
        "Декабрь 2023 г.",
        "Руководители управленческих портфелей",
    ):
        assert expected in text


@pytest.mark.pdf
@needs_soffice
def test_approved_plan_pdf_has_no_draft_mark(approved_plan):
    text = _text(docx_to_pdf(plan_docx(plan=approved_plan)))

    assert "ПРОЕКТ" not in text
    assert "Подведение итогов работы проектного офиса за 2023 год" in text


@pytest.mark.pdf
@needs_soffice
def test_approval_sheet_pdf(approved_plan):
    text = _text(docx_to_pdf(approval_sheet_docx(plan=approved_plan)))

    assert "Лист согласования" in text
    assert "Лебедева Людмила Михайловна" in text


def test_missing_converter_is_a_clear_error(monkeypatch):
    # Not a mock of the converter: the environment names a program that does not exist.
    monkeypatch.setenv("SOFFICE_BINARY", "/nonexistent/soffice")

    with pytest.raises(DomainError) as caught:
        docx_to_pdf(b"irrelevant")

    assert caught.value.code == "pdf_unavailable"
    assert caught.value.status == 503
    assert "LibreOffice" in caught.value.message


@pytest.mark.pdf
@needs_soffice
def test_export_api_pdf(approved_plan, office_head):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(office_head)

    response = client.get(f"/api/plans/{approved_plan.pk}/export/?format=pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "План заседаний Проектного офиса департамента образования на 2023 год" in _text(response.content)


def test_export_api_pdf_without_converter_is_503(approved_plan, office_head, monkeypatch):
    from rest_framework.test import APIClient

    monkeypatch.setenv("SOFFICE_BINARY", "/nonexistent/soffice")
    client = APIClient()
    client.force_authenticate(office_head)

    response = client.get(f"/api/plans/{approved_plan.pk}/export/?format=pdf")

    assert response.status_code == 503
    assert response.json()["code"] == "pdf_unavailable"
