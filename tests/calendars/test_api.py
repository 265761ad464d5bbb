"""Feed URL without login, token get-or-create/revoke/replace, one session as .ics."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from calendars.services import calendar_token_get_or_create
from tests.calendars.conftest import events


def _feed_path(url: str) -> str:
    return urlsplit(url).path


def test_token_is_created_and_the_feed_opens_without_login(approved_plan, responsible, api, client):
    created = api(responsible).post("/api/calendar/token/")

    assert created.status_code == 201
    url = created.json()["url"]
    assert url.startswith("http://127.0.0.1:8000/calendar/") and url.endswith(".ics")
    assert created.json()["webcal_url"] == "webcal://" + url.split("://", 1)[1]
    feed = client.get(_feed_path(url))  # an anonymous client, as a calendar app
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    december = approved_plan.sessions.get(number=5)
    assert f"session-{december.pk}@127.0.0.1" in events(feed.content)


def test_token_is_unguessable_and_shown_again(responsible, api):
    url = api(responsible).post("/api/calendar/token/").json()["url"]
    token = _feed_path(url).removeprefix("/calendar/").removesuffix(".ics")

    assert len(token) >= 40
    assert api(responsible).get("/api/calendar/token/").json()["url"] == url


def test_revoked_token_gives_404(approved_plan, responsible, api, client):
    path = _feed_path(api(responsible).post("/api/calendar/token/").json()["url"])
    assert client.get(path).status_code == 200

    revoked = api(responsible).delete("/api/calendar/token/")

    assert revoked.status_code == 204
    assert client.get(path).status_code == 404
    assert api(responsible).get("/api/calendar/token/").status_code == 404


def test_asking_again_gives_the_same_live_link(approved_plan, responsible, api, client):
    first = api(responsible).post("/api/calendar/token/")
    again = api(responsible).post("/api/calendar/token/")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["url"] == first.json()["url"]
    assert client.get(_feed_path(again.json()["url"])).status_code == 200


def test_revoking_and_asking_again_replaces_the_link(approved_plan, responsible, api, client):
    old = _feed_path(api(responsible).post("/api/calendar/token/").json()["url"])
    api(responsible).delete("/api/calendar/token/")
    new = _feed_path(api(responsible).post("/api/calendar/token/").json()["url"])

    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_unknown_token_and_deactivated_person_give_404(approved_plan, responsible, client):
    token = calendar_token_get_or_create(user=responsible)[0].token
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404

    responsible.is_active = False
    responsible.save()

    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_uids_are_stable_across_two_downloads(approved_plan, office_head, client):
    token = calendar_token_get_or_create(user=office_head)[0].token

    first = events(client.get(f"/calendar/{token}.ics").content)
    second = events(client.get(f"/calendar/{token}.ics").content)

    assert len(first) == 5
    assert list(first) == list(second)


def test_token_api_needs_a_signed_in_person_with_a_role(api, outsider):
    assert api().post("/api/calendar/token/").status_code == 401
    assert api(outsider).post("/api/calendar/token/").status_code == 403


def test_session_ics_for_someone_who_sees_the_session(approved_plan, responsible, api):
    december = approved_plan.sessions.get(number=5)

    response = api(responsible).get(f"/api/sessions/{december.pk}/ics/", HTTP_ACCEPT="text/calendar")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert list(events(response.content)) == [f"session-{december.pk}@127.0.0.1"]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "responsible_on_draft"])
def test_session_ics_refused(seed_plan, responsible, outsider, api, who):
    session = seed_plan.sessions.get(number=1)
    user = {"anonymous": None, "outsider": outsider, "responsible_on_draft": responsible}[who]

    response = api(user).get(f"/api/sessions/{session.pk}/ics/")

    assert response.status_code == {"anonymous": 401, "outsider": 403, "responsible_on_draft": 404}[who]
    assert response.json()["code"] in ("not_authenticated", "forbidden", "not_found")
