"""A protocol's assignments show in the cached task list at once (revisions.responses): issued
on approval, extended, accepted by the control person (tests/api/cached.py: ``fresh``)."""

from __future__ import annotations

import datetime

import pytest

from lifecycle.kernel import fire
from meetings import services
from tasks.models import PreparationTask, TaskKind
from tests.api.cached import fresh, warm

DUE = datetime.date(2030, 4, 1)


def test_a_protocols_assignments_show_at_once(meeting_plan, api_as, secretary, office_head, department_head,
                                              responsible, responsible2):
    _plan, first, _second = meeting_plan
    fire(obj=first, name="hold", by=secretary)
    head, mine, control = api_as(office_head), api_as(responsible), api_as(responsible2)
    assert warm(mine, "/api/tasks/")["count"] == 0
    warm(head, "/api/tasks/")
    protocol = services.protocol_create(session=first, by=secretary)
    entries = [{"item": e.item, "title": e.title, "heard": e.heard, "decided": "Решили.", "assignments": []}
               for e in protocol.entries.all()]
    entries[0]["assignments"] = [{"text": "Отчитаться", "assignees": [responsible], "due_date": DUE,
                                  "control_person": responsible2}]
    services.protocol_update(protocol=protocol, by=secretary, data={"entries": entries})
    assert fresh(mine, "/api/tasks/")["count"] == 0  # a draft issues nothing
    for name, by in (("submit", secretary), ("agree", office_head), ("approve", department_head)):
        fire(obj=protocol, name=name, by=by)
    task = PreparationTask.objects.get(kind=TaskKind.PROTOCOL_ASSIGNMENT)
    (row,) = fresh(mine, "/api/tasks/")["results"]
    assert row["id"] == task.pk and row["protocol"] == protocol.pk and row["due_date"] == "2030-04-01"
    assert fresh(control, "/api/tasks/")["results"][0]["id"] == task.pk  # the control person sees it
    warm(head, "/api/tasks/")
    services.assignment_task_extend(task=task, due_date=DUE + datetime.timedelta(days=14), reason="Ждём данные",
                                    by=office_head)
    row = next(r for r in fresh(head, "/api/tasks/")["results"] if r["id"] == task.pk)
    assert row["due_date"] == "2030-04-15" and row["events"][-1]["transition"] == "reschedule"
    mine.post(f"/api/tasks/{task.pk}/start/", {}, format="json")
    mine.post(f"/api/tasks/{task.pk}/result/", {"text": "Сделано"}, format="multipart")
    mine.post(f"/api/tasks/{task.pk}/submit/", {}, format="json")
    assert warm(control, "/api/tasks/")["results"][0]["transitions"] == ["accept", "return"]
    assert control.post(f"/api/tasks/{task.pk}/accept/", {}, format="json").status_code == 200
    assert fresh(control, "/api/tasks/")["results"][0]["state"] == "done"
    assert fresh(mine, "/api/tasks/")["results"][0]["transitions"] == []


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
