"""Creating and editing drafts over HTTP; the import endpoint's errors; projects' leads."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from lifecycle.kernel import fire
from tests.factories import make_plan
from workflow.models import AgendaItem, Plan, Project, Session


def test_build_a_plan_from_scratch(api_as, personas, responsible, portfolio_group):
    secretary = api_as(personas["secretary"])
    plan = secretary.post("/api/plans/", {"year": 2035}, format="json")
    assert plan.status_code == 201, plan.json()
    plan = plan.json()
    assert plan["title"] == "План заседаний Проектного офиса на 2035 год"
    assert plan["state"] == "draft" and plan["sessions"] == []
    duplicate = secretary.post("/api/plans/", {"year": 2035}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "duplicate"

    first = secretary.post("/api/sessions/", {"plan": plan["id"], "planned_month": "2035-02-17"}, format="json").json()
    second = secretary.post("/api/sessions/", {"plan": plan["id"], "planned_month": "2035-04-01"}, format="json").json()
    assert (first["number"], first["planned_month"], first["due_label"]) == (1, "2035-02-01", "Февраль 2035 г.")
    assert second["number"] == 2
    taken = secretary.post(
        "/api/sessions/", {"plan": plan["id"], "number": 2, "planned_month": "2035-05-01"}, format="json"
    )
    assert taken.status_code == 400 and taken.json()["code"] == "duplicate"

    heading = secretary.post(
        "/api/agenda-items/",
        {
            "session": first["id"],
            "text": "Итоги реализации городских сетевых проектов:",
            "responsible_groups": [portfolio_group.pk],
        },
        format="json",
    ).json()
    child_b = secretary.post(
        "/api/agenda-items/",
        {
            "session": first["id"],
            "parent": heading["id"],
            "text": "Проект Б",
            "responsible_persons": [responsible.pk],
        },
        format="json",
    ).json()
    child_a = secretary.post(
        "/api/agenda-items/",
        {
            "session": first["id"],
            "parent": heading["id"],
            "text": "Проект А",
            "order": 0,
        },
        format="json",
    ).json()
    assert (heading["order"], child_b["order"]) == (0, 0)
    assert child_b["responsibles"] == [{"kind": "person", "id": responsible.pk, "name": "Петров П.П."}]
    assert heading["responsibles"] == [{"kind": "group", "id": portfolio_group.pk, "name": portfolio_group.name}]

    # A parent from another session is refused; so is nesting an item under its own child.
    elsewhere = secretary.post(
        "/api/agenda-items/", {"session": second["id"], "parent": heading["id"], "text": "Не туда"}, format="json"
    )
    assert elsewhere.status_code == 400
    loop = secretary.patch(f"/api/agenda-items/{heading['id']}/", {"parent": child_a["id"]}, format="json")
    assert loop.status_code == 400
    secretary.patch(f"/api/agenda-items/{child_b['id']}/", {"order": 5}, format="json")

    detail = secretary.get(f"/api/plans/{plan['id']}/").json()
    tree = detail["sessions"][0]["items"]
    assert [i["text"] for i in tree] == ["Итоги реализации городских сетевых проектов:"]
    assert [c["text"] for c in tree[0]["children"]] == ["Проект А", "Проект Б"]
    assert detail["sessions"][1]["items"] == []
    assert detail["items_count"] == 3

    # Responsibles are replaced as a whole; sending one list keeps the other.
    changed = secretary.patch(
        f"/api/agenda-items/{heading['id']}/", {"responsible_persons": [responsible.pk]}, format="json"
    ).json()
    assert changed["responsible_persons"] == [responsible.pk]
    assert changed["responsible_groups"] == [portfolio_group.pk]

    # Moving a sub-topic's parent to another session takes its sub-topics along.
    moved = secretary.patch(f"/api/agenda-items/{heading['id']}/", {"session": second["id"]}, format="json")
    assert moved.status_code == 200
    assert set(AgendaItem.objects.filter(plan_id=plan["id"]).values_list("session_id", flat=True)) == {second["id"]}

    assert secretary.delete(f"/api/sessions/{first['id']}/").status_code == 204
    assert secretary.delete(f"/api/plans/{plan['id']}/").status_code == 204
    assert not Plan.objects.filter(pk=plan["id"]).exists()


def test_a_plan_with_an_approval_sheet_is_not_deleted(api_as, personas):
    plan = make_plan(year=2030)
    fire(obj=plan, name="submit", by=personas["secretary"])
    fire(obj=plan, name="return", by=personas["office_head"], comment="Доработать")
    response = api_as(personas["secretary"]).delete(f"/api/plans/{plan.pk}/")
    assert response.status_code == 409 and response.json()["code"] == "not_editable"
    # But its draft items and sessions can still be changed.
    session = Session.objects.get(plan=plan)
    ok = api_as(personas["secretary"]).patch(f"/api/sessions/{session.pk}/", {"place": "Каб. 5"}, format="json")
    assert ok.status_code == 200 and ok.json()["place"] == "Каб. 5"


def test_state_cannot_be_written(api_as, personas):
    plan = make_plan(year=2030)
    response = api_as(personas["secretary"]).patch(f"/api/plans/{plan.pk}/", {"state": "approved"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "draft"
    assert Plan.objects.get(pk=plan.pk).state == "draft"


def test_import_errors_list_the_lines_and_write_nothing(api_as, personas, seed_bytes):
    secretary = api_as(personas["secretary"])
    broken = seed_bytes.replace("Февраль 2023".encode(), "Февраль двадцать третьего".encode(), 1)
    upload = SimpleUploadedFile("plan-2023.txt", broken, content_type="text/plain")
    response = secretary.post("/api/plans/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_error"
    assert body["errors"] and all(isinstance(e["line"], int) and e["message"] for e in body["errors"])
    assert not Plan.objects.exists()

    missing = secretary.post("/api/plans/import/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["errors"]

    # A different file for a year that already has a plan is a conflict.
    secretary.post("/api/plans/import/", {"file": SimpleUploadedFile("a.txt", seed_bytes)}, format="multipart")
    other = seed_bytes + b"\n"
    clash = secretary.post("/api/plans/import/", {"file": SimpleUploadedFile("b.txt", other)}, format="multipart")
    assert clash.status_code == 409 and clash.json()["code"] == "plan_exists"
    assert Plan.objects.count() == 1


def test_project_leads_are_edited_by_office_staff(api_as, personas, responsible, responsible2):
    project = Project.objects.create(name="Школа — территория здоровья", kind="network")
    url = f"/api/projects/{project.pk}/"
    office_head = api_as(personas["office_head"])
    response = office_head.patch(url, {"leads": [responsible.pk, responsible2.pk]}, format="json")
    assert response.status_code == 200
    assert sorted(response.json()["leads"]) == sorted([responsible.pk, responsible2.pk])
    assert set(project.leads.all()) == {responsible, responsible2}
    assert api_as(responsible).patch(url, {"leads": []}, format="json").status_code == 403

    same_name = office_head.post("/api/projects/", {"name": "«ШКОЛА — территория  здоровья»"}, format="json")
    assert same_name.status_code == 400 and same_name.json()["code"] == "duplicate"

    plan = make_plan(year=2030)
    AgendaItem.objects.filter(plan=plan).update(project=project)
    in_use = office_head.delete(url)
    assert in_use.status_code == 409 and in_use.json()["code"] == "in_use"


def test_session_life_events(api_as, personas):
    plan = make_plan(year=2030, sessions=2)
    session = plan.sessions.order_by("number").first()
    secretary = api_as(personas["secretary"])
    scheduled = secretary.post(
        f"/api/sessions/{session.pk}/schedule/",
        {"starts_at": "2030-01-22T15:00:00+03:00", "place": "Зал коллегии"},
        format="json",
    )
    assert scheduled.status_code == 200, scheduled.json()
    assert scheduled.json()["state"] == "scheduled" and scheduled.json()["expected_date"] == "2030-01-22"
    held = secretary.post(f"/api/sessions/{session.pk}/hold/", {}, format="json")
    assert held.json()["state_display"] == "Проведено" and held.json()["available_transitions"] == []
    again = secretary.post(f"/api/sessions/{session.pk}/cancel/", {}, format="json")
    assert again.status_code == 409
    bad = secretary.post(f"/api/sessions/{session.pk}/postpone/", {"planned_month": "не дата"}, format="json")
    assert bad.status_code == 400
    assert api_as(personas["department_head"]).get(f"/api/sessions/{session.pk}/").json()["available_transitions"] == []
