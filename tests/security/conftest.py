"""A small world for the security tests: an approved plan, one task for each of two
responsible persons, and clients signed in by token (API) or by session (pages)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lifecycle.kernel import fire
from tasks.models import PreparationTask, TaskKind
from tests.factories import make_plan

ROLES = ("secretary", "office_head", "department_head", "responsible", "responsible2", "outsider", "anonymous")


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def page_client(user, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    if user is not None:
        client.force_login(user)
    return client


def _task(*, plan, assignee, order: int) -> PreparationTask:
    item = plan.items.order_by("order", "id")[order]
    return PreparationTask.objects.create(
        item=item,
        session=item.session,
        assignee=assignee,
        kind=TaskKind.ITEM_PREPARATION,
        kind_key="item",
        title=f"Подготовка вопроса «{item.text}»",
        due_date=datetime.date(2030, 1, 5),
    )


@pytest.fixture
def people(personas, responsible2):
    return {**personas, "responsible2": responsible2, "anonymous": None}


@pytest.fixture
def world(people):
    plan = make_plan(year=2030, sessions=1, items_per_session=2, responsible=people["responsible"])
    for name, by in (("submit", "secretary"), ("agree", "office_head"), ("approve", "department_head")):
        fire(obj=plan, name=name, by=people[by])
    submitted = make_plan(year=2031, sessions=1, items_per_session=1)
    fire(obj=submitted, name="submit", by=people["secretary"])
    return {
        "plan": plan,
        "submitted": submitted,
        "task": _task(plan=plan, assignee=people["responsible"], order=0),
        "other_task": _task(plan=plan, assignee=people["responsible2"], order=1),
    }
