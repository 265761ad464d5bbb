"""Building the bench's data fast: plain SQL (generate_series) for the big tables, the ORM for
the small ones. Everything here writes to the dedicated bench database only."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from accounts.models import ResponsibleGroup, Role, User
from approvals.models import ApprovalState
from workflow.models import AgendaItem, Plan, Responsibility, Session
from workflow.months import month_end

PASSWORD_HASH = "!"  # unusable password: the bench signs in by token


def users_create(*, prefix: str, count: int, role: str = Role.RESPONSIBLE) -> list[int]:
    """``count`` active users ``<prefix>-<n>`` with e-mail addresses, by one INSERT … SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                       is_active, date_joined, full_name, short_name, position, role)
            SELECT %s, false, %s || '-' || n, '', '', %s || '-' || n || '@bench.test', false, true, now(),
                   'Исполнитель ' || n, 'Исполнитель ' || n, 'руководитель образовательной организации', %s
            FROM generate_series(1, %s) AS n
            RETURNING id
            """,
            [PASSWORD_HASH, prefix, prefix, role, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def person_create(username: str, role: str, short_name: str) -> User:
    return User.objects.create(username=username, role=role, short_name=short_name, full_name=short_name,
                               email=f"{username}@bench.test", position=str(Role(role).label))


def plan_create(*, year: int, sessions: int, items_per_session: int, people: list[int], group_size: int = 0,
                today: datetime.date, approved: bool = True) -> Plan:
    """A plan whose sessions fall in the preparation window, each item with one responsible
    person and (``group_size``) a group; approved by a queryset update, not by transitions
    (the bench measures the reads and the assignment, not building the data)."""
    plan = Plan.objects.create(year=year, title=f"План заседаний Проектного офиса на {year} год (нагрузка)")
    tz = timezone.get_current_timezone()
    session_rows = []
    for number in range(1, sessions + 1):
        day = today + datetime.timedelta(days=12 + (40 * number) // max(1, sessions))
        starts = datetime.datetime.combine(day, datetime.time(15, 0), tzinfo=tz)
        session = Session(plan=plan, number=number, source_number=f"{number}.", starts_at=starts, state="scheduled")
        session.set_period(start=day.replace(day=1), end=month_end(day))
        session_rows.append(session)
    Session.objects.bulk_create(session_rows)
    session_list = list(plan.sessions.order_by("number"))
    items = AgendaItem.objects.bulk_create(
        AgendaItem(plan=plan, session=session, order=order,
                   text=f"О ходе реализации проекта № {session.number}.{order + 1} в образовательных организациях")
        for session in session_list for order in range(items_per_session)
    )
    groups = []
    if group_size:
        for n in range(max(1, len(items) // 50)):
            group = ResponsibleGroup.objects.create(name=f"Группа {year}-{n}")
            start = (n * group_size) % max(1, len(people) - group_size)
            group.members.add(*people[start:start + group_size])
            groups.append(group)
    responsibilities = []
    for index, item in enumerate(items):
        responsibilities.append(Responsibility(item=item, person_id=people[index % len(people)], order=0))
        if groups:
            responsibilities.append(Responsibility(item=item, group=groups[index % len(groups)], order=1))
    Responsibility.objects.bulk_create(responsibilities, batch_size=2000)
    if approved:
        # The state field is protected on instances; the bench sets it as decisions_carry does.
        Plan.objects.filter(pk=plan.pk).update(state=ApprovalState.APPROVED)
        AgendaItem.objects.filter(plan=plan).update(state=ApprovalState.APPROVED)
    return plan


def tasks_create(*, item: AgendaItem, people: list[int], count: int, today: datetime.date,
                 state: str | None = None, prefix: str = "t") -> None:
    """``count`` tasks on ``item``'s session, round-robin over ``people``, by one INSERT … SELECT.

    Without ``state`` the mix of a city in mid-year (by n mod 100): 5 % overdue by 1–30 days,
    2 % due today, 3 % due in 3 days (the "soon" reminder), 30 % open and due later, 60 %
    done or cancelled. So about 10 % of the tasks are in a day's reminder digests.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tasks_preparationtask (item_id, session_id, project_id, assignee_id, kind, kind_key, title,
                due_date, state, result_file, result_text, assignment_notified_at, created_at, updated_at)
            SELECT %(item)s, %(session)s, NULL, (%(people)s::bigint[])[1 + (hashint8(n::bigint)::bigint + 2147483648) %% %(npeople)s],
                'item_preparation',
                %(prefix)s || ':' || n, 'Подготовка отчёта № ' || n,
                CASE WHEN n %% 100 < 5 THEN %(today)s::date - (1 + (n / 100) %% 30)
                     WHEN n %% 100 < 7 THEN %(today)s::date
                     WHEN n %% 100 < 10 THEN %(today)s::date + 3
                     WHEN n %% 100 < 40 THEN %(today)s::date + 4 + (n %% 100)
                     ELSE %(today)s::date - (n %% 100) END,
                COALESCE(%(state)s, CASE WHEN n %% 100 < 40 THEN (CASE WHEN n %% 2 = 0 THEN 'assigned'
                                                                 ELSE 'in_progress' END)
                                         WHEN n %% 100 < 95 THEN 'done' ELSE 'cancelled' END),
                '', '', now(), now(), now()
            FROM generate_series(0, %(count)s - 1) AS n
            """,
            {"item": item.pk, "session": item.session_id, "people": people, "npeople": len(people),
             "prefix": prefix, "today": today, "state": state, "count": count},
        )
