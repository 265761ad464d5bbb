"""The plan tree and the task list build their rows directly, for speed (docs/BENCHMARKS.md).
Those rows must stay exactly what the serializers' declared fields give (the schema is made
from the fields): each response is compared with DRF's generic serialization of the same rows."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db.models import Prefetch
from rest_framework import serializers

from lifecycle.kernel import fire
from tasks.models import PreparationTask, TaskKind, TaskState
from tasks.serializers import TaskSerializer
from tasks.uploads import task_result_attach
from workflow import edit_services
from workflow.models import AgendaItem, Plan, Project, Responsibility, Session
from workflow.selectors import attach_tree
from workflow.serializers import AgendaItemNodeSerializer, SessionNodeSerializer

NOW = datetime.datetime(2023, 1, 16, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


class GenericItemNode(AgendaItemNodeSerializer):
    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = GenericItemNode(many=True, read_only=True, source="tree_children")
        return fields

    def to_representation(self, item):
        return serializers.Serializer.to_representation(self, item)


class GenericSessionNode(SessionNodeSerializer):
    items = GenericItemNode(many=True, read_only=True, source="tree_items")


class GenericTask(TaskSerializer):
    def to_representation(self, task):
        return serializers.Serializer.to_representation(self, task)


def _reference_sessions(plan: Plan, user) -> list[dict]:
    """The plan's sessions as the generic serializers give them, from prefetched model objects."""
    items = AgendaItem.objects.filter(plan=plan)
    if user.role == "responsible":
        items = items.exclude(state="draft")
    items = list(
        items.select_related("project")
        .prefetch_related(
            Prefetch("responsibilities", queryset=Responsibility.objects.select_related("person", "group"))
        )
        .order_by("order", "id")
    )
    sessions = list(Session.objects.filter(plan=plan).order_by("number"))
    attach_tree(plan, items, sessions)
    context = {"request": SimpleNamespace(user=user)}
    return GenericSessionNode(plan.tree_sessions, many=True, context=context).data


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node["children"])


@pytest.fixture
def plan_with_amendment(approved_plan, secretary, portfolio_group):
    """The approved seed plan, one item linked to a project, and a draft amendment."""
    project = Project.objects.create(name="Школа — территория здоровья", kind="network")
    AgendaItem.objects.filter(pk=approved_plan.items.order_by("id").first().pk).update(project=project)
    session = approved_plan.sessions.order_by("number").last()
    edit_services.item_create(
        by=secretary, session=session, text="Дополнительный вопрос", persons=[secretary], groups=[portfolio_group]
    )
    return approved_plan


@pytest.mark.parametrize("role", ["secretary", "office_head", "department_head", "responsible"])
def test_plan_tree_is_what_the_declared_fields_give(api_as, personas, plan_with_amendment, role):
    user = personas[role]
    body = api_as(user).get(f"/api/plans/{plan_with_amendment.pk}/").json()

    assert body["sessions"] == _reference_sessions(plan_with_amendment, user)
    # The comparison covered what varies: nesting, people and groups, a project, an amendment.
    nodes = list(_walk(item for session in body["sessions"] for item in session["items"]))
    assert any(node["children"] for node in nodes)
    assert any(r["kind"] == "group" for node in nodes for r in node["responsibles"])
    assert any(r["kind"] == "person" for node in nodes for r in node["responsibles"])
    assert any(node["project_name"] for node in nodes)
    amendments = [node for node in nodes if node["is_amendment"]]
    assert len(amendments) == (0 if role == "responsible" else 1)
    if role in ("secretary", "office_head"):
        assert amendments[0]["available_transitions"] == ["submit"]


def test_plan_tree_of_a_submitted_plan(api_as, personas, seed_plan):
    fire(obj=seed_plan, name="submit", by=personas["secretary"])
    head = personas["office_head"]
    body = api_as(head).get(f"/api/plans/{seed_plan.pk}/").json()
    assert body["sessions"] == _reference_sessions(seed_plan, head)
    assert body["available_transitions"] == ["agree", "return"]


@pytest.fixture
def tasks_in_every_state(db, approved_plan, responsible, responsible2, office_head, settings, tmp_path):
    """Tasks of the approved plan in every state, with history, a result file and text, late or not."""
    settings.MEDIA_ROOT = tmp_path
    item = approved_plan.items.order_by("id").first()
    today = NOW.date()

    def task(n: int, assignee, due: datetime.date) -> PreparationTask:
        return PreparationTask.objects.create(
            item=item,
            session=item.session,
            assignee=assignee,
            kind=TaskKind.ITEM_PREPARATION,
            kind_key=f"item:{n}",
            title=f"Подготовка вопроса № {n}",
            due_date=due,
        )

    late, ahead, done, returned, cancelled = (
        task(1, responsible, today - datetime.timedelta(days=3)),
        task(2, responsible, today + datetime.timedelta(days=5)),
        task(3, responsible, today + datetime.timedelta(days=1)),
        task(4, responsible2, today - datetime.timedelta(days=1)),
        task(5, responsible2, today + datetime.timedelta(days=9)),
    )
    task(6, responsible2, today)  # due today: not late yet
    submitted = task(7, responsible, today + datetime.timedelta(days=2))
    fire(obj=late, name="start", by=responsible)
    for t, assignee in ((done, responsible), (returned, responsible2), (submitted, responsible)):
        fire(obj=t, name="start", by=assignee)
        task_result_attach(
            task=t, by=assignee, file=ContentFile(b"%PDF-1.4\n%\xe2\xe3\n", name="otchet.pdf"), text="Отчёт"
        )
        fire(obj=t, name="submit", by=assignee)
    task_result_attach(task=ahead, by=responsible, text="Черновик отчёта")
    fire(obj=done, name="accept", by=office_head)
    fire(obj=returned, name="return", by=office_head, comment="Нужны цифры")
    fire(obj=cancelled, name="cancel", by=office_head, comment="Тема снята")
    return PreparationTask.objects.all()


@pytest.mark.parametrize("role", ["office_head", "responsible", "responsible2", "secretary"])
def test_task_rows_are_what_the_declared_fields_give(api_as, personas, responsible2, tasks_in_every_state, role):
    user = responsible2 if role == "responsible2" else personas[role]
    client = api_as(user)
    response = client.get("/api/tasks/")
    rows = response.json()["results"]
    request, view = response.renderer_context["request"], response.renderer_context["view"]
    reference = GenericTask(view.filter_queryset(view.get_queryset()), many=True, context={"request": request}).data

    assert rows == [dict(row) for row in reference]
    assert client.get(f"/api/tasks/{rows[0]['id']}/").json() == rows[0]
    # The comparison covered what varies: every state, lateness, results, history, actions.
    if role in ("office_head", "secretary"):
        assert {row["state"] for row in rows} == set(TaskState)
        assert any(row["is_overdue"] and row["days_late"] == 3 for row in rows)
        assert any(row["result_file"] and row["result_text"] and len(row["events"]) >= 3 for row in rows)
    expected_actions = {
        "office_head": {("cancel",), (), ("accept", "return", "cancel")},
        "secretary": {()},
        "responsible": {("start",), ()},  # the task in progress has no result yet: nothing to submit
        "responsible2": {("start",), ("submit",), ()},
    }[role]
    assert {tuple(row["transitions"]) for row in rows} == expected_actions
