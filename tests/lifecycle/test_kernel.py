"""The transition kernel: one declaration per life cycle, one way to fire, one answer to
"what may this user fire now" — checked on every declared life cycle."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.dispatch import receiver

from approvals.models import Decision
from lifecycle.exceptions import TransitionError
from lifecycle.kernel import allowed, available, check, fire, transition_fired
from tasks.models import PreparationTask
from tests.factories import make_plan
from workflow.models import AgendaItem, Plan, Session

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Plan, AgendaItem, Session, PreparationTask])
def test_every_life_cycle_is_declared_once_and_drives_the_fsm(model):
    lifecycle = model.lifecycle
    assert lifecycle.names(), model
    state_field = model._meta.get_field("state")
    assert state_field.protected and state_field.default == lifecycle.initial
    assert {value for value, _label in state_field.choices} == set(lifecycle.states.values)
    for declared in lifecycle.transitions:
        meta = getattr(model, declared.method)._django_fsm
        # django-fsm's own transition table is the declaration's source → target, nothing else.
        for source in declared.source:
            assert meta.get_transition(source).target == declared.target
        assert set(meta.transitions) == set(declared.source)


def test_available_is_allowed_for_every_user_and_never_raises(personas):
    plan = make_plan()
    for user in (*personas.values(), None):
        names = available(obj=plan, user=user)
        assert names == [name for name in Plan.lifecycle.names() if allowed(obj=plan, name=name, by=user)]
        for name in Plan.lifecycle.names():
            if name in names:
                check(obj=plan, name=name, by=user)
            else:
                with pytest.raises(TransitionError):
                    check(obj=plan, name=name, by=user)


def test_refusals_give_the_most_useful_answer_first(secretary, office_head, department_head):
    plan = make_plan()
    codes = {}
    for label, user, name in (
        ("role", department_head, "agree"),  # a role that may never agree: 403 before the state
        ("state", office_head, "agree"),  # the office head may agree, but not a draft: 409
        ("unknown", secretary, "publish"),
    ):
        with pytest.raises(TransitionError) as info:
            check(obj=plan, name=name, by=user)
        codes[label] = (info.value.status, info.value.code)
    assert codes == {"role": (403, "forbidden"), "state": (409, "invalid_state"),
                     "unknown": (409, "unknown_transition")}
    fire(obj=plan, name="submit", by=secretary)
    fire(obj=plan, name="agree", by=office_head)
    with pytest.raises(TransitionError) as info:  # return from «agreed» is the department head's
        check(obj=plan, name="return", by=office_head, comment="x")
    assert (info.value.status, info.value.code) == (403, "forbidden")
    assert "из состояния «Согласовано»" in info.value.message
    with pytest.raises(TransitionError) as info:
        check(obj=plan, name="return", by=department_head, comment="  ")
    assert (info.value.status, info.value.code) == (400, "comment_required")


def test_one_fire_writes_one_log_row_and_sends_one_signal(secretary):
    plan = make_plan()
    heard = []

    @receiver(transition_fired, sender=Plan, weak=False, dispatch_uid="test_kernel_signal")
    def listen(sender, instance, name, from_state, to_state, log, by, **kwargs):
        heard.append((instance.pk, name, from_state, to_state, log.pk, by.pk))

    try:
        log = fire(obj=plan, name="submit", by=secretary, comment="Прошу согласовать")
    finally:
        transition_fired.disconnect(dispatch_uid="test_kernel_signal", sender=Plan)
    assert heard == [(plan.pk, "submit", "draft", "submitted", log.pk, secretary.pk)]
    assert (log.actor, log.actor_name, log.actor_position, log.comment) == (
        secretary, secretary.record_name, secretary.position_label, "Прошу согласовать")
    assert plan.state == "submitted"  # the caller's object is refreshed


def test_a_failing_receiver_rolls_back_the_state_the_log_and_the_cascade(secretary):
    plan = make_plan(items_per_session=2)

    @receiver(transition_fired, sender=Plan, weak=False, dispatch_uid="test_kernel_boom")
    def boom(**kwargs):
        raise RuntimeError("receiver failed")

    try:
        with pytest.raises(RuntimeError):
            fire(obj=plan, name="submit", by=secretary)
    finally:
        transition_fired.disconnect(dispatch_uid="test_kernel_boom", sender=Plan)
    plan.refresh_from_db()
    assert plan.state == "draft"
    assert not Decision.objects.exists()
    assert set(AgendaItem.objects.filter(plan=plan).values_list("state", flat=True)) == {"draft"}


def test_a_stale_object_is_a_conflict_not_a_second_decision(secretary, office_head):
    plan = make_plan()
    stale = Plan.objects.get(pk=plan.pk)
    fire(obj=plan, name="submit", by=secretary)
    with pytest.raises(TransitionError) as info:
        fire(obj=stale, name="submit", by=secretary)
    assert (info.value.status, info.value.code) == (409, "conflict")
    assert Decision.objects.filter(object_id=plan.pk, carried_by=None).count() == 1


@pytest.mark.django_db(transaction=True)
def test_fire_on_a_locked_row_needs_the_callers_transaction(secretary):
    plan = make_plan()
    with pytest.raises(RuntimeError):
        fire(obj=plan, name="submit", by=secretary, locked=True)  # no transaction, so no lock held
    assert not Decision.objects.exists()
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        log = fire(obj=locked, name="submit", by=secretary, locked=True)
        assert locked.state == "submitted" and log.pk  # changed in place, its row written
    assert Plan.objects.get(pk=plan.pk).state == "submitted"
    assert Decision.objects.filter(object_id=plan.pk, carried_by=None).count() == 1


def test_a_refusal_or_a_failing_receiver_on_a_locked_row_leaves_nothing(secretary, office_head):
    plan = make_plan()

    @receiver(transition_fired, sender=Plan, weak=False, dispatch_uid="test_kernel_locked_boom")
    def boom(**kwargs):
        raise RuntimeError("receiver failed")

    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            fire(obj=Plan.objects.select_for_update().get(pk=plan.pk), name="submit", by=secretary, locked=True)
    finally:
        transition_fired.disconnect(dispatch_uid="test_kernel_locked_boom", sender=Plan)
    with pytest.raises(TransitionError), transaction.atomic():
        fire(obj=Plan.objects.select_for_update().get(pk=plan.pk), name="agree", by=office_head, locked=True)
    assert Plan.objects.get(pk=plan.pk).state == "draft" and not Decision.objects.exists()


def test_a_transition_without_an_effect_writes_only_the_state(secretary):
    """Saving every column would also write what the caller changed on its copy in passing."""
    plan = make_plan()
    plan.title = "Не сохранять"
    fire(obj=plan, name="submit", by=secretary)
    stored = Plan.objects.get(pk=plan.pk)
    assert stored.state == "submitted" and stored.title != "Не сохранять"
