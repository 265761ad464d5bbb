"""``outbox.mime``: the bytes the sender writes read back, by the standard library's parser, as
the same message Django's ``EmailMultiAlternatives`` makes of the same fields: every header,
every part's type, text, file name and content; over a corpus of the shapes an office's
messages take (plain Russian text, HTML, none, several attachments, binary and text, names
in Cyrillic, long lines, lines starting with a dot, CR/LF as typed on any system)."""

from __future__ import annotations

import email
from email import policy

import pytest
from django.core.mail import BadHeaderError, EmailMultiAlternatives

from outbox.attachments import Attachment
from outbox.mime import message_bytes

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Заседание 21.01.2027 — Проектный офис\r\nEND:VCALENDAR\r\n"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF"

CASES = {
    "plain ascii": dict(subject="Reminder", to="a@school.test", text="Hello.\n"),
    "russian with html": dict(
        subject="Сегодня срок задач подготовки (2)", to="ivanov@school.test",
        text="Здравствуйте, Иван Иванович!\n\nСрок — сегодня:\n- Отчёт «Школа & лидеры»\n",
        html="<p>Здравствуйте!</p>\n<table><tr><td>Отчёт «Школа &amp; лидеры»</td></tr></table>\n",
    ),
    "long subject": dict(subject="Просрочены задачи подготовки к заседанию " * 6, to="b@school.test",
                         text="Текст.", html="<p>Текст.</p>"),
    "attachments": dict(
        subject="Вам назначены задачи", to="c@school.test", text="См. вложения.\n", html="<p>См. вложения.</p>\n",
        attachments=[Attachment("session-18.ics", ICS, "text/calendar; method=PUBLISH; charset=utf-8"),
                     Attachment("Отчёт по проекту № 1.1.pdf", PDF, "application/pdf"),
                     Attachment('plan "2027".txt', "строка\n", "text/plain")],
    ),
    "a line longer than SMTP allows": dict(subject="Длинная строка", to="d@school.test",
                                           text="Слово " * 400 + "\nконец\n", html="<p>" + "слово " * 400 + "</p>"),
    "dots, CR and CRLF": dict(subject="Точки", to="e@school.test",
                              text=".\n..начало с точки\r\nвторая\rтретья\n.\n", html=".<br>\r\n.."),
    "text only with an attachment": dict(subject="Файл", to="f@school.test", text="Файл во вложении",
                                         attachments=[Attachment("a.bin", b"\x00\x01\x02", "application/octet-stream")]),
}
HEADERS = {"X-Outbox-Id": "42", "Auto-Submitted": "auto-generated"}


def _django(case: dict) -> email.message.EmailMessage:
    message = EmailMultiAlternatives(subject=case["subject"], body=case["text"], to=[case["to"]], headers=HEADERS)
    if case.get("html"):
        message.attach_alternative(case["html"], "text/html")
    for attachment in case.get("attachments", ()):
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return email.message_from_bytes(message.message().as_bytes(linesep="\r\n"), policy=policy.default)


def _ours(case: dict) -> email.message.EmailMessage:
    raw = message_bytes(headers=HEADERS, **case)
    assert b"\n" not in raw.replace(b"\r\n", b""), "every line ends with CRLF"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    return email.message_from_bytes(raw, policy=policy.default)


def _content(part) -> str | bytes:
    content = part.get_content()
    return content.replace("\r\n", "\n").replace("\r", "\n") if isinstance(content, str) else content


@pytest.mark.parametrize("name", CASES)
def test_the_message_reads_as_djangos_does(name, settings):
    case = CASES[name]
    ours, django = _ours(case), _django(case)

    for header in ("Subject", "From", "To", "X-Outbox-Id", "Auto-Submitted", "MIME-Version"):
        assert str(ours[header]).strip() == str(django[header]).strip(), header
    assert ours["Date"] and ours["Message-ID"].endswith(">")
    our_parts, django_parts = list(ours.walk()), list(django.walk())
    assert [p.get_content_type() for p in our_parts] == [p.get_content_type() for p in django_parts]
    for mine, theirs in zip(our_parts, django_parts, strict=True):
        assert mine.get_filename() == theirs.get_filename()
        assert mine.get_params() == theirs.get_params() or mine.is_multipart()  # no parameter twice
        if not mine.is_multipart():
            assert _content(mine) == _content(theirs), mine.get_content_type()


def test_a_line_break_in_a_header_is_refused():
    with pytest.raises(BadHeaderError):
        message_bytes(subject="Тема\nBcc: all@school.test", to="a@school.test", text="x")
    with pytest.raises(BadHeaderError):
        message_bytes(subject="Тема", to="a@school.test\r\nBcc: all@school.test", text="x")


def test_each_message_has_its_own_id_and_boundaries():
    first, second = (message_bytes(**CASES["attachments"]) for _ in range(2))
    one, two = (email.message_from_bytes(raw, policy=policy.default) for raw in (first, second))
    assert one["Message-ID"] != two["Message-ID"]
    assert one.get_boundary() != two.get_boundary()
