"""Filtering, ordering and pagination of the lists."""

from __future__ import annotations

from lifecycle.kernel import fire
from tests.factories import make_plan
from workflow.models import AgendaItem, Project


def _ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_plan_filters_and_ordering(api_as, personas):
    old = make_plan(year=2029)
    new = make_plan(year=2030)
    fire(obj=new, name="submit", by=personas["secretary"])
    client = api_as(personas["office_head"])
    assert _ids(client.get("/api/plans/")) == [new.pk, old.pk]  # newest year first
    assert _ids(client.get("/api/plans/?ordering=year")) == [old.pk, new.pk]
    assert _ids(client.get("/api/plans/?year=2029")) == [old.pk]
    assert _ids(client.get("/api/plans/?state=submitted")) == [new.pk]
    assert _ids(client.get("/api/plans/?state=draft&state=submitted")) == [new.pk, old.pk]
    bad = client.get("/api/plans/?state=nonsense")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "state" in bad.json()["errors"]


def test_session_and_item_filters(api_as, personas, responsible, responsible2, portfolio_group):
    plan = make_plan(year=2030, sessions=3, items_per_session=2, responsible=responsible)
    other = make_plan(year=2031, sessions=1, items_per_session=1, group=portfolio_group)
    client = api_as(personas["secretary"])

    march = _ids(client.get("/api/sessions/?month=2030-03"))
    assert march == [plan.sessions.get(number=3).pk]
    assert len(_ids(client.get(f"/api/sessions/?plan={plan.pk}"))) == 3
    bad_month = client.get("/api/sessions/?month=март")
    assert bad_month.status_code == 400 and "ГГГГ-ММ" in bad_month.json()["detail"]

    # Responsible: named in person, or through a group they belong to.
    mine = set(_ids(client.get(f"/api/agenda-items/?responsible={responsible.pk}")))
    assert mine == set(AgendaItem.objects.values_list("pk", flat=True))
    via_group = set(_ids(client.get(f"/api/agenda-items/?responsible={responsible2.pk}")))
    assert via_group == set(other.items.values_list("pk", flat=True))
    session = plan.sessions.get(number=2)
    assert set(_ids(client.get(f"/api/agenda-items/?session={session.pk}"))) == set(
        session.items.values_list("pk", flat=True)
    )
    assert _ids(client.get("/api/agenda-items/?month=2030-01&state=submitted")) == []


def test_project_filter_and_pagination(api_as, personas):
    for number in range(55):
        Project.objects.create(name=f"Проект {number:02d}", kind="network" if number % 2 else "city")
    client = api_as(personas["responsible"])
    first = client.get("/api/projects/")
    assert first.json()["count"] == 55 and len(first.json()["results"]) == 50 and first.json()["next"]
    assert len(client.get("/api/projects/?page=2").json()["results"]) == 5
    past_end = client.get("/api/projects/?page=9")
    assert past_end.status_code == 404 and past_end.json()["code"] == "not_found"
    assert client.get("/api/projects/?kind=network").json()["count"] == 27
    assert client.get("/api/projects/?name=ект 1").json()["count"] == 10
    assert _ids(client.get("/api/projects/?ordering=-name"))[0] == Project.objects.get(name="Проект 54").pk
