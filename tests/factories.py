"""Small factories for tests. Prefer these to building objects by hand."""

from __future__ import annotations

import datetime
import itertools

from accounts.models import ResponsibleGroup, Role, User

PASSWORD = "test-Passw0rd!"
_counter = itertools.count(1)


def make_user(username: str | None = None, *, role: str = Role.RESPONSIBLE, password: str = PASSWORD, **fields) -> User:
    username = username or f"user{next(_counter)}"
    fields.setdefault("email", f"{username}@example.test")
    user = User(username=username, role=role, **fields)
    user.set_password(password)
    user.save()
    return user


def make_group(name: str, members=()) -> ResponsibleGroup:
    group, _ = ResponsibleGroup.objects.get_or_create(name=name)
    if members:
        group.members.add(*members)
    return group


def make_plan(*, year: int = 2030, sessions: int = 1, items_per_session: int = 1, responsible=None, group=None):
    """A draft plan built directly (not by the importer)."""
    from workflow.models import AgendaItem, Plan, Responsibility, Session

    plan = Plan.objects.create(year=year, title=f"План заседаний Проектного офиса на {year} год")
    for number in range(1, sessions + 1):
        session = Session.objects.create(
            plan=plan, number=number, source_number=f"{number}.", planned_month=datetime.date(year, number, 1)
        )
        for order in range(items_per_session):
            item = AgendaItem.objects.create(plan=plan, session=session, order=order, text=f"Тема {number}.{order + 1}")
            if responsible is not None:
                Responsibility.objects.create(item=item, person=responsible, order=0)
            if group is not None:
                Responsibility.objects.create(item=item, group=group, order=1)
    return plan


def rendered(message):
    """``message`` as the sender renders it: a row planned as data (``render_as``) gets its
    subject, text and attachments when it is sent (``outbox.rendering``)."""
    from outbox.rendering import messages_render

    assert message.render_as and not message.body_text, "a planned row has no text until it is sent"
    assert not messages_render([message]), "nothing left to say: the row would be skipped"
    return message
