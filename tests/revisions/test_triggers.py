"""The revision counters are kept by the database: every kind of write to a watched table moves
its counter in the same transaction, whatever code makes it; the triggers are checked and put
back; without them nothing is cached."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction

from accounts.models import ResponsibleGroup, Substitution, User
from revisions import triggers
from revisions.counters import current
from tasks.models import PreparationTask, TaskEvent
from tests.factories import make_plan
from workflow.models import AgendaItem, Plan, Project, Responsibility, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(responsible, portfolio_group):
    return make_plan(year=2031, sessions=2, items_per_session=2, responsible=responsible, group=portfolio_group)


@pytest.fixture
def task(plan, responsible):
    item = plan.items.first()
    return PreparationTask.objects.create(item=item, session=item.session, assignee=responsible, kind="item_preparation",
                                          kind_key="item", title="Подготовка", due_date=datetime.date(2031, 1, 10))


def _moved(write) -> set[str]:
    """The counters ``write()`` moved (each only up)."""
    before = current()
    write()
    after = current()
    assert all(after.get(name, 0) >= value for name, value in before.items())
    return {name for name in after if after[name] != before.get(name)}


def test_every_watched_table_has_its_trigger_and_no_other():
    assert triggers.installed()
    watched = triggers.watched()
    assert set(watched) == {"plans", "tasks"}
    assert {"workflow_plan", "workflow_session", "workflow_agendaitem", "workflow_responsibility", "workflow_project",
            "accounts_user", "accounts_responsiblegroup", "accounts_substitution"} == set(watched["plans"])
    assert {"tasks_preparationtask", "tasks_taskevent", "meetings_assignment"} == set(watched["tasks"])
    assert set(triggers._expected(connection)) == triggers._existing(connection)


def _plan_writes(plan, responsible, office_head):
    item = plan.items.order_by("id").first()
    session = plan.sessions.order_by("number").first()
    yield "save", lambda: Plan.objects.filter(pk=plan.pk).first().save()
    yield "queryset update", lambda: AgendaItem.objects.filter(plan=plan).update(text="Другая тема")
    yield "raw SQL", lambda: connection.cursor().execute("UPDATE workflow_session SET place = 'Зал' WHERE id = %s",
                                                         [session.pk])
    yield "bulk_create", lambda: Responsibility.objects.bulk_create(
        [Responsibility(item=item, person=office_head, order=5)])
    yield "delete", lambda: Responsibility.objects.filter(item=item, person=office_head).delete()
    yield "create", lambda: Project.objects.create(name="Новый проект")
    yield "a person renamed", lambda: User.objects.filter(pk=responsible.pk).update(short_name="Петров-Водкин П.П.")
    yield "a group renamed", lambda: ResponsibleGroup.objects.update(name="Новое имя группы")
    yield "a substitution", lambda: Substitution.objects.create(
        person=responsible, replaces=office_head, starts_on=datetime.date(2031, 1, 1),
        ends_on=datetime.date(2031, 1, 5), created_by=office_head)
    yield "a cascade", lambda: Session.objects.filter(pk=session.pk).delete()


def test_every_kind_of_write_to_the_plan_tables_moves_the_plans_counter(plan, responsible, office_head):
    for name, write in _plan_writes(plan, responsible, office_head):
        assert _moved(write) == {"plans"}, name


def test_every_kind_of_write_to_the_task_tables_moves_the_tasks_counter(task, responsible, office_head):
    writes = {
        "save": lambda: PreparationTask.objects.get(pk=task.pk).save(),
        "queryset update": lambda: PreparationTask.objects.filter(pk=task.pk).update(title="Другая задача"),
        "history row": lambda: TaskEvent(task=task, transition="start", from_state="assigned", to_state="in_progress",
                                         actor=responsible, actor_name="Петров П.П.").save(),
        "delete": lambda: PreparationTask.objects.filter(pk=task.pk).delete(),
    }
    for name, write in writes.items():
        assert _moved(write) == {"tasks"}, name


def test_a_statement_that_changes_nothing_may_move_it_a_read_never_does(plan):
    assert _moved(lambda: list(AgendaItem.objects.filter(plan=plan))) == set()
    assert _moved(lambda: AgendaItem.objects.select_for_update().filter(plan=plan).exists()) == set()


def test_each_statement_of_a_transaction_moves_it_so_a_transaction_reads_its_own_writes(plan):
    with transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(title="А")
        first = current()["plans"]
        Plan.objects.filter(pk=plan.pk).update(title="Б")
        assert current()["plans"] > first


def test_a_rolled_back_write_leaves_no_value_that_comes_back_with_other_data(plan):
    before = current().get("plans", 0)
    with transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(title="Отменённое")
        seen = current()["plans"]  # what a read inside the transaction keyed its body by
        transaction.set_rollback(True)
    assert current().get("plans", 0) == before
    Plan.objects.filter(pk=plan.pk).update(title="Другое")
    # The bump adds a random amount: the same value again is a one-in-a-million chance.
    assert current()["plans"] not in (before, seen)


@pytest.mark.postgres
def test_truncate_moves_it(plan):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts, checked before TRUNCATE
        assert _moved(lambda: cursor.execute("TRUNCATE workflow_responsibility")) == {"plans"}


def test_a_missing_trigger_is_noticed_and_put_back_by_migrate(plan):
    (table, name), *_rest = sorted(triggers._expected(connection))
    suffix = f" ON {connection.ops.quote_name(table)}" if connection.vendor == "postgresql" else ""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}{suffix}")
        triggers.forget()
        assert not triggers.installed()
        triggers.install_after_migrate(sender=None)  # what every migrate runs (post_migrate)
        assert triggers.installed()
        assert (table, name) in triggers._existing(connection)
    finally:
        triggers.forget()


def test_a_trigger_no_longer_wanted_is_dropped(plan):
    table = "workflow_plan"
    stale = f"{triggers.PREFIX}plans_00000000"
    if connection.vendor == "postgresql":
        sql = (f"CREATE TRIGGER {stale} AFTER UPDATE ON {table} FOR EACH STATEMENT "
               f"EXECUTE FUNCTION {triggers.PREFIX}bump('plans')")
    else:
        sql = f"CREATE TRIGGER {stale} AFTER UPDATE ON {table} BEGIN SELECT 1; END"
    with connection.cursor() as cursor:
        cursor.execute(sql)
    triggers.install()
    assert (table, stale) not in triggers._existing(connection)
    assert set(triggers._expected(connection)) == triggers._existing(connection)
    triggers.forget()
