"""An outbox row as the bytes an SMTP server receives: one MIME message in the same shape as
Django's ``EmailMultiAlternatives`` gives (``multipart/mixed`` of a ``multipart/alternative``
text + HTML and the attachments; no ``mixed`` level without attachments), written in one pass.

Why not ``EmailMultiAlternatives(...).message().as_bytes()``: the ``email`` package's
generator re-folds every header of every part through ``email.header`` (about 25 encodings a
message) and took 1.26 ms a digest (0.16 ms here), longer than the local SMTP server's whole
exchange (docs/BENCHMARKS.md). Here each part is written once: the subject and the sender's name as
RFC 2047 words (``email.header.Header``, the library's encoder), text parts in UTF-8 ``8bit``
as Django writes them (base64 when a line is longer than SMTP allows), attachments in base64,
the file name in RFC 2231 (``email.utils.encode_rfc2231``). ``tests/outbox/test_mime.py``
parses the result with the standard parser and compares it with Django's rendering of the
same message.

The sender uses it with Django's SMTP backend only; any other backend (the tests' memory
outbox, the console) is handed Django's ``EmailMessage`` as before.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
from collections.abc import Iterable
from email.header import Header
from email.utils import encode_rfc2231, formataddr, formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import BadHeaderError
from django.core.mail.message import DNS_NAME

from .attachments import Attachment

CRLF = "\r\n"
MAX_LINE = 998  # RFC 5322: octets on a line, without the CRLF


def _header_value(value: str) -> str:
    """``value`` as a header may carry it: ASCII as it is, anything else as RFC 2047 words."""
    if "\n" in value or "\r" in value:
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r})")
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=76, header_name="Subject").encode(linesep=CRLF)


@functools.lru_cache(maxsize=4096)  # the sender's address on every message, a person's on each of theirs
def _address(value: str) -> str:
    name, address = parseaddr(value)
    if not address or "\n" in value or "\r" in value:
        raise BadHeaderError(f"Invalid address {value!r}")
    return formataddr((_header_value(name), address)) if name else address


def _boundary() -> str:
    return "=====" + binascii.hexlify(os.urandom(12)).decode("ascii") + "=="


def _base64_lines(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii").replace("\n", CRLF)


def _text_part(text: str, subtype: str) -> str:
    raw = text.replace("\r\n", "\n").replace("\r", "\n")
    head = f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}MIME-Version: 1.0{CRLF}'
    if any(len(line.encode()) > MAX_LINE for line in raw.split("\n")):
        return f"{head}Content-Transfer-Encoding: base64{CRLF}{CRLF}{_base64_lines(raw.encode())}"
    return f"{head}Content-Transfer-Encoding: 8bit{CRLF}{CRLF}{raw.replace(chr(10), CRLF)}"


def _attachment_part(attachment: Attachment) -> str:
    content = attachment.content.encode() if isinstance(attachment.content, str) else attachment.content
    maintype = attachment.mimetype.split("/", 1)[0]
    charset = '; charset="utf-8"' if maintype == "text" and "charset=" not in attachment.mimetype.lower() else ""
    filename = attachment.filename
    disposition = (f'filename="{filename}"' if filename.isascii() and '"' not in filename
                   else f"filename*={encode_rfc2231(filename, 'utf-8')}")
    return (f"Content-Type: {attachment.mimetype}{charset}{CRLF}MIME-Version: 1.0{CRLF}"
            f"Content-Transfer-Encoding: base64{CRLF}Content-Disposition: attachment; {disposition}{CRLF}{CRLF}"
            f"{_base64_lines(content)}")


def _multipart(subtype: str, parts: Iterable[str]) -> str:
    boundary = _boundary()
    # The line end before a boundary belongs to the boundary, not to the part before it.
    inner = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    return (f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}MIME-Version: 1.0{CRLF}{CRLF}'
            f"{inner}--{boundary}--{CRLF}")


def message_bytes(*, subject: str, to: str, text: str, html: str = "", attachments: Iterable[Attachment] = (),
                  headers: dict[str, str] | None = None, from_email: str | None = None) -> bytes:
    """The whole message, CRLF line ends, ready for ``smtplib.SMTP.sendmail``."""
    fields = [
        ("Subject", _header_value(subject)),
        ("From", _address(from_email or settings.DEFAULT_FROM_EMAIL)),
        ("To", _address(to)),
        ("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
        ("Message-ID", make_msgid(domain=DNS_NAME)),
        *((name, _header_value(value)) for name, value in (headers or {}).items()),
    ]
    body = _text_part(text, "plain")
    if html:
        body = _multipart("alternative", [body, _text_part(html, "html")])
    attachments = list(attachments)
    if attachments:
        body = _multipart("mixed", [body, *(_attachment_part(a) for a in attachments)])
    # ``body`` starts with its own Content-Type and MIME-Version: the message's headers follow them.
    content_headers, _blank, rest = body.partition(CRLF + CRLF)
    top = "".join(f"{name}: {value}{CRLF}" for name, value in fields)
    return f"{content_headers}{CRLF}{top}{CRLF}{rest}".encode()
