"""The whole approval life cycle through HTTP only, as a script holding tokens would run it."""

from __future__ import annotations

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import Decision
from workflow.models import AgendaItem, Plan


def _import_seed(client, seed_bytes):
    upload = SimpleUploadedFile("plan-2023.txt", seed_bytes, content_type="text/plain")
    return client.post("/api/plans/import/", {"file": upload}, format="multipart")


def _all_items(plan_body):
    def walk(items):
        for item in items:
            yield item
            yield from walk(item["children"])

    for session in plan_body["sessions"]:
        yield from walk(session["items"])


def test_seed_to_approved_over_http(api_as, personas, seed_bytes):
    secretary = api_as(personas["secretary"])
    office_head = api_as(personas["office_head"])
    department_head = api_as(personas["department_head"])

    with time_machine.travel("2023-01-10 10:00 +0300", tick=False):
        response = _import_seed(secretary, seed_bytes)
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert plan["state"] == "draft" and plan["state_display"] == "Черновик"
    assert plan["year"] == 2023 and plan["created"] is True
    assert [s["number"] for s in plan["sessions"]] == [1, 2, 3, 4, 5]
    first = plan["sessions"][0]
    assert first["due_label"] == "Февраль 2023 г."
    # The three city network projects are nested under their heading, in document order.
    heading = first["items"][0]
    assert heading["text"].startswith("Промежуточные итоги реализации городских сетевых проектов")
    assert len(heading["children"]) == 3 and [c["order"] for c in heading["children"]] == [0, 1, 2]
    assert all(c["project"] for c in heading["children"])
    assert plan["items_count"] == len(list(_all_items(plan)))
    assert plan["available_transitions"] == ["submit"]

    plan_url = f"/api/plans/{plan['id']}/"
    # The same file again: nothing new, the existing plan.
    again = _import_seed(secretary, seed_bytes)
    assert again.status_code == 200 and again.json()["id"] == plan["id"] and again.json()["created"] is False

    steps = [
        (secretary, "submit", "", "submitted", "12:00"),
        (office_head, "agree", "Согласовано без замечаний", "agreed", "13:00"),
        (department_head, "approve", "", "approved", "14:00"),
    ]
    for client, name, comment, state, clock in steps:
        assert name in client.get(plan_url).json()["available_transitions"]
        with time_machine.travel(f"2023-01-10 {clock} +0300", tick=False):
            response = client.post(f"{plan_url}{name}/", {"comment": comment}, format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["state"] == state
        assert {item["state"] for item in _all_items(body)} == {state}

    body = department_head.get(plan_url).json()
    assert body["state_display"] == "Утверждено"
    assert department_head.get(plan_url).json()["available_transitions"] == ["archive"]
    assert secretary.get(plan_url).json()["available_transitions"] == []

    sheet = secretary.get(f"{plan_url}decisions/")
    assert sheet.status_code == 200
    rows = sheet.json()
    assert [(r["transition"], r["from_state"], r["to_state"]) for r in rows] == [
        ("submit", "draft", "submitted"),
        ("agree", "submitted", "agreed"),
        ("approve", "agreed", "approved"),
    ]
    assert [r["actor_name"] for r in rows] == [
        "Иванова Ирина Ивановна",
        "Сергеева Ольга Александровна",
        "Лебедева Людмила Михайловна",
    ]
    assert rows[1]["actor_position"] == "руководитель Проектного офиса"
    assert rows[1]["comment"] == "Согласовано без замечаний"
    assert rows[2]["created_at"].startswith("2023-01-10T14:00:00")
    items_count = body["items_count"]
    assert all(r["carried_items"] == items_count for r in rows)
    # One decision row per transition for the plan, one per item carried along.
    assert Decision.objects.filter(carried_by__isnull=True).count() == 3
    assert Decision.objects.filter(carried_by__isnull=False).count() == 3 * items_count

    # An item's own log lists the decisions it was carried by.
    some_item = next(_all_items(body))
    log = secretary.get(f"/api/agenda-items/{some_item['id']}/decisions/").json()
    assert [r["transition"] for r in log] == ["submit", "agree", "approve"]
    assert all(r["carried_by"] for r in log)


def test_return_needs_a_comment_and_goes_back_to_draft(api_as, personas, seed_plan):
    secretary = api_as(personas["secretary"])
    office_head = api_as(personas["office_head"])
    department_head = api_as(personas["department_head"])
    url = f"/api/plans/{seed_plan.pk}/"
    assert secretary.post(f"{url}submit/", {}, format="json").status_code == 200

    without = office_head.post(f"{url}return/", {"comment": "   "}, format="json")
    assert without.status_code == 400
    assert without.json()["code"] == "comment_required"
    assert "комментари" in without.json()["detail"]

    returned = office_head.post(f"{url}return/", {"comment": "Уточните сроки по заседанию 3."}, format="json")
    assert returned.status_code == 200 and returned.json()["state"] == "draft"
    assert {i["state"] for i in _all_items(returned.json())} == {"draft"}

    # From «agreed» the return is the department head's, not the office head's.
    secretary.post(f"{url}submit/", {}, format="json")
    office_head.post(f"{url}agree/", {}, format="json")
    refused = office_head.post(f"{url}return/", {"comment": "Передумала"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    back = department_head.post(f"{url}return/", {"comment": "Добавьте отчёт по проекту"}, format="json")
    assert back.status_code == 200 and back.json()["state"] == "draft"

    sheet = secretary.get(f"{url}decisions/").json()
    assert [(r["transition"], r["comment"]) for r in sheet] == [
        ("submit", ""),
        ("return", "Уточните сроки по заседанию 3."),
        ("submit", ""),
        ("agree", ""),
        ("return", "Добавьте отчёт по проекту"),
    ]


def test_transitions_in_the_wrong_state_are_conflicts(api_as, personas, seed_plan):
    secretary = api_as(personas["secretary"])
    office_head = api_as(personas["office_head"])
    department_head = api_as(personas["department_head"])
    url = f"/api/plans/{seed_plan.pk}/"

    response = department_head.post(f"{url}approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "invalid_state",
        "detail": "Действие «Утвердить» невозможно: текущее состояние — «Черновик».",
    }
    assert office_head.post(f"{url}archive/", {}, format="json").status_code == 409
    # The wrong role is 403 whatever the state.
    assert secretary.post(f"{url}agree/", {}, format="json").status_code == 403
    assert secretary.post(f"{url}submit/", {}, format="json").status_code == 200
    again = secretary.post(f"{url}submit/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    # Items move with the plan, not on their own.
    item = AgendaItem.objects.filter(plan=seed_plan).first()
    on_its_own = office_head.post(f"/api/agenda-items/{item.pk}/agree/", {}, format="json")
    assert on_its_own.status_code == 409 and on_its_own.json()["code"] == "blocked"
    assert Decision.objects.count() == 1 + seed_plan.items.count()
    # Unknown action: no such URL.
    assert secretary.post(f"{url}reopen/", {}, format="json").status_code == 404


def test_amendment_to_an_approved_plan_runs_its_own_cycle(api_as, personas, approved_plan, responsible):
    secretary = api_as(personas["secretary"])
    office_head = api_as(personas["office_head"])
    department_head = api_as(personas["department_head"])
    session = approved_plan.sessions.order_by("number").first()

    # Existing items of an approved plan are read-only; sessions too.
    item = approved_plan.items.first()
    edit = secretary.patch(f"/api/agenda-items/{item.pk}/", {"text": "Другая тема"}, format="json")
    assert edit.status_code == 409 and edit.json()["code"] == "not_editable"
    assert secretary.patch(f"/api/sessions/{session.pk}/", {"place": "Зал"}, format="json").status_code == 409

    created = secretary.post(
        "/api/agenda-items/",
        {"session": session.pk, "text": "Об итогах мониторинга", "responsible_persons": [responsible.pk]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    amendment = created.json()
    assert amendment["is_amendment"] is True and amendment["state"] == "draft"
    assert amendment["available_transitions"] == ["submit"]
    url = f"/api/agenda-items/{amendment['id']}/"
    assert secretary.patch(url, {"text": "Об итогах мониторинга качества"}, format="json").status_code == 200

    for client, name, state in (
        (secretary, "submit", "submitted"),
        (office_head, "agree", "agreed"),
        (department_head, "approve", "approved"),
    ):
        response = client.post(f"{url}{name}/", {"comment": ""}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == state
    assert Plan.objects.get(pk=approved_plan.pk).state == "approved"

    sheet = secretary.get(f"/api/plans/{approved_plan.pk}/decisions/").json()
    own = [r for r in sheet if r["object_type"] == "agendaitem"]
    assert [r["transition"] for r in own] == ["submit", "agree", "approve"]
    assert own[0]["subject"] == "Об итогах мониторинга качества"
    assert secretary.patch(url, {"text": "Ещё раз"}, format="json").status_code == 409
