"""The outbox moved out of ``tasks``: rows written before the move, their content type and its
permissions survive ``migrate``, and the move can be undone."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from outbox.models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tasks", "0005_sweep_index")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def test_rows_written_before_the_move_are_the_outboxs_after_it():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="before", email="before@example.test")
    old.get_model("tasks", "OutboxMessage").objects.create(
        recipient=user,
        to_email=user.email,
        kind="reminder",
        day=datetime.date(2031, 3, 10),
        key="",
        subject="Напоминание",
        body_text="Текст",
        body_html="<p>Текст</p>",
        task_ids=[7, 8],
        status="sent",
    )
    content_type_id = ContentType.objects.get(app_label="tasks", model="outboxmessage").pk

    _migrate(latest)

    row = OutboxMessage.objects.get()
    assert (row.recipient.username, row.subject, row.related_ids, row.attachments, row.status) == (
        "before",
        "Напоминание",
        [7, 8],
        [],
        OutboxStatus.SENT,
    )
    tables = connection.introspection.table_names()
    assert "outbox_outboxmessage" in tables and "tasks_outboxmessage" not in tables
    moved = ContentType.objects.get_for_model(OutboxMessage)
    assert moved.pk == content_type_id and moved.app_label == "outbox"
    assert not ContentType.objects.filter(app_label="tasks", model="outboxmessage").exists()
    assert Permission.objects.filter(content_type=moved, codename="view_outboxmessage").exists()


def test_every_index_of_the_outbox_is_one_a_query_needs():
    """Each claim and "sent" mark rewrites the row and every index on it: the table keeps its key,
    the unique key (which serves the recipient's foreign key too) and the senders' (status, next
    attempt) index, which serves a filter on the status alone; none duplicated."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, OutboxMessage._meta.db_table)
    indexed = sorted(tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"] or c["primary_key"])
    assert indexed == sorted([("id",), ("recipient_id", "kind", "day", "key"), ("status", "next_attempt_at")])
