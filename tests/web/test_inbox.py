"""«Ждут моего решения»: each role finds at the top of the home page what waits for them."""

import datetime

from accounts.substitutions import substitution_create
from lifecycle.kernel import fire
from tasks.uploads import task_result_attach
from tests.factories import make_user


def _inbox(client) -> str:
    html = client.get("/tasks/").content.decode()
    if 'id="inbox"' not in html:
        return ""
    return html[html.index('id="inbox"'):html.index("</section>", html.index('id="inbox"'))]


def test_a_submitted_plan_waits_for_the_office_head_then_the_department_head(
    login, seed_plan, secretary, office_head, department_head
):
    assert _inbox(login(office_head)) == ""
    fire(obj=seed_plan, name="submit", by=secretary)

    head = login(office_head)
    box = _inbox(head)
    assert seed_plan.title in box and f"/plans/{seed_plan.pk}/" in box
    assert "Согласовать или вернуть на доработку с комментарием" in box and "ждёт с" in box
    assert 'data-testid="waiting-count">1<' in head.get("/plans/").content.decode()  # the navigation
    assert _inbox(login(department_head)) == "" and _inbox(login(secretary)) == ""

    fire(obj=seed_plan, name="agree", by=office_head)
    assert _inbox(login(office_head)) == ""
    assert "Утвердить или вернуть на доработку с комментарием" in _inbox(login(department_head))


def test_a_returned_plan_waits_for_the_secretary_with_the_comment(login, seed_plan, secretary, office_head):
    fire(obj=seed_plan, name="submit", by=secretary)
    fire(obj=seed_plan, name="return", by=office_head, comment="Уточните место заседаний")

    box = _inbox(login(secretary))
    assert "Исправить по комментарию и снова направить на согласование" in box
    assert "Уточните место заседаний" in box
    fire(obj=seed_plan, name="submit", by=secretary)
    assert _inbox(login(secretary)) == ""


def test_an_acting_office_head_sees_what_waits_for_the_role(login, seed_plan, secretary, office_head):
    deputy = make_user("deputy_head", full_name="Заместитель Зоя Зиновьевна")
    today = datetime.date.today()
    substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=today,
                        ends_on=today + datetime.timedelta(days=2))
    fire(obj=seed_plan, name="submit", by=secretary)

    assert "Согласовать или вернуть на доработку" in _inbox(login(deputy))


def test_a_submitted_report_waits_for_review(login, my_task, responsible, office_head):
    fire(obj=my_task, name="start", by=responsible)
    task_result_attach(task=my_task, by=responsible, text="Отчёт")
    fire(obj=my_task, name="submit", by=responsible)

    box = _inbox(login(office_head))
    assert f"/tasks/{my_task.pk}/" in box and "Проверить результат (Петров П.П.)" in box
    assert _inbox(login(responsible)) == ""


def test_an_acting_office_head_reviews_a_report(login, my_task, responsible, office_head):
    deputy = make_user("deputy_reviewer", full_name="Заместитель Зоя Зиновьевна")
    today = datetime.date.today()
    substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=today,
                        ends_on=today + datetime.timedelta(days=2))
    fire(obj=my_task, name="start", by=responsible)
    task_result_attach(task=my_task, by=responsible, text="Отчёт")
    fire(obj=my_task, name="submit", by=responsible)

    client = login(deputy)
    assert f"/tasks/{my_task.pk}/" in _inbox(client)
    assert 'value="accept"' in client.get(f"/tasks/{my_task.pk}/").content.decode()
