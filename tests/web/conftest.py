"""Fixtures for the page tests: the seed plan approved, its December tasks assigned as of
20 November 2023 (the time is frozen there), and clients logged in as each persona."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

NOW = datetime.datetime(2023, 11, 20, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=3)))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def login():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def december_tasks(frozen, approved_plan, settings):
    """The tasks the rules create for the December session (due 1 December 2023)."""
    from tasks.assignment import tasks_assign
    from tasks.models import PreparationTask

    settings.TASKS_DUE_DAYS_BEFORE = 10
    settings.TASKS_ASSIGN_WINDOW_DAYS = 60
    settings.SESSION_DEFAULT_DAY = 15
    tasks_assign(today=timezone.localdate())
    return PreparationTask.objects.order_by("id")


@pytest.fixture
def my_task(december_tasks, responsible):
    return december_tasks.filter(assignee=responsible).first()
