"""PDF of the plan: the .docx of ``documents.docx_export`` converted by LibreOffice headless.

LibreOffice is a system package, not a Python one (README, "PDF export"):
``apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-liberation2``.
Times New Roman is not free; LibreOffice substitutes the metric-compatible Liberation Serif,
which has Cyrillic. Without ``soffice`` on PATH (or ``SOFFICE_BINARY`` in the environment)
the export answers with a clear error instead of a broken file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from workflow.models import Plan

from .approval_sheet import approval_sheet_docx
from .docx_export import plan_docx
from .exceptions import DocumentError

CONVERT_TIMEOUT_SECONDS = 120


def soffice_binary() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    configured = os.environ.get("SOFFICE_BINARY")
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(content: bytes) -> bytes:
    """Convert .docx bytes to PDF bytes with LibreOffice headless."""
    binary = soffice_binary()
    if binary is None:
        raise DocumentError(
            _("Экспорт в PDF недоступен: на сервере не установлен LibreOffice (soffice). "
              "Скачайте документ в формате .docx."),
            code="pdf_unavailable",
            status=503,
        )
    with tempfile.TemporaryDirectory(prefix="plan-pdf-") as workdir:
        work = Path(workdir)
        source = work / "plan.docx"
        source.write_bytes(content)
        # A profile of its own: two conversions at once must not share (and lock) one.
        profile = (work / "profile").as_uri()
        command = [
            binary, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work), str(source),
        ]
        try:
            completed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                command, capture_output=True, timeout=CONVERT_TIMEOUT_SECONDS, check=False,
                env={**os.environ, "HOME": str(work)},
            )
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(
                _("Преобразование в PDF не уложилось в отведённое время."), code="pdf_failed", status=503
            ) from exc
        target = work / "plan.pdf"
        if completed.returncode != 0 or not target.exists():
            detail = (completed.stderr or completed.stdout).decode("utf-8", "replace").strip()[:500]
            raise DocumentError(
                _("Не удалось преобразовать документ в PDF: %(detail)s") % {"detail": detail or completed.returncode},
                code="pdf_failed",
                status=503,
            )
        return target.read_bytes()


def plan_pdf(*, plan: Plan) -> bytes:
    """The plan document (same content and layout as the .docx) as PDF."""
    return docx_to_pdf(plan_docx(plan=plan))


def approval_sheet_pdf(*, plan: Plan) -> bytes:
    return docx_to_pdf(approval_sheet_docx(plan=plan))
