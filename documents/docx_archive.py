"""Opening an uploaded .docx without unpacking more than the importer reads.

A .docx is a zip archive, and python-docx's ``Document()`` unpacks every part of it, pictures
included: a 2 MB file whose ``word/media/`` held 1.9 GB of zeros (a "zip bomb") took the web
process to 4 GB. So the archive's directory is checked first — how many entries, how many
bytes they unpack to (``PLAN_IMPORT_DOCX_MAX_ENTRIES``, ``PLAN_IMPORT_DOCX_MAX_UNPACKED_BYTES``)
— and a file out of bounds is refused before any entry is unpacked. Then only the parts the
importer reads are unpacked: the main document and its styles (list styles tell nesting),
with the content types and the two relationship files that lead to them. They make a small
package of their own for python-docx; pictures, headers, numbering and the rest stay packed.

Reads are bounded by the sizes the directory declares (``zipfile`` never returns more than an
entry's declared size and fails on a wrong checksum), and those were checked.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE
from lxml import etree

from .plan_format import PlanFormatError

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Entities are never expanded and nothing is fetched: a relationship file is a short list.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_BROKEN = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError, RuntimeError,
           NotImplementedError, zlib.error, etree.XMLSyntaxError)


def _not_a_docx() -> PlanFormatError:
    return PlanFormatError(0, _("файл не является документом Word (.docx) или повреждён"))


def _directory_check(archive: zipfile.ZipFile) -> None:
    """Refuse an archive out of bounds from its directory alone, before unpacking anything."""
    entries = archive.infolist()
    max_entries = settings.PLAN_IMPORT_DOCX_MAX_ENTRIES
    if len(entries) > max_entries:
        raise PlanFormatError(
            0,
            _("в документе Word %(count)s вложенных файлов, а допускается не более %(limit)s: такой файл не читается")
            % {"count": len(entries), "limit": max_entries},
            code="archive_too_many_files",
        )
    unpacked = sum(entry.file_size for entry in entries)
    max_unpacked = settings.PLAN_IMPORT_DOCX_MAX_UNPACKED_BYTES
    if unpacked > max_unpacked:
        raise PlanFormatError(
            0,
            _("документ Word распаковывается в %(size)s, а допускается не более %(limit)s: такой файл не читается")
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(max_unpacked)},
            code="archive_too_large",
        )


def _rels_name(part: str) -> str:
    """word/document.xml -> word/_rels/document.xml.rels"""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relationship(rels_xml: bytes, rel_type: str, *, source: str) -> tuple[etree._Element, str] | None:
    """The first internal relationship of ``rel_type`` and the archive name of its target."""
    for rel in etree.fromstring(rels_xml, _XML_PARSER).iterchildren(f"{{{_RELS_NS}}}Relationship"):
        if rel.get("Type") == rel_type and rel.get("TargetMode") != "External" and rel.get("Target"):
            base = posixpath.dirname(source) if source else ""
            return rel, posixpath.normpath(posixpath.join("/", base, rel.get("Target"))).lstrip("/")
    return None


def _rels_with(rel: etree._Element | None) -> bytes:
    """A relationship file holding only ``rel`` (or none)."""
    root = etree.Element(f"{{{_RELS_NS}}}Relationships", nsmap={None: _RELS_NS})
    if rel is not None:
        etree.SubElement(root, f"{{{_RELS_NS}}}Relationship",
                         {name: rel.get(name) for name in ("Id", "Type", "Target") if rel.get(name) is not None})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _needed_parts(archive: zipfile.ZipFile) -> dict[str, bytes]:
    """The parts the importer reads, by archive name, with relationship files that hold
    only the links between them."""
    office_document = _relationship(archive.read(PACKAGE_RELS), RELATIONSHIP_TYPE.OFFICE_DOCUMENT, source="")
    if office_document is None:
        raise _not_a_docx()
    document_rel, document = office_document
    parts = {
        CONTENT_TYPES: archive.read(CONTENT_TYPES),
        PACKAGE_RELS: _rels_with(document_rel),
        document: archive.read(document),
    }
    document_rels = _rels_name(document)
    styles = None
    if document_rels in archive.NameToInfo:
        styles = _relationship(archive.read(document_rels), RELATIONSHIP_TYPE.STYLES, source=document)
    if styles is not None and styles[1] in archive.NameToInfo:
        parts[document_rels] = _rels_with(styles[0])
        parts[styles[1]] = archive.read(styles[1])
    else:
        parts[document_rels] = _rels_with(None)
    return parts


def docx_open(content: bytes) -> DocumentObject:
    """The python-docx document of ``content``, from its main document and styles only.

    Raises PlanFormatError: the file is not a .docx, or its archive is out of bounds (code
    "archive_too_many_files" or "archive_too_large").
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _directory_check(archive)
            parts = _needed_parts(archive)
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as small:
            for name, data in parts.items():
                small.writestr(name, data)
        return Document(package)
    except PlanFormatError:
        raise
    except _BROKEN as exc:
        raise _not_a_docx() from exc
