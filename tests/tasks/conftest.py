"""Fixtures for the tasks tests: an aiosmtpd server on a free loopback port, tasks built fast."""

from __future__ import annotations

import datetime
import socket
import threading
from email import message_from_bytes
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller

from lifecycle.kernel import fire
from tests.factories import make_plan


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """Keeps every message the server accepted, parsed, with the client's address."""

    def __init__(self, refuse: frozenset[str] = frozenset()):
        self.messages = []
        self.peers = []
        self.refuse = refuse  # refused for good at RCPT (550)
        self.refuse_for_now = frozenset()  # refused for now at RCPT (451, as greylisting does)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 No such user here"
        if address in self.refuse_for_now:
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=email_policy.default))
            self.peers.append(session.peer)
        return "250 Message accepted for delivery"

    def to(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)

    @staticmethod
    def text(message) -> str:
        return message.get_body(("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(("html",)).get_content()


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.recorder = Recorder()
        self.controller = None

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django's SMTP backend pointed at it."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def approve(plan, secretary, office_head, department_head):
    for name, by in (("submit", secretary), ("agree", office_head), ("approve", department_head)):
        fire(obj=plan, name=name, by=by)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def make_task(db):
    """A task built directly (the rules are tested elsewhere): ``make_task(assignee, due, state=...)``."""
    from tasks.models import PreparationTask, TaskKind

    plans = {}

    def build(assignee, due_date: datetime.date, *, state: str = "assigned", session_month=None, title=None):
        year = (session_month or due_date).year
        if year not in plans:
            plans[year] = make_plan(year=year, sessions=1, items_per_session=1)
        plan = plans[year]
        session = plan.sessions.get()
        item = plan.items.get()
        return PreparationTask.objects.create(
            item=item,
            session=session,
            assignee=assignee,
            kind=TaskKind.ITEM_PREPARATION,
            kind_key=f"item:{PreparationTask.objects.count()}",
            title=title or f"Подготовка вопроса «{item.text}»",
            due_date=due_date,
            state=state,
        )

    return build


@pytest.fixture
def rule_settings(settings):
    """The assignment rules the assignment tests read: due 10 days before the session, tasks made
    60 days ahead, a session known by its month on the 15th."""
    settings.TASKS_DUE_DAYS_BEFORE = 10
    settings.TASKS_ASSIGN_WINDOW_DAYS = 60
    settings.SESSION_DEFAULT_DAY = 15


@pytest.fixture
def policy(db):
    """The reminder policy the reminder tests read: 3 days before, on the day, every 2nd day
    late, escalation after 3 days."""
    from tasks.models import ReminderPolicy

    policy = ReminderPolicy.current()
    policy.days_before_due, policy.remind_on_due_date = 3, True
    policy.overdue_every_days, policy.escalate_after_days = 2, 3
    policy.save()
    return policy
