"""The approval life cycle: every transition × every role, returns, carrying items, the log."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_fsm import TransitionNotAllowed

from approvals.models import ApprovalState, Decision
from lifecycle.exceptions import (
    CommentRequired,
    ConcurrentChange,
    TransitionBlocked,
    TransitionForbidden,
    TransitionNotAvailable,
)
from lifecycle.kernel import available, fire
from tests.factories import make_plan
from workflow.models import AgendaItem, Plan, Session

S, OH, DH, R, OUT = "secretary", "office_head", "department_head", "responsible", "outsider"

# (transition, state it starts from, roles allowed, state it ends in)
RULES = [
    ("submit", ApprovalState.DRAFT, {S, OH}, ApprovalState.SUBMITTED),
    ("agree", ApprovalState.SUBMITTED, {OH}, ApprovalState.AGREED),
    ("approve", ApprovalState.AGREED, {DH}, ApprovalState.APPROVED),
    ("return", ApprovalState.SUBMITTED, {OH}, ApprovalState.DRAFT),
    ("return", ApprovalState.AGREED, {DH}, ApprovalState.DRAFT),
    ("archive", ApprovalState.APPROVED, {OH, DH}, ApprovalState.ARCHIVED),
]
PATH_TO = {
    ApprovalState.DRAFT: [],
    ApprovalState.SUBMITTED: [("submit", S)],
    ApprovalState.AGREED: [("submit", S), ("agree", OH)],
    ApprovalState.APPROVED: [("submit", S), ("agree", OH), ("approve", DH)],
}


def _plan_in(state, personas, **kwargs):
    plan = make_plan(items_per_session=2, **kwargs)
    for name, role in PATH_TO[state]:
        fire(obj=plan, name=name, by=personas[role])
    return plan


@pytest.mark.django_db
@pytest.mark.parametrize("role", [S, OH, DH, R, OUT])
@pytest.mark.parametrize(("name", "source", "allowed", "target"), RULES)
def test_every_transition_for_every_role(personas, role, name, source, allowed, target):
    plan = _plan_in(source, personas)
    before = Decision.objects.count()
    if role in allowed:
        decision = fire(obj=plan, name=name, by=personas[role], comment="Комментарий")
        assert plan.state == target
        assert Plan.objects.get(pk=plan.pk).state == target
        assert decision.actor == personas[role]
        assert decision.actor_position == personas[role].position
        assert (decision.from_state, decision.to_state, decision.comment) == (source, target, "Комментарий")
        assert name in [d.transition for d in Decision.objects.for_object(plan)]
    else:
        with pytest.raises(TransitionForbidden):
            fire(obj=plan, name=name, by=personas[role], comment="Комментарий")
        assert Plan.objects.get(pk=plan.pk).state == source
        assert Decision.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "wrong_state", "role"), [
    ("agree", ApprovalState.DRAFT, OH),  # no skipping agreement…
    ("approve", ApprovalState.SUBMITTED, DH),  # …or approval's order
    ("approve", ApprovalState.DRAFT, DH),
    ("submit", ApprovalState.SUBMITTED, S),
    ("archive", ApprovalState.AGREED, OH),
    ("return", ApprovalState.DRAFT, OH),
    ("return", ApprovalState.APPROVED, DH),
])
def test_transition_in_the_wrong_state_is_refused(personas, name, wrong_state, role):
    plan = _plan_in(wrong_state, personas)
    count = Decision.objects.count()
    with pytest.raises(TransitionNotAvailable) as error:
        fire(obj=plan, name=name, by=personas[role], comment="x")
    assert error.value.status == 409
    assert "текущее состояние" in error.value.message
    assert Plan.objects.get(pk=plan.pk).state == wrong_state
    assert Decision.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "role"), [(ApprovalState.SUBMITTED, OH), (ApprovalState.AGREED, DH)])
@pytest.mark.parametrize("comment", ["", "   "])
def test_return_needs_a_comment(personas, state, role, comment):
    plan = _plan_in(state, personas)
    with pytest.raises(CommentRequired) as error:
        fire(obj=plan, name="return", by=personas[role], comment=comment)
    assert error.value.status == 400
    assert Plan.objects.get(pk=plan.pk).state == state


@pytest.mark.django_db
def test_return_records_the_comment_and_goes_back_to_draft(personas):
    plan = _plan_in(ApprovalState.AGREED, personas)
    decision = fire(obj=plan, name="return", by=personas[DH], comment="  Уточнить сроки  ")
    assert plan.state == ApprovalState.DRAFT
    assert decision.comment == "Уточнить сроки"
    assert set(AgendaItem.objects.filter(plan=plan).values_list("state", flat=True)) == {ApprovalState.DRAFT}


@pytest.mark.django_db
def test_state_cannot_be_written_directly(personas):
    plan = make_plan()
    with pytest.raises(AttributeError):
        plan.state = ApprovalState.APPROVED
    with pytest.raises(TransitionNotAllowed):
        plan.fsm_approve()  # the FSM itself refuses to skip states


@pytest.mark.django_db
def test_agreeing_and_approving_the_plan_carries_its_items(personas):
    plan = _plan_in(ApprovalState.DRAFT, personas)
    items = list(AgendaItem.objects.filter(plan=plan))
    for name, role, state in [("submit", S, ApprovalState.SUBMITTED), ("agree", OH, ApprovalState.AGREED),
                              ("approve", DH, ApprovalState.APPROVED)]:
        decision = fire(obj=plan, name=name, by=personas[role], comment="ok")
        assert set(AgendaItem.objects.filter(plan=plan).values_list("state", flat=True)) == {state}
        carried = Decision.objects.filter(carried_by=decision)
        assert carried.count() == len(items)
        assert {d.actor_id for d in carried} == {personas[role].pk}
    sheet = Decision.objects.for_object(items[0])
    assert [d.transition for d in sheet] == ["submit", "agree", "approve"]


@pytest.mark.django_db
def test_items_move_with_their_plan_until_it_is_approved(personas):
    plan = _plan_in(ApprovalState.SUBMITTED, personas)
    item = AgendaItem.objects.filter(plan=plan).first()
    assert available(obj=item, user=personas[OH]) == []
    with pytest.raises(TransitionBlocked) as error:
        fire(obj=item, name="agree", by=personas[OH])
    assert "вместе с планом" in error.value.message


@pytest.mark.django_db
def test_an_amendment_to_an_approved_plan_runs_its_own_cycle(personas):
    plan = _plan_in(ApprovalState.APPROVED, personas)
    session = Session.objects.filter(plan=plan).first()
    amendment = AgendaItem.objects.create(plan=plan, session=session, order=9, text="Дополнительный вопрос",
                                          is_amendment=True)
    for name, role, state in [("submit", S, "submitted"), ("return", OH, "draft"), ("submit", S, "submitted"),
                              ("agree", OH, "agreed"), ("approve", DH, "approved")]:
        fire(obj=amendment, name=name, by=personas[role], comment="правка")
        assert amendment.state == state
    assert Plan.objects.get(pk=plan.pk).state == ApprovalState.APPROVED  # the plan was never re-opened
    others = AgendaItem.objects.filter(plan=plan).exclude(pk=amendment.pk)
    assert set(others.values_list("state", flat=True)) == {ApprovalState.APPROVED}
    assert [d.transition for d in Decision.objects.for_object(amendment)] == [
        "submit", "return", "submit", "agree", "approve"]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "role", "expected"), [
    (ApprovalState.DRAFT, S, ["submit"]),
    (ApprovalState.DRAFT, OH, ["submit"]),
    (ApprovalState.DRAFT, DH, []),
    (ApprovalState.SUBMITTED, OH, ["agree", "return"]),
    (ApprovalState.SUBMITTED, S, []),
    (ApprovalState.AGREED, DH, ["approve", "return"]),
    (ApprovalState.AGREED, OH, []),
    (ApprovalState.APPROVED, DH, ["archive"]),
    (ApprovalState.APPROVED, R, []),
    (ApprovalState.APPROVED, OUT, []),
])
def test_available_transitions_for_the_caller(personas, state, role, expected):
    plan = _plan_in(state, personas)
    assert available(obj=plan, user=personas[role]) == expected


@pytest.mark.django_db
def test_a_stale_object_gets_a_conflict(personas):
    plan = _plan_in(ApprovalState.SUBMITTED, personas)
    stale = Plan.objects.get(pk=plan.pk)
    fire(obj=plan, name="agree", by=personas[OH])
    with pytest.raises(ConcurrentChange) as error:
        fire(obj=stale, name="return", by=personas[OH], comment="поздно")
    assert error.value.status == 409
    assert Decision.objects.for_object(plan).count() == 2


@pytest.mark.django_db
def test_decisions_are_append_only(personas):
    plan = _plan_in(ApprovalState.SUBMITTED, personas)
    decision = Decision.objects.for_object(plan).get()
    decision.comment = "подделка"
    with pytest.raises(PermissionError):
        decision.save()
    with pytest.raises(PermissionError):
        decision.delete()
    with pytest.raises(PermissionError):
        Decision.objects.all().update(comment="x")
    with pytest.raises(PermissionError):
        Decision.objects.all().delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_agrees_give_one_decision_and_one_conflict(personas):
    """Real threads, real connections: both read 'submitted', both try to agree."""
    plan = _plan_in(ApprovalState.SUBMITTED, personas)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def agree():
        stale = Plan.objects.get(pk=plan.pk)
        barrier.wait()
        try:
            fire(obj=stale, name="agree", by=personas[OH], comment="согласовано")
            outcomes.append("ok")
        except (ConcurrentChange, TransitionNotAvailable) as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=agree) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(type, outcomes), key=str) == sorted([str, ConcurrentChange], key=str)
    error = next(o for o in outcomes if o != "ok")
    assert error.status == 409
    assert Decision.objects.for_object(plan).filter(transition="agree").count() == 1
    assert Plan.objects.get(pk=plan.pk).state == ApprovalState.AGREED
