"""«Мои задачи» and the task page: what each person sees and may do, uploads, refusals."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage
from tasks.models import PreparationTask, TaskEvent, TaskState
from tasks.uploads import task_result_attach
from tests.factories import rendered
from tests.tasks.uploads import docx_bytes

from .conftest import NOW


def _html(response) -> str:
    return response.content.decode()


def _fresh(task) -> PreparationTask:
    return PreparationTask.objects.get(pk=task.pk)


def _submitted(task, by):
    fire(obj=task, name="start", by=by)
    task_result_attach(task=task, by=by, text="Отчёт готов")
    fire(obj=task, name="submit", by=by)
    return task


# --- The list ---------------------------------------------------------------------------------


def test_my_tasks_lists_only_my_own(login, responsible, responsible2, december_tasks):
    html = _html(login(responsible).get("/tasks/"))
    mine = december_tasks.filter(assignee=responsible)
    assert mine.count() == 2
    for task in mine:
        assert f'href="/tasks/{task.pk}/"' in html
    for task in december_tasks.exclude(assignee=responsible):
        assert f'href="/tasks/{task.pk}/"' not in html
    assert "05.12.2023" in html


def test_the_root_is_my_tasks(login, responsible, december_tasks):
    response = login(responsible).get("/")
    assert response.status_code == 302 and response["Location"] == "/tasks/"


def test_filters_due_soon_overdue_done(login, responsible, office_head, december_tasks):
    first, second = december_tasks.filter(assignee=responsible)
    client = login(responsible)
    # 20 November: due 5 December is neither soon (7 days) nor late.
    assert f"/tasks/{first.pk}/" not in _html(client.get("/tasks/?show=soon"))
    assert "Просроченных задач нет" in _html(client.get("/tasks/?show=overdue"))

    with time_machine.travel(datetime.datetime(2023, 12, 1, 10, tzinfo=NOW.tzinfo), tick=False):
        assert f"/tasks/{first.pk}/" in _html(client.get("/tasks/?show=soon"))
    with time_machine.travel(datetime.datetime(2023, 12, 7, 10, tzinfo=NOW.tzinfo), tick=False):
        client = login(responsible)  # the first session has expired by now
        _submitted(second, responsible)
        html = _html(client.get("/tasks/?show=overdue"))
        assert f"/tasks/{first.pk}/" in html and f"/tasks/{second.pk}/" not in html  # submitted is not late
        assert "Просрочено: 1" in html

    fire(obj=second, name="accept", by=office_head)
    html = _html(client.get("/tasks/?show=done"))
    assert f"/tasks/{second.pk}/" in html and f"/tasks/{first.pk}/" not in html


def test_the_office_head_sees_what_waits_for_review(login, office_head, responsible, december_tasks):
    task = _submitted(december_tasks.filter(assignee=responsible).first(), responsible)
    html = _html(login(office_head).get("/tasks/?show=review"))
    assert "Ждут проверки" in html and f"/tasks/{task.pk}/" in html and "Петров П.П." in html
    assert "Ждут проверки" not in _html(login(responsible).get("/tasks/"))


def test_office_staff_may_list_everyone_a_responsible_may_not(login, secretary, responsible, december_tasks):
    other = december_tasks.exclude(assignee=responsible).first()
    assert f"/tasks/{other.pk}/" in _html(login(secretary).get("/tasks/?scope=all"))
    assert f"/tasks/{other.pk}/" not in _html(login(responsible).get("/tasks/?scope=all"))


# --- The task page -----------------------------------------------------------------------------


def test_task_page_shows_details_session_due_and_history(login, responsible, my_task):
    html = _html(login(responsible).get(f"/tasks/{my_task.pk}/"))
    assert my_task.title in html
    assert "Заседание в декабре 2023 г. (Декабрь 2023 г.)" in html
    assert "05.12.2023" in html
    assert "История" in html and "Назначить" in html and "Система" in html
    assert "Взять в работу" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_someone_elses_task_is_not_found(login, responsible2, outsider, my_task):
    assert login(responsible2).get(f"/tasks/{my_task.pk}/").status_code == 404
    response = login(outsider).get(f"/tasks/{my_task.pk}/")
    assert response.status_code == 404 and "Страница не найдена" in _html(response)


def test_buttons_only_for_who_may_press_them(login, responsible, office_head, department_head, my_task):
    assert "Взять в работу" not in _html(login(office_head).get(f"/tasks/{my_task.pk}/"))
    assert "Взять в работу" not in _html(login(department_head).get(f"/tasks/{my_task.pk}/"))
    _submitted(my_task, responsible)
    head = _html(login(office_head).get(f"/tasks/{my_task.pk}/"))
    assert "Принять" in head and "Вернуть на доработку" in head
    mine = _html(login(responsible).get(f"/tasks/{my_task.pk}/"))
    assert 'value="accept"' not in mine and 'value="submit"' not in mine and "Сохранить результат" not in mine


def test_the_assignee_starts_attaches_and_submits(login, responsible, my_task):
    client = login(responsible)
    url = f"/tasks/{my_task.pk}/"
    response = client.post(f"{url}transition/", {"transition": "start"})
    assert response.status_code == 302 and response["Location"] == url
    assert "Задача взята в работу" in _html(client.get(url))

    response = client.post(f"{url}transition/", {"transition": "submit"})
    assert "Приложите файл или впишите текст результата" in _html(client.get(response["Location"]))
    assert _fresh(my_task).state == TaskState.IN_PROGRESS

    report = SimpleUploadedFile("Отчёт.docx", docx_bytes(), content_type="application/octet-stream")
    client.post(f"{url}result/", {"file": report, "text": "Краткие итоги"})
    task = _fresh(my_task)
    assert task.result_file and task.result_text == "Краткие итоги"
    html = _html(client.get(url))
    assert "Результат сохранён" in html and "Отчёт.docx" in html

    client.post(f"{url}transition/", {"transition": "submit"})
    assert _fresh(my_task).state == TaskState.SUBMITTED
    assert "Результат сдан на проверку" in _html(client.get(url))


def test_upload_refusals_are_clear_and_store_nothing(login, responsible, my_task, settings):
    client = login(responsible)
    url = f"/tasks/{my_task.pk}/"
    settings.TASKS_RESULT_MAX_BYTES = 2 * 2**20
    big = SimpleUploadedFile("big.pdf", b"x" * (2 * 2**20 + 1))
    response = client.post(f"{url}result/", {"file": big})
    assert response.status_code == 302
    assert "Файл слишком большой: не более 2 МБ" in _html(client.get(url))

    client.post(f"{url}result/", {"file": SimpleUploadedFile("virus.exe", b"MZ")})
    assert "Недопустимый тип файла" in _html(client.get(url))

    client.post(f"{url}result/", {"text": "   "})
    assert "Приложите файл или впишите текст результата" in _html(client.get(url))

    task = _fresh(my_task)
    assert not task.result_file and task.result_text == ""


def test_the_page_states_the_upload_limits(login, responsible, my_task):
    html = _html(login(responsible).get(f"/tasks/{my_task.pk}/"))
    assert "Файл до 20 МБ" in html and 'accept=".doc,.docx' in html


def test_the_result_file_is_served_to_who_sees_the_task_only(login, responsible, responsible2, office_head, my_task):
    task_result_attach(task=my_task, by=responsible, file=SimpleUploadedFile("r.pdf", b"%PDF-1.4 report"))
    url = f"/tasks/{my_task.pk}/result/file/"
    for user in (responsible, office_head):
        response = login(user).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 report"
    assert login(responsible2).get(url).status_code == 404


def test_the_office_head_returns_with_a_comment_and_accepts(login, responsible, office_head, my_task):
    _submitted(my_task, responsible)
    client = login(office_head)
    url = f"/tasks/{my_task.pk}/"
    client.post(f"{url}transition/", {"transition": "return", "comment": ""})
    assert "Укажите комментарий" in _html(client.get(url))
    assert _fresh(my_task).state == TaskState.SUBMITTED

    client.post(f"{url}transition/", {"transition": "return", "comment": "Добавьте цифры за ноябрь"})
    assert _fresh(my_task).state == TaskState.IN_PROGRESS
    assert "Добавьте цифры за ноябрь" in _html(login(responsible).get(url))

    fire(obj=_fresh(my_task), name="submit", by=responsible)
    client.post(f"{url}transition/", {"transition": "accept"})
    assert _fresh(my_task).state == TaskState.DONE


@pytest.mark.parametrize("who,name", [("office_head", "start"), ("secretary", "accept"), ("responsible", "accept")])
def test_forced_posts_by_the_wrong_person_are_refused_readably(request, login, responsible, my_task, who, name):
    if name == "accept":
        _submitted(my_task, responsible)
    before = (_fresh(my_task).state, TaskEvent.objects.filter(task=my_task).count())
    response = login(request.getfixturevalue(who)).post(f"/tasks/{my_task.pk}/transition/", {"transition": name})
    assert response.status_code == 403
    html = _html(response)
    assert "Действие недоступно" in html and "выполняет только" in html and "Ничего не изменено" in html
    assert (_fresh(my_task).state, TaskEvent.objects.filter(task=my_task).count()) == before


def test_someone_else_uploading_is_refused(login, office_head, my_task):
    response = login(office_head).post(f"/tasks/{my_task.pk}/result/", {"text": "чужой отчёт"})
    assert response.status_code == 403 and "только исполнитель" in _html(response)
    assert _fresh(my_task).result_text == ""


def test_no_state_change_on_get(login, responsible, my_task):
    client = login(responsible)
    assert client.get(f"/tasks/{my_task.pk}/transition/?transition=start").status_code == 405
    assert client.get(f"/tasks/{my_task.pk}/result/?text=x").status_code == 405
    assert _fresh(my_task).state == TaskState.ASSIGNED


def test_posts_without_the_csrf_token_are_refused(responsible, my_task):
    client = Client(enforce_csrf_checks=True)
    client.force_login(responsible)
    response = client.post(f"/tasks/{my_task.pk}/transition/", {"transition": "start"})
    assert response.status_code == 403 and "Форма устарела" in _html(response)
    assert _fresh(my_task).state == TaskState.ASSIGNED


def test_the_links_in_the_emails_open_the_task_page(login, responsible, my_task, settings):
    notice = rendered(OutboxMessage.objects.get(recipient=responsible, kind=MessageKind.ASSIGNED))
    link = f"{settings.SITE_URL}/tasks/{my_task.pk}/"
    assert link in notice.body_text
    response = login(responsible).get(link.removeprefix(settings.SITE_URL))
    assert response.status_code == 200 and my_task.title in _html(response)
