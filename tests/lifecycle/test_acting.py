"""Acting in a role (замещение): during the period the acting person fires what the replaced
person's role may fire, the decision says «И.о. …» and in whose place; outside it, 403."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from accounts.substitutions import substitution_create
from approvals.models import Decision
from lifecycle.kernel import available, fire
from tests.api.conftest import token_client
from tests.factories import make_plan, make_user
from workflow.models import Plan

START = datetime.date(2026, 12, 1)


def _on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def deputy(db):
    return make_user("deputy", short_name="Кравцова И.В.", full_name="Кравцова Ирина Владимировна",
                     position="заместитель руководителя Проектного офиса")


@pytest.fixture
def week_for_the_office_head(office_head, deputy):
    with _on(START):
        return substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=START,
                                   ends_on=START + datetime.timedelta(days=6))


@pytest.mark.django_db
def test_the_acting_head_agrees_in_the_period_and_is_refused_after_it(
    secretary, office_head, deputy, week_for_the_office_head
):
    plan = make_plan()
    late = make_plan(year=2031)
    with _on(START + datetime.timedelta(days=3)):
        for each in (plan, late):
            fire(obj=each, name="submit", by=secretary)
        assert available(obj=plan, user=deputy) == ["agree", "return"]
        response = token_client(deputy).post(f"/api/plans/{plan.pk}/agree/", {"comment": ""}, format="json")
        assert response.status_code == 200, response.json()
        sheet = token_client(deputy).get(f"/api/plans/{plan.pk}/decisions/").json()
    decision = Decision.objects.for_object(plan).get(transition="agree")
    assert decision.actor == deputy and decision.acting_for == office_head
    assert decision.actor_position == "И.о. руководителя Проектного офиса"
    assert sheet[-1]["actor_position"].startswith("И.о.")

    with _on(START + datetime.timedelta(days=7)):  # the day after the period
        fresh = type(deputy).objects.get(pk=deputy.pk)
        assert available(obj=late, user=fresh) == []
        refused = token_client(fresh).post(f"/api/plans/{late.pk}/agree/", {"comment": ""}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert Plan.objects.get(pk=late.pk).state == "submitted"


@pytest.mark.django_db
def test_the_replaced_head_still_acts_in_her_own_right(secretary, office_head, week_for_the_office_head):
    plan = make_plan()
    with _on(START + datetime.timedelta(days=1)):
        fire(obj=plan, name="submit", by=secretary)
        decision = fire(obj=plan, name="agree", by=office_head)
    assert decision.acting_for is None and decision.actor_position == office_head.position_label


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_head_and_her_substitute_agreeing_at_once_make_one_decision(secretary, office_head, deputy):
    with _on(START):
        substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=START,
                            ends_on=START + datetime.timedelta(days=6))
    plan = make_plan()
    fire(obj=plan, name="submit", by=secretary)
    clients = [token_client(office_head), token_client(deputy)]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def agree(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            response = clients[index].post(f"/api/plans/{plan.pk}/agree/", {"comment": ""}, format="json")
            results[index] = response.status_code
        finally:
            connection.close()

    with _on(START + datetime.timedelta(days=2)):
        threads = [threading.Thread(target=agree, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(results) == [200, 409], results
    assert Decision.objects.for_object(plan).filter(transition="agree").count() == 1


@pytest.mark.django_db
def test_the_documents_print_the_acting_head(secretary, department_head, deputy, week_for_the_office_head):
    import io

    from docx import Document

    from documents.approval_sheet import approval_sheet_docx
    from documents.docx_export import plan_docx

    plan = make_plan()
    with _on(START + datetime.timedelta(days=2)):
        fire(obj=plan, name="submit", by=secretary)
        fire(obj=plan, name="agree", by=deputy)
        fire(obj=plan, name="approve", by=department_head)

    def text(data: bytes) -> str:
        document = Document(io.BytesIO(data))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)

    stamp = text(plan_docx(plan=Plan.objects.get(pk=plan.pk)))
    assert "И.о. руководителя Проектного офиса" in stamp and "Кравцова" in stamp
    sheet = text(approval_sheet_docx(plan=Plan.objects.get(pk=plan.pk)))
    assert "И.о. руководителя Проектного офиса" in sheet


@pytest.mark.django_db
def test_the_plan_page_stamp_names_the_acting_head(client, secretary, deputy, week_for_the_office_head):
    from django.urls import reverse

    plan = make_plan()
    with _on(START + datetime.timedelta(days=2)):
        fire(obj=plan, name="submit", by=secretary)
        fire(obj=plan, name="agree", by=deputy)
        client.force_login(secretary)
        page = client.get(reverse("web:plan", args=[plan.pk])).content.decode()
    stamp = page[page.index("«Согласовано»"):page.index("«Согласовано»") + 600]
    assert "И.о. руководителя Проектного офиса" in stamp and "Кравцова" in stamp
