import datetime

import pytest
from django.test import Client

D = datetime.date


@pytest.fixture
def admin_client_(db):
    from tests.factories import make_user

    admin = make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def test_task_list_filters_and_pages_render(admin_client_, make_task, responsible):
    late = make_task(responsible, D(2020, 1, 10))
    make_task(responsible, D(2099, 1, 10))

    overdue = admin_client_.get("/admin/tasks/preparationtask/?overdue=yes")
    assert overdue.status_code == 200
    assert overdue.context["cl"].result_count == 1
    assert admin_client_.get(f"/admin/tasks/preparationtask/{late.pk}/change/").status_code == 200
    assert admin_client_.get("/admin/tasks/outboxmessage/?status=pending").status_code == 200
    assert admin_client_.get("/admin/tasks/reminderpolicy/").status_code == 200
