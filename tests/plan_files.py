"""Plan documents built in the tests: the text export and .docx of any size, and .docx
archives put together by hand (a zip bomb, an archive of many entries)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from docx import Document

YEAR = 2032
MIB = 1024 * 1024
HEADER = ("№ п/п", "Тема заседаний", "Срок", "Ответственный")
# The text export: the table's header is line 7, the first session line 8.
TEXT_HEAD = (
    "Утверждаю\nруководитель\nА.А.Антонов\n\n"
    f"**План заседаний Проектного офиса на {YEAR} год**\n\n" + "\t".join(HEADER) + "\n"
)
TEXT_FIRST_ROW_LINE = 8
# A .docx: the table's header is row 1, the first session row 2.
DOCX_FIRST_ROW = 2


def topics(count: int, *, text: str = "Тема") -> list[str]:
    return [f"{text} {number}" for number in range(1, count + 1)]


def plan_text(sessions: list[list[str]], *, responsible: str = "Новиков Н.Н.") -> bytes:
    """The text export of a plan whose sessions hold these topics, one session a month."""
    rows = [
        f"{number}.\t{''.join(f'<p>{topic}</p>' for topic in session)}\t{_month(number)}\t{responsible}"
        for number, session in enumerate(sessions, start=1)
    ]
    return (TEXT_HEAD + "\n".join(rows) + "\n").encode("utf-8")


def plan_docx(sessions: list[list[str]], *, responsible: str = "Новиков Н.Н.", picture: bytes | None = None) -> bytes:
    """The same plan as a Word document (with a picture under the title, if given)."""
    document = Document()
    document.add_paragraph(f"План заседаний Проектного офиса на {YEAR} год")
    if picture is not None:
        document.add_picture(io.BytesIO(picture))
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for number, session in enumerate(sessions, start=1):
        cells = table.add_row().cells
        cells[0].text = f"{number}."
        cells[1].text = session[0]
        for topic in session[1:]:
            cells[1].add_paragraph(topic)
        cells[2].text = _month(number)
        cells[3].text = responsible
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _month(number: int) -> str:
    months = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
              "Ноябрь", "Декабрь")
    return f"{months[(number - 1) % 12]} {YEAR} г."


def png() -> bytes:
    """A valid 1×1 grey PNG, for python-docx to place."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">2L5B", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


# --- Archives written by hand --------------------------------------------------------------


class Entry:
    """A zip entry as stored: ``data`` already deflated (method 8) or as it is (method 0)."""

    def __init__(self, name: str, data: bytes, *, crc: int, size: int, method: int = zipfile.ZIP_DEFLATED):
        self.name, self.data, self.crc, self.size, self.method = name, data, crc, size, method

    @classmethod
    def deflated(cls, name: str, content: bytes) -> Entry:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return cls(name, compressor.compress(content) + compressor.flush(), crc=zlib.crc32(content), size=len(content))


def zeros(name: str, mebibytes: int) -> Entry:
    """``mebibytes`` MiB of zeros, deflated at about 1000:1 without compressing them all: after
    a full flush the compressor starts afresh, so every further MiB compresses to the same bytes.
    (Only the checksum reads every byte: the entry is a valid one, as a real bomb is.)"""
    zero = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = compressor.compress(zero) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zero, crc)
    return Entry(name, one * mebibytes + compressor.flush(), crc=crc, size=mebibytes * MIB)


def entries_of(docx: bytes, *, replace: dict[str, Entry] | None = None) -> list[Entry]:
    """The entries of a .docx, with some replaced by name."""
    replace = replace or {}
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return [replace.get(name) or Entry.deflated(name, archive.read(name)) for name in archive.namelist()]


def zip_of(entries: list[Entry]) -> bytes:
    """A zip archive of ``entries`` (each under 4 GiB: no zip64 needed), written byte by byte."""
    out, directory = io.BytesIO(), []
    for entry in entries:
        offset, name = out.tell(), entry.name.encode()
        fields = (entry.method, 0, 0x21, entry.crc, len(entry.data), entry.size, len(name))  # 0x21: 1 Jan 1980
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *fields, 0) + name + entry.data)
        directory.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, 0, offset) + name)
    start, central = out.tell(), b"".join(directory)
    out.write(central)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, 0))
    return out.getvalue()
