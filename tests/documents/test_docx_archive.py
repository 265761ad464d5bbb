"""Opening a .docx: only the main document and its styles are unpacked; what is not a .docx
is refused with the importer's message, never a crash."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from documents.docx_archive import docx_open
from documents.docx_import import parse_plan_docx
from documents.plan_format import PlanFormatError
from tests import plan_files

PICTURE = "word/media/image1.png"
NOT_A_DOCX = "файл не является документом Word (.docx) или повреждён"


def _plan() -> bytes:
    return plan_files.plan_docx([plan_files.topics(3)], picture=plan_files.png())


def test_parts_the_importer_does_not_read_are_never_unpacked():
    # The picture's bytes are not deflate data at all: unpacking it would fail.
    broken = plan_files.Entry(PICTURE, b"\xff" * 64, crc=0, size=10 * plan_files.MIB)
    content = plan_files.zip_of(plan_files.entries_of(_plan(), replace={PICTURE: broken}))
    with zipfile.ZipFile(io.BytesIO(content)) as archive, pytest.raises(zlib.error):
        archive.read(PICTURE)
    parsed = parse_plan_docx(content)
    assert [item.text for item in parsed.sessions[0].items] == ["Тема 1", "Тема 2", "Тема 3"]


def test_the_document_keeps_its_styles():
    document = docx_open(_plan())
    assert document.styles["List Bullet 2"].name == "List Bullet 2"
    assert document.paragraphs[0].style.name == "Normal"


def test_a_main_part_named_from_the_root_is_found():
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document.xml"/>'
            b"</Relationships>")
    content = plan_files.zip_of(plan_files.entries_of(
        _plan(), replace={"_rels/.rels": plan_files.Entry.deflated("_rels/.rels", rels)}))
    assert parse_plan_docx(content).year == plan_files.YEAR


@pytest.mark.parametrize("broken", ["not a zip", "no content types", "no main part", "main part not XML",
                                    "entity expansion"])
def test_what_is_not_a_docx_is_refused_with_the_importers_message(broken):
    entries = plan_files.entries_of(_plan())
    if broken == "not a zip":
        content = b"PK\x03\x04 but nothing more"
    else:
        drop = {"no content types": "[Content_Types].xml", "no main part": "word/document.xml"}.get(broken)
        kept = [entry for entry in entries if entry.name != drop]
        if broken == "main part not XML":
            kept = [plan_files.Entry.deflated(e.name, b"<w:document><unclosed") if e.name == "word/document.xml"
                    else e for e in kept]
        if broken == "entity expansion":
            laughs = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
                      b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">&b;'
                      b"</Relationships>")
            kept = [plan_files.Entry.deflated(e.name, laughs) if e.name == "_rels/.rels" else e for e in kept]
        content = plan_files.zip_of(kept)
    with pytest.raises(PlanFormatError) as error:
        parse_plan_docx(content)
    assert (error.value.line, error.value.message, error.value.code) == (0, NOT_A_DOCX, "import_error")
