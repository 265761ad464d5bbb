"""E-mails are not HTML-escaped where they are not HTML: an agenda item whose text holds quotes,
an ampersand, angle brackets and a line break reaches the real SMTP server with the subject
and the text part as written (the subject on one line) and only the HTML part escaped."""

from __future__ import annotations

import datetime

import pytest

from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage
from outbox.sender import outbox_drain
from tasks.assignment import tasks_assign
from tasks.models import PreparationTask
from tasks.uploads import task_result_attach
from tests.factories import make_plan
from tests.tasks.conftest import SmtpServer

pytestmark = pytest.mark.django_db

TOPIC = 'О проекте "Школа & <b>лидеры</b>"\nвторая строка'
COMMENT = 'Добавьте <i>цифры</i> & "итоги"\nза квартал'
ESCAPED_TOPIC = "О проекте &quot;Школа &amp; &lt;b&gt;лидеры&lt;/b&gt;&quot;"
ESCAPED_COMMENT = "Добавьте &lt;i&gt;цифры&lt;/i&gt; &amp; &quot;итоги&quot;"
DAY = datetime.date(2039, 12, 1)


@pytest.fixture
def mail_server(settings):
    """The tests' real SMTP server (aiosmtpd on loopback), Django's SMTP backend pointed at it."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    yield server
    server.stop()


def _plain(text: str) -> str:
    return text.replace("\r\n", "\n")  # SMTP carries lines ended by CRLF


@pytest.fixture
def task(personas, settings):
    settings.TASKS_DUE_DAYS_BEFORE, settings.TASKS_ASSIGN_WINDOW_DAYS = 10, 90
    plan = make_plan(year=2040, sessions=1, items_per_session=1, responsible=personas["responsible"])
    plan.items.update(text=TOPIC)
    for name, by in (("submit", "secretary"), ("agree", "office_head"), ("approve", "department_head")):
        fire(obj=plan, name=name, by=personas[by])
    tasks_assign(today=DAY)
    return PreparationTask.objects.get()


def test_titles_and_comments_reach_the_reader_as_written(task, personas, mail_server):
    responsible, office_head = personas["responsible"], personas["office_head"]
    assert task.title == f"Подготовка вопроса «{TOPIC}»"
    fire(obj=task, name="start", by=responsible)
    task_result_attach(task=task, by=responsible, text="Отчёт")
    fire(obj=task, name="submit", by=responsible)
    fire(obj=task, name="return", by=office_head, comment=COMMENT)
    assert OutboxMessage.objects.filter(kind__in=[MessageKind.ASSIGNED, MessageKind.CHANGED]).count() == 2

    notices = OutboxMessage.objects.filter(kind=MessageKind.DECISION)
    assert outbox_drain().sent == 2 + notices.count()  # the plan's and the report's notices too

    recorder = mail_server.recorder
    assigned, returned = sorted(
        (m for m in recorder.messages if int(m["X-Outbox-Id"]) not in {n.pk for n in notices}),
        key=lambda m: int(m["X-Outbox-Id"]),
    )
    one_line = TOPIC.replace("\n", " ")
    # (strip: a long encoded header is folded onto its second line, which the parser keeps)
    assert returned["Subject"].strip() == f"Результат возвращён на доработку: Подготовка вопроса «{one_line}»"
    for message in (assigned, returned):
        assert "&quot;" not in message["Subject"] and "&amp;" not in message["Subject"]
        text, html = _plain(recorder.text(message)), recorder.html(message)
        assert TOPIC in text
        assert "&quot;" not in text and "&amp;" not in text and "&lt;" not in text
        assert ESCAPED_TOPIC in html and "<b>лидеры</b>" not in html
    returned_text, returned_html = _plain(recorder.text(returned)), recorder.html(returned)
    assert f"Комментарий: {COMMENT}" in returned_text
    assert ESCAPED_COMMENT in returned_html and "<i>цифры</i>" not in returned_html
