"""The plan's detail is served from a cache (revisions.responses), and a GET right after any
change shows it: every transition of the plan, its items and sessions, every edit over the API
and through the web editor's services, an import, the names in it, a substitution that changes
the buttons, and writes that go around every service. Each check compares the answer with the
same GET rendered with the cache emptied (tests/api/cached.py: ``fresh``)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import Role
from accounts.substitutions import substitution_create, substitution_end
from documents.importing import plan_import_file
from tests.api.cached import fresh, warm
from tests.plan_files import YEAR, plan_text
from workflow import edit_services
from workflow.models import AgendaItem, Project

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")  # settings.TIME_ZONE: the office's day


def _items(body) -> list[dict]:
    def walk(nodes):
        for node in nodes:
            yield node
            yield from walk(node["children"])

    return [item for session in body["sessions"] for item in walk(session["items"])]


def _item(body, pk) -> dict:
    return next(item for item in _items(body) if item["id"] == pk)


def _session(body, pk) -> dict:
    return next(session for session in body["sessions"] if session["id"] == pk)


@pytest.fixture
def clients(api_as, personas):
    return {role: api_as(user) for role, user in personas.items()}


def test_every_transition_of_the_plan_shows_at_once(seed_plan, clients):
    url = f"/api/plans/{seed_plan.pk}/"
    steps = [
        ("secretary", "submit", "", "submitted", ["agree", "return"]),
        ("office_head", "return", "Уточните сроки", "draft", ["submit"]),
        ("secretary", "submit", "", "submitted", ["agree", "return"]),
        ("office_head", "agree", "", "agreed", []),
        ("department_head", "approve", "", "approved", ["archive"]),
        ("office_head", "archive", "", "archived", []),
    ]
    for by, name, comment, state, office_head_may in steps:
        before = warm(clients["office_head"], url)
        warm(clients["department_head"], url)
        response = clients[by].post(f"{url}{name}/", {"comment": comment}, format="json")
        assert response.status_code == 200, response.json()
        after = fresh(clients["office_head"], url)
        assert after["state"] == state != before["state"]
        assert after["available_transitions"] == office_head_may
        # items move with the plan (the kernel's cascade: one queryset update)
        assert {item["state"] for item in _items(after)} == {state}
        assert fresh(clients["department_head"], url)["state"] == state


def test_an_amendment_and_its_own_cycle_show_at_once(approved_plan, clients):
    url = f"/api/plans/{approved_plan.pk}/"
    session = approved_plan.sessions.order_by("number").first()
    warm(clients["office_head"], url)
    warm(clients["responsible"], url)
    created = clients["secretary"].post(
        "/api/agenda-items/", {"session": session.pk, "text": "Изменение к плану"}, format="json").json()
    assert _item(fresh(clients["office_head"], url), created["id"])["state"] == "draft"
    # a draft amendment is the office's work in progress: not for the responsible persons yet
    assert created["id"] not in [item["id"] for item in _items(fresh(clients["responsible"], url))]
    for by, name, state in (("secretary", "submit", "submitted"), ("office_head", "agree", "agreed"),
                            ("department_head", "approve", "approved")):
        warm(clients["office_head"], url)
        assert clients[by].post(f"/api/agenda-items/{created['id']}/{name}/", {}, format="json").status_code == 200
        assert _item(fresh(clients["office_head"], url), created["id"])["state"] == state
        assert _item(fresh(clients["responsible"], url), created["id"])["state"] == state


def test_every_transition_of_a_session_shows_at_once(approved_plan, clients):
    url = f"/api/plans/{approved_plan.pk}/"
    first, second, *_rest = approved_plan.sessions.order_by("number")
    steps = [
        (first, "schedule", {"starts_at": "2023-02-16T15:00:00+03:00", "place": "Зал коллегии"}, "scheduled"),
        (first, "postpone", {"planned_month": "2023-03-01"}, "postponed"),
        (first, "hold", {}, "held"),
        (second, "cancel", {}, "cancelled"),
    ]
    for session, name, body, state in steps:
        before = _session(warm(clients["office_head"], url), session.pk)
        response = clients["secretary"].post(f"/api/sessions/{session.pk}/{name}/", body, format="json")
        assert response.status_code == 200, response.json()
        after = _session(fresh(clients["office_head"], url), session.pk)
        assert after["state"] == state and after != before
    assert _session(fresh(clients["office_head"], url), first.pk)["place"] == "Зал коллегии"


def test_every_edit_over_the_api_shows_at_once(seed_plan, clients, responsible2):
    url = f"/api/plans/{seed_plan.pk}/"
    secretary = clients["secretary"]
    session = seed_plan.sessions.order_by("number").first()
    item = AgendaItem.objects.filter(plan=seed_plan, parent=None).order_by("id").first()
    project = Project.objects.create(name="Школа — территория здоровья", kind="network")
    created = {}

    def new_session():
        created["session"] = secretary.post(
            "/api/sessions/", {"plan": seed_plan.pk, "planned_month": "2023-11-01"}, format="json").json()["id"]

    def new_item():
        created["item"] = secretary.post(
            "/api/agenda-items/", {"session": session.pk, "text": "Новая тема", "responsible_persons": [responsible2.pk]},
            format="json").json()["id"]

    edits = [
        ("plan title", lambda: secretary.patch(url, {"title": "План на 2023 год (ред. 2)"}, format="json"),
         lambda body: body["title"] == "План на 2023 год (ред. 2)"),
        ("new session", new_session, lambda body: created["session"] in [s["id"] for s in body["sessions"]]),
        ("session edited", lambda: secretary.patch(f"/api/sessions/{created['session']}/", {"place": "Каб. 5"},
                                                   format="json"),
         lambda body: _session(body, created["session"])["place"] == "Каб. 5"),
        ("session deleted", lambda: secretary.delete(f"/api/sessions/{created['session']}/"),
         lambda body: created["session"] not in [s["id"] for s in body["sessions"]]),
        ("new item", new_item, lambda body: _item(body, created["item"])["responsibles"][0]["name"] == "Смирнова А.В."),
        ("item text", lambda: secretary.patch(f"/api/agenda-items/{item.pk}/", {"text": "Иначе"}, format="json"),
         lambda body: _item(body, item.pk)["text"] == "Иначе"),
        ("responsibles", lambda: secretary.patch(f"/api/agenda-items/{item.pk}/",
                                                 {"responsible_persons": [responsible2.pk], "responsible_groups": []},
                                                 format="json"),
         lambda body: _item(body, item.pk)["responsible_persons"] == [responsible2.pk]),
        ("project linked", lambda: secretary.patch(f"/api/agenda-items/{item.pk}/", {"project": project.pk},
                                                   format="json"),
         lambda body: _item(body, item.pk)["project_name"] == "Школа — территория здоровья"),
        ("project renamed", lambda: secretary.patch(f"/api/projects/{project.pk}/", {"name": "Школа здоровья"},
                                                    format="json"),
         lambda body: _item(body, item.pk)["project_name"] == "Школа здоровья"),
        ("item deleted", lambda: secretary.delete(f"/api/agenda-items/{created['item']}/"),
         lambda body: created["item"] not in [i["id"] for i in _items(body)]),
    ]
    for name, edit, shows in edits:
        before = warm(clients["office_head"], url)
        response = edit()
        assert response is None or response.status_code in (200, 201, 204), (name, response.content[:300])
        after = fresh(clients["office_head"], url)
        assert after != before and shows(after), name


def test_the_web_editors_services_show_at_once(seed_plan, clients, secretary, responsible2):
    url = f"/api/plans/{seed_plan.pk}/"
    session = seed_plan.sessions.order_by("number").first()
    item = AgendaItem.objects.filter(plan=seed_plan, parent=None).order_by("id").first()
    edits = [
        lambda: edit_services.plan_update(plan=seed_plan, by=secretary, agreer_name="О.А.Иванова"),
        lambda: edit_services.session_update(session=session, by=secretary, place="Каб. 7"),
        lambda: edit_services.session_create(by=secretary, plan=seed_plan, planned_month=datetime.date(2023, 12, 1)),
        lambda: edit_services.item_update(item=item, by=secretary, text="Новая редакция", persons=[responsible2]),
        lambda: edit_services.item_create(by=secretary, session=session, text="Ещё тема", parent=item),
        lambda: edit_services.item_delete(item=item, by=secretary),
    ]
    for edit in edits:
        before = warm(clients["office_head"], url)
        edit()
        assert fresh(clients["office_head"], url) != before


def test_an_editor_page_post_shows_at_once(seed_plan, clients, secretary):
    from django.test import Client

    url = f"/api/plans/{seed_plan.pk}/"
    page = Client()
    page.force_login(secretary)
    session = seed_plan.sessions.order_by("number").first()
    before = warm(clients["office_head"], url)
    page.post(f"/plans/{seed_plan.pk}/edit/sessions/{session.pk}/items/", {"text": "Тема со страницы"})
    after = fresh(clients["office_head"], url)
    assert "Тема со страницы" in [item["text"] for item in _items(after)] and after != before


def test_an_import_shows_at_once_and_keeps_the_others_fresh(seed_plan, clients, api_as):
    url = f"/api/plans/{seed_plan.pk}/"
    warm(clients["office_head"], url)
    # The new plan names «Петров П.П.»: the import writes people and groups the seed plan shows too.
    content = plan_text([["Тема А", "Тема Б"], ["Тема В"]], responsible="Петров П.П.")
    response = clients["secretary"].post(
        "/api/plans/import/", {"file": SimpleUploadedFile("plan.txt", content)}, format="multipart")
    assert response.status_code == 201, response.json()
    imported = fresh(clients["office_head"], f"/api/plans/{response.json()['id']}/")
    assert imported["year"] == YEAR and len(_items(imported)) == 3
    fresh(clients["office_head"], url)
    # and the importer used by the command and the demo loader
    warm(clients["office_head"], url)
    plan_import_file(content=plan_text([["Тема Г"]]).replace(str(YEAR).encode(), b"2033"), filename="p.txt")
    fresh(clients["office_head"], url)


def test_names_of_people_and_groups_show_at_once(seed_plan, clients, office_head, portfolio_group):
    url = f"/api/plans/{seed_plan.pk}/"
    before = warm(clients["office_head"], url)
    office_head.short_name = "Сергеева-Орлова О.А."  # the seed plan names her; a rename in the admin
    office_head.save()
    after = fresh(clients["office_head"], url)
    names = {r["name"] for item in _items(after) for r in item["responsibles"]}
    assert "Сергеева-Орлова О.А." in names and after != before
    warm(clients["office_head"], url)
    portfolio_group.name = "Руководители портфелей"
    portfolio_group.save()
    names = {r["name"] for item in _items(fresh(clients["office_head"], url)) for r in item["responsibles"]}
    assert "Руководители портфелей" in names


def test_a_substitution_changes_the_buttons_at_once_and_on_the_day_it_starts(seed_plan, clients, secretary,
                                                                              office_head, department_head):
    url = f"/api/plans/{seed_plan.pk}/"
    clients["secretary"].post(f"{url}submit/", {}, format="json")
    today = datetime.date.today()
    # A minute before midnight, then two minutes later: the cached body has not expired by then.
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(23, 59), tzinfo=MOSCOW),
                             tick=False) as clock:
        assert warm(clients["secretary"], url)["available_transitions"] == []
        sub = substitution_create(by=office_head, person=secretary, replaces=office_head, starts_on=today,
                                  ends_on=today)
        assert fresh(clients["secretary"], url)["available_transitions"] == ["agree", "return"]
        warm(clients["secretary"], url)
        substitution_end(sub=sub, by=office_head)
        assert fresh(clients["secretary"], url)["available_transitions"] == []
        # planned for tomorrow: nothing written on the day it starts, the day itself is in the key
        tomorrow = today + datetime.timedelta(days=1)
        substitution_create(by=department_head, person=secretary, replaces=office_head, starts_on=tomorrow,
                            ends_on=tomorrow)
        assert warm(clients["secretary"], url)["available_transitions"] == []
        clock.move_to(datetime.datetime.combine(tomorrow, datetime.time(0, 1), tzinfo=MOSCOW))
        assert fresh(clients["secretary"], url)["available_transitions"] == ["agree", "return"]


def test_the_viewers_role_changed_shows_at_once(seed_plan, clients, secretary):
    url = f"/api/plans/{seed_plan.pk}/"
    clients["secretary"].post(f"{url}submit/", {}, format="json")
    assert warm(clients["secretary"], url)["available_transitions"] == []
    secretary.role = Role.OFFICE_HEAD  # in the admin
    secretary.save()
    assert fresh(clients["secretary"], url)["available_transitions"] == ["agree", "return"]


def test_writes_around_every_service_show_at_once(seed_plan, clients):
    url = f"/api/plans/{seed_plan.pk}/"
    item = AgendaItem.objects.filter(plan=seed_plan).order_by("id").first()
    warm(clients["office_head"], url)
    AgendaItem.objects.filter(pk=item.pk).update(text="Исправлено запросом")
    assert _item(fresh(clients["office_head"], url), item.pk)["text"] == "Исправлено запросом"
    warm(clients["office_head"], url)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE workflow_agendaitem SET text = %s WHERE id = %s", ["Исправлено в SQL", item.pk])
    assert _item(fresh(clients["office_head"], url), item.pk)["text"] == "Исправлено в SQL"
