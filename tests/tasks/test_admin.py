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
    assert admin_client_.get("/admin/tasks/reminderpolicy/").status_code == 200


def test_no_one_deletes_a_task_or_its_history_in_the_admin(admin_client_, make_task, responsible):
    from lifecycle.kernel import fire
    from tasks.models import PreparationTask, TaskEvent

    task = make_task(responsible, D(2031, 3, 10))
    event = fire(obj=task, name="start", by=responsible)

    delete_url = f"/admin/tasks/preparationtask/{task.pk}/delete/"
    assert admin_client_.get(delete_url).status_code == 403  # a superuser too
    assert admin_client_.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = admin_client_.get("/admin/tasks/preparationtask/")
    assert "delete_selected" not in changelist.content.decode()
    admin_client_.post(
        "/admin/tasks/preparationtask/",
        {"action": "delete_selected", "_selected_action": [task.pk], "post": "yes"},
    )
    change = admin_client_.get(f"/admin/tasks/preparationtask/{task.pk}/change/").content.decode()
    assert delete_url not in change and "events-0-DELETE" not in change
    assert PreparationTask.objects.filter(pk=task.pk).exists() and TaskEvent.objects.filter(pk=event.pk).exists()
