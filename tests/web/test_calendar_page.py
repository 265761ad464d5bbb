"""«Мой календарь»: get, re-issue and revoke the personal feed's link on the pages."""

from calendars.models import CalendarFeedToken


def _html(response) -> str:
    return response.content.decode()


def test_get_reissue_and_revoke_the_feed_link(login, responsible, client):
    page = login(responsible)
    assert "Получить ссылку" in _html(page.get("/my-calendar/"))

    page.post("/my-calendar/", {"action": "get"})
    first = CalendarFeedToken.objects.get(user=responsible, revoked_at=None)
    html = _html(page.get("/my-calendar/"))
    assert f"/calendar/{first.token}.ics" in html and "Скопировать" in html and "webcal://" in html
    assert client.get(f"/calendar/{first.token}.ics").status_code == 200

    refused = page.post("/my-calendar/", {"action": "reissue"}, follow=True)
    assert "Действие необратимо" in _html(refused)
    assert CalendarFeedToken.objects.get(pk=first.pk).revoked_at is None

    page.post("/my-calendar/", {"action": "reissue", "confirm": "yes"})
    second = CalendarFeedToken.objects.get(user=responsible, revoked_at=None)
    assert second.pk != first.pk and client.get(f"/calendar/{first.token}.ics").status_code == 404
    assert f"/calendar/{second.token}.ics" in _html(page.get("/my-calendar/"))

    page.post("/my-calendar/", {"action": "revoke", "confirm": "yes"})
    assert not CalendarFeedToken.objects.filter(user=responsible, revoked_at=None).exists()
    assert client.get(f"/calendar/{second.token}.ics").status_code == 404
    assert "Получить ссылку" in _html(page.get("/my-calendar/"))
