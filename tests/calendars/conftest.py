from __future__ import annotations

import icalendar
import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


def events(content: bytes) -> dict[str, icalendar.Event]:
    """The VEVENTs of an .ics document by UID (fails on a document calendar apps would reject)."""
    calendar = icalendar.Calendar.from_ical(content)
    found = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in found, f"duplicate UID {uid}"
        found[uid] = event
    return found
