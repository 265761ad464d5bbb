"""The day the substitution tests live on: 1 December 2026, the clock stopped at 9:00 UTC."""

from __future__ import annotations

import datetime

import pytest
import time_machine

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def on_today():
    with time_machine.travel(datetime.datetime.combine(TODAY, datetime.time(9, 0), tzinfo=datetime.UTC), tick=False):
        yield
