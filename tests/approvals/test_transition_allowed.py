"""``transition_allowed`` (and so ``transitions_available``, which lists every object's actions
in the API) answers exactly as ``transition_check`` does, for every role, state and action."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, User
from approvals.models import ApprovalState, TransitionName
from lifecycle.exceptions import TransitionError
from lifecycle.kernel import allowed, available, check
from workflow.models import AgendaItem, Plan

USERS = {
    "anonymous": AnonymousUser(),
    "inactive office head": User(username="gone", role=Role.OFFICE_HEAD, is_active=False),
    **{f"role {role or 'none'}": User(username=f"u-{role}", role=role) for role in Role.values},
}
NAMES = [*TransitionName.values, "unknown"]


def _objects():
    for state in ApprovalState.values:
        yield f"plan {state}", Plan(year=2030, state=state)
    for plan_state, state in itertools.product(ApprovalState.values, ApprovalState.values):
        yield f"item {state} of plan {plan_state}", AgendaItem(plan=Plan(year=2030, state=plan_state), state=state)


def _check_passes(obj, name, user) -> bool:
    try:
        check(obj=obj, name=name, by=user)
    except TransitionError:
        return False
    return True


@pytest.mark.parametrize("who", list(USERS))
def test_allowed_agrees_with_check(who):
    user = USERS[who]
    seen_allowed = 0
    for label, obj in _objects():
        for name in NAMES:
            expected = _check_passes(obj, name, user)
            assert allowed(obj=obj, name=name, by=user) is expected, (label, name)
            seen_allowed += expected
        assert available(obj=obj, user=user) == [
            name for name in TransitionName.values if _check_passes(obj, name, user)
        ], label
    if who in ("role secretary", "role office_head", "role department_head"):
        assert seen_allowed > 0


def test_examples():
    head, department_head = USERS["role office_head"], USERS["role department_head"]
    assert available(obj=Plan(year=2030, state=ApprovalState.SUBMITTED), user=head) == ["agree", "return"]
    assert available(obj=Plan(year=2030, state=ApprovalState.AGREED), user=department_head) == [
        "approve",
        "return",
    ]
    # An item moves with its plan; an amendment to an approved plan goes on its own.
    submitted = Plan(year=2030, state=ApprovalState.SUBMITTED)
    approved = Plan(year=2030, state=ApprovalState.APPROVED)
    assert available(obj=AgendaItem(plan=submitted, state=ApprovalState.SUBMITTED), user=head) == []
    assert available(obj=AgendaItem(plan=approved, state=ApprovalState.SUBMITTED), user=head) == [
        "agree",
        "return",
    ]
    assert available(obj=AgendaItem(plan=approved, state=ApprovalState.APPROVED), user=head) == []
