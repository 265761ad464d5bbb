"""Small real files of each accepted result type, and the disguises the upload check refuses."""

from __future__ import annotations

import io
import zipfile

# The first bytes of a Windows executable (MZ header, "This program cannot be run in DOS mode").
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode.\r\n"
)

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ooxml_bytes(main_part: str = "word/document.xml") -> bytes:
    """The skeleton of an Office Open XML package (.docx, .xlsx, .pptx)."""
    return zip_bytes({"[Content_Types].xml": _CONTENT_TYPES, main_part: b"<document/>"})


def opendocument_bytes(kind: str = "text") -> bytes:
    return zip_bytes({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(), "content.xml": b"<x/>"})


def docx_bytes() -> bytes:
    """A real .docx written by python-docx (what Word opens)."""
    from docx import Document

    document = Document()
    document.add_paragraph("Отчёт о ходе реализации проекта")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 13
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"

# A file of each accepted type whose content is what its name says.
GENUINE = {
    "report.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "report.doc": OLE2,
    "report.xls": OLE2,
    "report.ppt": OLE2,
    "report.docx": docx_bytes(),
    "report.xlsx": ooxml_bytes("xl/workbook.xml"),
    "report.pptx": ooxml_bytes("ppt/presentation.xml"),
    "report.odt": opendocument_bytes("text"),
    "report.ods": opendocument_bytes("spreadsheet"),
    "report.odp": opendocument_bytes("presentation"),
    "report.rtf": b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} \\f0 Otchet}",
    "report.txt": "Отчёт: всё сделано.\n".encode(),
    "report-1251.txt": "Отчёт: всё сделано.\n".encode("cp1251"),
    "photo.png": PNG,
    "photo.jpg": JPEG,
    "photo.jpeg": JPEG,
    "archive.zip": zip_bytes({"report.pdf": b"%PDF-1.4\n"}),
    "REPORT.PDF": b"%PDF-1.4\n",
}
