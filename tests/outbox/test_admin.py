"""The outbox in the admin: listed and filtered, read-only, deleted only while unsent."""

import datetime

import pytest
from django.test import Client

from outbox.models import OutboxMessage, OutboxStatus
from outbox.services import outbox_messages_add
from tests.factories import make_user
from tests.outbox.conftest import build

D = datetime.date


@pytest.fixture
def admin_client_(db):
    admin = make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def _outbox_row(recipient, status: str) -> OutboxMessage:
    outbox_messages_add(
        messages=[build(recipient, subject="Напоминание", text="Текст", day=D(2031, 3, 10), key=status)]
    )
    row = OutboxMessage.objects.get(recipient=recipient, key=status)
    OutboxMessage.objects.filter(pk=row.pk).update(status=status)
    row.refresh_from_db()
    return row


def test_the_outbox_list_and_a_row_render(admin_client_, responsible):
    row = _outbox_row(responsible, OutboxStatus.PENDING)

    listed = admin_client_.get("/admin/outbox/outboxmessage/?status=pending")
    assert listed.status_code == 200 and listed.context["cl"].result_count == 1
    assert admin_client_.get(f"/admin/outbox/outboxmessage/{row.pk}/change/").status_code == 200


def test_only_an_unsent_outbox_row_may_be_deleted_one_at_a_time(admin_client_, responsible):
    sent, sending = _outbox_row(responsible, OutboxStatus.SENT), _outbox_row(responsible, OutboxStatus.SENDING)
    pending, failed = _outbox_row(responsible, OutboxStatus.PENDING), _outbox_row(responsible, OutboxStatus.FAILED)

    for row in (sent, sending):
        assert admin_client_.post(f"/admin/outbox/outboxmessage/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = admin_client_.get("/admin/outbox/outboxmessage/")
    assert "delete_selected" not in changelist.content.decode()
    admin_client_.post(
        "/admin/outbox/outboxmessage/",
        {"action": "delete_selected", "_selected_action": [sent.pk, pending.pk], "post": "yes"},
    )
    assert OutboxMessage.objects.count() == 4

    for row in (pending, failed):
        answer = admin_client_.post(f"/admin/outbox/outboxmessage/{row.pk}/delete/", {"post": "yes"})
        assert answer.status_code == 302
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {sent.pk, sending.pk}


def test_retry_now_puts_failed_rows_back_in_the_queue(admin_client_, responsible):
    failed, sent = _outbox_row(responsible, OutboxStatus.FAILED), _outbox_row(responsible, OutboxStatus.SENT)

    answer = admin_client_.post(
        "/admin/outbox/outboxmessage/", {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]}
    )

    assert answer.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == OutboxStatus.PENDING and sent.status == OutboxStatus.SENT
