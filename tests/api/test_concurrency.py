"""Two people agree the same plan at the same moment: one wins, the other gets a clear 409."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from approvals.models import Decision
from lifecycle.kernel import fire
from tests.api.conftest import token_client
from tests.factories import make_plan
from workflow.models import Plan


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_agree_requests(personas):
    plan = make_plan(year=2030, sessions=2, items_per_session=3)
    fire(obj=plan, name="submit", by=personas["secretary"])
    clients = [token_client(personas["office_head"]) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def agree(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            response = clients[index].post(f"/api/plans/{plan.pk}/agree/", {"comment": ""}, format="json")
            results[index] = (response.status_code, response.json())
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=agree, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] in {"invalid_state", "conflict"}
    assert "Согласовано" in loser["detail"]
    assert Decision.objects.for_object(plan).filter(transition="agree").count() == 1
    assert Plan.objects.get(pk=plan.pk).state == "agreed"
    # The items moved once, with the one decision.
    assert Decision.objects.filter(transition="agree", carried_by__isnull=False).count() == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_identical_imports_at_once_make_one_plan(personas, seed_bytes):
    """The same file sent four times at once: one 201, the others 200 with the same plan (the
    unique year waits for the first import to commit), never a 500."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    clients = [token_client(personas["secretary"]) for _ in range(4)]
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def send(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            upload = SimpleUploadedFile("plan-2023.txt", seed_bytes, content_type="text/plain")
            response = clients[index].post("/api/plans/import/", {"file": upload}, format="multipart")
            results[index] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(status for status, _ in results) == [200, 200, 200, 201], results
    assert Plan.objects.filter(year=2023).count() == 1
    assert {body["id"] for _, body in results} == {Plan.objects.get(year=2023).pk}
