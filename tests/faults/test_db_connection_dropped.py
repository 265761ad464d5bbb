"""A PostgreSQL connection dropped in the middle of a transition (``pg_terminate_backend``
from another connection while the transition holds the row lock, after its decision / history
row was written and before the commit): nothing of it remains — no decision without the
state change, no state change without the decision — the lock is released, and the same
transition succeeds on a fresh connection."""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.db import connection, connections
from django.db.models.signals import post_save

from approvals.models import Decision
from lifecycle.kernel import fire
from tasks.models import PreparationTask, TaskEvent, TaskKind
from tests.factories import make_plan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]


def _admin_dsn() -> str:
    s = connection.settings_dict
    return (f"host={s.get('HOST') or '127.0.0.1'} port={s.get('PORT') or 5432} user={s.get('USER') or 'postgres'} "
            f"dbname={s['NAME']}" + (f" password={s['PASSWORD']}" if s.get("PASSWORD") else ""))


def _drop_connection_mid_transition(audit_model, fire) -> Exception:
    """Run ``fire()`` in a thread; when it writes its ``audit_model`` row, terminate its backend
    from another connection, then let it go on to its commit. Returns what ``fire`` raised."""
    written, terminated = threading.Event(), threading.Event()
    outcome = {}

    def hold(sender, instance, created, **kwargs):
        if threading.current_thread().name != "transition":
            return
        outcome["pid"] = connections["default"].connection.info.backend_pid
        written.set()
        terminated.wait(10)

    def run():
        try:
            fire()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc
        finally:
            connections.close_all()

    post_save.connect(hold, sender=audit_model, dispatch_uid="faults-hold")
    thread = threading.Thread(target=run, name="transition")
    try:
        thread.start()
        assert written.wait(10), "the transition never wrote its audit row"
        with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
            locks = admin.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND mode = 'RowShareLock'",
                                  [outcome["pid"]]).fetchone()[0]
            assert locks > 0, "the transition should hold its row lock now"
            assert admin.execute("SELECT pg_terminate_backend(%s)", [outcome["pid"]]).fetchone()[0]
        terminated.set()
        thread.join(15)
    finally:
        post_save.disconnect(sender=audit_model, dispatch_uid="faults-hold")
    assert not thread.is_alive()
    return outcome.get("error")


def test_plan_approval_with_its_connection_dropped_is_all_or_nothing(personas):
    plan = make_plan(year=2037, sessions=1, items_per_session=2)
    fire(obj=plan, name="submit", by=personas["secretary"])
    fire(obj=plan, name="agree", by=personas["office_head"])
    decisions = Decision.objects.count()

    error = _drop_connection_mid_transition(
        Decision, lambda: fire(obj=type(plan).objects.get(pk=plan.pk), name="approve",
                                          by=personas["department_head"]))
    assert error is not None, "the commit on a terminated connection must fail"
    plan.refresh_from_db()
    assert plan.state == "agreed" and Decision.objects.count() == decisions
    assert set(plan.items.values_list("state", flat=True)) == {"agreed"}

    fire(obj=plan, name="approve", by=personas["department_head"])  # the lock is gone
    plan.refresh_from_db()
    assert plan.state == "approved" and Decision.objects.filter(transition="approve", carried_by=None).count() == 1
    print(f"proved: approval killed before commit ({type(error).__name__}) left the plan agreed with no decision "
          f"(items too); retried, it went through once")


def test_task_transition_with_its_connection_dropped_is_all_or_nothing(personas):
    plan = make_plan(year=2038, sessions=1, items_per_session=1)
    item = plan.items.get()
    task = PreparationTask.objects.create(item=item, session=item.session, assignee=personas["responsible"],
                                          kind=TaskKind.ITEM_PREPARATION, kind_key="item", title="Отчёт",
                                          due_date="2038-01-10")
    error = _drop_connection_mid_transition(
        TaskEvent, lambda: fire(obj=PreparationTask.objects.get(pk=task.pk), name="start",
                                           by=personas["responsible"]))
    assert error is not None
    task.refresh_from_db()
    assert task.state == "assigned" and not TaskEvent.objects.filter(task=task).exists()
    fire(obj=task, name="start", by=personas["responsible"])
    assert task.state == "in_progress" and TaskEvent.objects.filter(task=task).count() == 1
    print(f"proved: a task transition killed before commit ({type(error).__name__}) left no state change and no "
          f"history row; retried, it went through once")
