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
