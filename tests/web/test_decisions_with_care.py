"""Decisions with care and tasks that explain themselves: a cancel needs a reason and a
confirmation, archiving a confirmation; saving a result starts the work; the page names the
next step with its own buttons; the reviewer's return comment and a cancel's reason on top."""

from lifecycle.kernel import fire
from tasks.models import PreparationTask, TaskState
from tasks.uploads import task_result_attach


def _html(response) -> str:
    return response.content.decode()


def _state(task) -> str:
    return PreparationTask.objects.get(pk=task.pk).state


def test_cancelling_a_task_needs_a_confirmation_and_a_reason_shown_to_the_assignee(
    login, my_task, office_head, responsible
):
    head = login(office_head)
    url = f"/tasks/{my_task.pk}/transition/"
    page = _html(head.get(f"/tasks/{my_task.pk}/"))
    assert "Причина отмены" in page and 'name="confirm"' in page

    refused = head.post(url, {"transition": "cancel", "comment": "Тема снята"}, follow=True)
    assert "Действие необратимо" in _html(refused) and _state(my_task) == TaskState.ASSIGNED

    refused = head.post(url, {"transition": "cancel", "comment": " ", "confirm": "yes"}, follow=True)
    assert refused.status_code == 200 and _state(my_task) == TaskState.ASSIGNED
    assert "комментарий" in _html(refused).lower()

    head.post(url, {"transition": "cancel", "comment": "Тема снята с повестки", "confirm": "yes"})
    assert _state(my_task) == TaskState.CANCELLED
    page = _html(login(responsible).get(f"/tasks/{my_task.pk}/"))
    top = page[: page.index('id="details-h"')]
    assert "Задача отменена" in top and "Тема снята с повестки" in top


def test_saving_a_result_starts_the_work_and_the_page_names_the_next_step(login, my_task, responsible):
    client = login(responsible)
    page = _html(client.get(f"/tasks/{my_task.pk}/"))
    assert "Следующий шаг:" in page and "«Сохранить результат»" in page and "«Сдать результат»" in page
    assert ">Сохранить результат<" in page

    client.post(f"/tasks/{my_task.pk}/result/", {"text": "Отчёт за квартал"})

    assert _state(my_task) == TaskState.IN_PROGRESS
    page = _html(client.get(f"/tasks/{my_task.pk}/"))
    assert "Проверьте его и нажмите «Сдать результат»" in page
    assert 'value="submit"' in page and ">Сдать результат<" in page


def test_the_reviewer_return_comment_is_on_top(login, my_task, responsible, office_head):
    fire(obj=my_task, name="start", by=responsible)
    task_result_attach(task=my_task, by=responsible, text="Отчёт")
    fire(obj=my_task, name="submit", by=responsible)
    head_page = _html(login(office_head).get(f"/tasks/{my_task.pk}/"))
    assert "нажмите «Принять» или «Вернуть на доработку»" in head_page
    fire(obj=my_task, name="return", by=office_head, comment="Добавьте цифры за ноябрь")

    page = _html(login(responsible).get(f"/tasks/{my_task.pk}/"))
    top = page[: page.index('id="details-h"')]
    assert "Результат возвращён на доработку" in top and "Добавьте цифры за ноябрь" in top
    assert "Сергеева Ольга Александровна" in top


def test_archiving_a_plan_asks_for_a_confirmation(login, approved_plan, office_head):
    head = login(office_head)
    page = _html(head.get(f"/plans/{approved_plan.pk}/"))
    assert 'name="confirm"' in page and "перенос в архив необратим" in page

    refused = head.post(f"/plans/{approved_plan.pk}/transition/", {"transition": "archive"}, follow=True)
    approved_plan.refresh_from_db()
    assert "Действие необратимо" in _html(refused) and approved_plan.state == "approved"

    head.post(f"/plans/{approved_plan.pk}/transition/", {"transition": "archive", "confirm": "yes"})
    approved_plan.refresh_from_db()
    assert approved_plan.state == "archived"


def test_earlier_versions_of_the_result_are_listed_and_downloadable(login, my_task, responsible, office_head):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(responsible)
    client.post(f"/tasks/{my_task.pk}/result/", {"file": SimpleUploadedFile("v1.pdf", b"%PDF-1.4 one")})
    client.post(f"/tasks/{my_task.pk}/result/", {"text": "Вторая редакция"})
    client.post(f"/tasks/{my_task.pk}/result/", {"text": "Третья редакция"})

    page = _html(login(office_head).get(f"/tasks/{my_task.pk}/"))
    assert "Прежние версии результата: 2" in page and "Версия 2" in page and "Вторая редакция" in page
    assert "v1.pdf" in page
    answer = login(office_head).get(f"/tasks/{my_task.pk}/result/versions/1/file/")
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == b"%PDF-1.4 one"
    assert login(office_head).get(f"/tasks/{my_task.pk}/result/versions/9/file/").status_code == 404


def test_the_admin_lists_earlier_versions(my_task, responsible, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.test", "x")
    task_result_attach(task=my_task, by=responsible, text="Первая редакция")
    task_result_attach(task=my_task, by=responsible, text="Вторая редакция")
    client.force_login(admin)
    html = _html(client.get(f"/admin/tasks/preparationtask/{my_task.pk}/change/"))
    assert "прежние версии результата" in html.lower() and "Первая редакция" in html
