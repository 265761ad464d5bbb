"""The one message builder, the insert, and the hand-over to the sender when the cause commits."""

import datetime

import pytest

from config.celery import app
from outbox.attachments import Attachment
from outbox.models import MessageKind, OutboxMessage, OutboxStatus
from outbox.rendering import message_render
from outbox.services import outbox_messages_add
from tests.factories import make_user
from tests.outbox.conftest import SAMPLE, build
from tests.tasks.celery_helpers import new_queue, producer_broker
from tests.tasks.conftest import free_port

DAY = datetime.date(2031, 3, 10)
TRICKY = 'Тема "кавычки" & <b>жирно</b>\nвторая строка'


@pytest.fixture
def eager_jobs():
    """Jobs run in this process when queued (no broker): what a worker would do, at once."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_the_builder_renders_the_templates_into_an_unsaved_row(db, responsible):
    message = build(
        responsible,
        subject="Тема",
        text="Текст",
        day=DAY,
        kind=MessageKind.CHANGED,
        key="event:1",
        related_ids=[3, 1],
        attachments=[Attachment("a.ics", "BEGIN:VCALENDAR", "text/calendar")],
    )

    assert message.pk is None and not message.send_on_commit
    assert (message.recipient, message.to_email, message.kind, message.day, message.key) == (
        responsible,
        responsible.email,
        MessageKind.CHANGED,
        DAY,
        "event:1",
    )
    assert (message.subject, message.body_text, message.body_html) == ("Тема", "Текст\n", "<p>Текст</p>\n")
    assert message.related_ids == [3, 1]
    assert message.attachments == [
        {"filename": "a.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR", "base64": False}
    ]
    assert message.status == OutboxStatus.PENDING


def test_subject_and_text_are_plain_text_and_only_the_html_is_escaped(db):
    subject, text, html = message_render(template=SAMPLE, context={"subject": TRICKY, "text": TRICKY})

    assert subject == 'Тема "кавычки" & <b>жирно</b> вторая строка'  # as written, on one line
    assert text == TRICKY + "\n"
    assert html == "<p>Тема &quot;кавычки&quot; &amp; &lt;b&gt;жирно&lt;/b&gt;\nвторая строка</p>\n"


def test_a_long_subject_is_cut_to_the_column(db):
    subject, _text, _html = message_render(template=SAMPLE, context={"subject": "Тема " * 100, "text": ""})

    assert len(subject) == 255 and "\n" not in subject


def test_binary_attachments_survive_the_row(db):
    content = bytes(range(256))
    stored = Attachment("data.bin", content, "application/octet-stream").as_json()

    assert stored["base64"] is True
    assert Attachment.from_json(stored) == Attachment("data.bin", content, "application/octet-stream")


def test_a_row_already_there_is_kept_as_it_is(db, responsible):
    outbox_messages_add(messages=[build(responsible, subject="Первое", text="Текст", day=DAY)])
    outbox_messages_add(
        messages=[
            build(responsible, subject="Второе", text="Текст", day=DAY),
            build(responsible, subject="Другой день", text="Текст", day=DAY.replace(day=11)),
        ]
    )

    assert sorted(OutboxMessage.objects.values_list("subject", flat=True)) == ["Другой день", "Первое"]


def test_a_message_of_a_persons_action_is_sent_when_the_transaction_commits(
    db, responsible, smtp_server, eager_jobs, django_capture_on_commit_callbacks
):
    other = make_user("planned_reader")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox_messages_add(
            messages=[
                build(responsible, subject="Возвращено", text="Текст", day=DAY, send_on_commit=True),
                build(other, subject="Сводка", text="Текст", day=DAY),  # planned: the daily run drains it
            ]
        )
    assert len(callbacks) == 1 and smtp_server.recorder.messages == []  # nothing before the commit

    callbacks[0]()

    assert [m["Subject"] for m in smtp_server.recorder.messages] == ["Возвращено"]
    statuses = dict(OutboxMessage.objects.values_list("recipient__username", "status"))
    assert statuses == {responsible.username: OutboxStatus.SENT, other.username: OutboxStatus.PENDING}


def test_planned_messages_are_not_handed_over(db, responsible, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        outbox_messages_add(messages=[build(responsible, subject="Сводка", text="Текст", day=DAY)])

    assert callbacks == []


def test_a_broker_that_is_down_does_not_fail_the_action(db, responsible, django_capture_on_commit_callbacks, caplog):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with producer_broker(closed, new_queue()), django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox_messages_add(
            messages=[build(responsible, subject="Отменено", text="Текст", day=DAY, send_on_commit=True)]
        )

    assert len(callbacks) == 1
    assert "Could not hand 1 outbox messages to the sender; the sweep will send them" in caplog.text
    assert OutboxMessage.objects.get().status == OutboxStatus.PENDING  # left to the sweep
