"""Fixtures for the outbox tests: messages built by the one builder from small templates of the
tests' own (``templates/outbox_test/sample_*``: the subject and the text as given, the text in a
paragraph for HTML), real SMTP servers (aiosmtpd) and, for the fault tests, Redis and people
with late tasks."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from outbox.models import MessageKind, OutboxMessage
from outbox.services import outbox_message_build, outbox_messages_add
from tests.factories import make_user

# Fixtures shared with the tasks and fault tests, used here under the same names.
from tests.faults.conftest import overdue_people, redis_server, smtp  # noqa: F401
from tests.tasks.conftest import make_task, smtp_server  # noqa: F401

TEMPLATES_DIR = Path(__file__).with_name("templates")
SAMPLE = "outbox_test/sample"


@pytest.fixture(autouse=True)
def sample_templates(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES_DIR]}, *settings.TEMPLATES[1:]]


def build(recipient, *, subject: str, text: str, day: datetime.date, **fields) -> OutboxMessage:
    """An unsaved row from the sample templates (``fields``: kind, key, attachments, ...)."""
    fields.setdefault("kind", MessageKind.REMINDER)
    return outbox_message_build(
        recipient=recipient, day=day, template=SAMPLE, context={"subject": subject, "text": text}, **fields
    )


def queue(count: int, *, day: datetime.date, prefix: str = "reader", **fields) -> list[OutboxMessage]:
    """``count`` messages to ``count`` new people, inserted; returned in order, saved."""
    people = [make_user(f"{prefix}{n}") for n in range(count)]
    outbox_messages_add(
        messages=[
            build(person, subject=f"Напоминание {n}", text=f"Текст {n}", day=day, **fields)
            for n, person in enumerate(people)
        ]
    )
    rows = {row.recipient_id: row for row in OutboxMessage.objects.filter(recipient__in=people)}
    return [rows[person.pk] for person in people]
