"""End to end in headless Chromium (Debian's package) driven by Playwright: the paths people
take through the pages, against the live server. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from approvals.models import ApprovalState
from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage
from tasks.assignment import tasks_assign
from tasks.models import PreparationTask, TaskState
from tests.factories import PASSWORD, make_plan, rendered
from workflow.models import Plan


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    test itself (fixtures, assertions) are still plain synchronous calls. Set for this module
    only (before its browser starts, until after it stops): a process-wide setting would leak
    into everything that runs after these tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (scripts/system-deps)"
    ),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(*, mobile: bool = False):
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=viewport, locale="ru-RU")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, username: str) -> None:
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_responsible_person_from_the_email_link_to_a_report_accepted(
    live_server, new_page, settings, approved_plan, responsible, office_head, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    tasks_assign(today=datetime.date(2023, 11, 20))
    notice = rendered(OutboxMessage.objects.get(recipient=responsible, kind=MessageKind.ASSIGNED))
    link = re.search(rf"{re.escape(live_server.url)}/tasks/\d+/", notice.body_text).group(0)
    task_id = int(link.rstrip("/").rsplit("/", 1)[1])

    page = new_page()
    page.goto(link)
    assert page.get_by_role("heading", name="Вход").is_visible()
    shot(page, "01-login")
    log_in(page, "portfolio1")
    page.wait_for_url(link)
    task = PreparationTask.objects.get(pk=task_id)
    assert page.get_by_role("heading", level=1).inner_text() == task.title
    shot(page, "02-task-assigned")

    page.get_by_role("button", name="Взять в работу").click()
    page.get_by_text("Задача взята в работу.").wait_for()

    bad = tmp_path / "program.exe"
    bad.write_bytes(b"MZ")
    page.get_by_label("Файл результата").set_input_files(str(bad))
    page.get_by_role("button", name="Сохранить результат").click()
    page.get_by_text("Недопустимый тип файла").wait_for()
    shot(page, "03-task-upload-refused")

    report = tmp_path / "Отчёт по проекту.pdf"
    report.write_bytes(b"%PDF-1.4 report")
    page.get_by_label("Файл результата").set_input_files(str(report))
    page.get_by_label("Текст результата или пояснение").fill("Итоги за 2023 год во вложении.")
    page.get_by_role("button", name="Сохранить результат").click()
    page.get_by_text("Результат сохранён.").wait_for()
    page.get_by_role("button", name="Сдать результат").click()
    page.get_by_text("Результат сдан на проверку.").wait_for()
    shot(page, "04-task-submitted")
    assert PreparationTask.objects.get(pk=task_id).state == TaskState.SUBMITTED

    page.get_by_role("link", name="Мои задачи").first.click()
    page.get_by_role("heading", name="Мои задачи").wait_for()
    shot(page, "05-my-tasks")
    mobile = new_page(mobile=True)
    mobile.goto(live_server.url + "/accounts/login/?next=/tasks/")
    log_in(mobile, "portfolio1")
    mobile.get_by_role("heading", name="Мои задачи").wait_for()
    shot(mobile, "06-my-tasks-phone")

    head = new_page()
    head.goto(live_server.url + "/overdue/")
    log_in(head, "office_head")
    head.get_by_role("heading", name="Просроченные задачи").wait_for()
    shot(head, "07-overdue-board")
    head.goto(link)
    assert head.get_by_role("link", name=re.compile("Отчёт_по_проекту")).is_visible()
    head.get_by_role("button", name="Принять").click()
    head.get_by_text("Результат принят.").wait_for()
    shot(head, "08-task-accepted")
    assert PreparationTask.objects.get(pk=task_id).state == TaskState.DONE


def test_office_head_agrees_one_plan_with_a_comment_and_returns_another(
    live_server, new_page, seed_plan, secretary, office_head
):
    other = make_plan(year=2024, sessions=2, items_per_session=2)
    for plan in (seed_plan, other):
        fire(obj=plan, name="submit", by=secretary)

    page = new_page()
    page.goto(live_server.url + "/plans/")
    log_in(page, "office_head")
    page.get_by_role("heading", name="Планы заседаний").wait_for()
    shot(page, "10-plans")
    page.get_by_role("link", name=seed_plan.title).click()
    page.get_by_role("heading", name="Ваше решение по плану").wait_for()
    shot(page, "11-plan-submitted")
    page.get_by_label(re.compile("^Комментарий")).fill("Согласовано, замечаний нет")
    page.get_by_role("button", name="Согласовать").click()
    page.get_by_text("Согласовано.", exact=True).wait_for()
    assert page.get_by_role("cell", name="Согласовано, замечаний нет").is_visible()
    shot(page, "12-plan-agreed")
    assert Plan.objects.get(pk=seed_plan.pk).state == ApprovalState.AGREED

    page.goto(f"{live_server.url}/plans/{other.pk}/")
    page.get_by_role("button", name="Вернуть на доработку").click()
    page.get_by_text("Укажите комментарий").wait_for()
    assert Plan.objects.get(pk=other.pk).state == ApprovalState.SUBMITTED
    page.get_by_label(re.compile("^Комментарий")).fill("Добавьте ответственных по второму заседанию")
    page.get_by_role("button", name="Вернуть на доработку").click()
    page.get_by_text("Возвращено на доработку.").wait_for()
    shot(page, "13-plan-returned")
    assert Plan.objects.get(pk=other.pk).state == ApprovalState.DRAFT


def test_department_head_approves(live_server, new_page, seed_plan, secretary, office_head, department_head):
    fire(obj=seed_plan, name="submit", by=secretary)
    fire(obj=seed_plan, name="agree", by=office_head, comment="Согласовано")

    page = new_page()
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    log_in(page, "department_head")
    page.get_by_role("button", name="Утвердить").click()
    page.get_by_text("Утверждено.", exact=True).wait_for()
    shot(page, "14-plan-approved")
    assert Plan.objects.get(pk=seed_plan.pk).state == ApprovalState.APPROVED


def test_without_the_role_no_button_and_a_readable_refusal_when_forced(
    live_server, new_page, seed_plan, secretary, responsible
):
    fire(obj=seed_plan, name="submit", by=secretary)
    page = new_page()
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    log_in(page, "portfolio1")
    page.get_by_role("heading", name=seed_plan.title).wait_for()
    assert page.get_by_role("button", name="Согласовать").count() == 0
    shot(page, "15-plan-as-responsible")

    # Forge the form the office head would have: the session's CSRF token is valid, the role is not.
    page.evaluate(
        """(url) => {
            const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
            const form = document.createElement('form');
            form.method = 'post'; form.action = url;
            for (const [name, value] of [['csrfmiddlewaretoken', token], ['transition', 'agree']]) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form); form.submit();
        }""",
        f"/plans/{seed_plan.pk}/transition/",
    )
    page.get_by_role("heading", name="Действие недоступно").wait_for()
    assert "«Согласовать»" in page.get_by_role("alert").inner_text()
    shot(page, "16-refusal")
    assert Plan.objects.get(pk=seed_plan.pk).state == ApprovalState.SUBMITTED


def test_every_role_closes_the_loop(  # issue 13: the acceptance walk, one screenshot per step
    live_server, new_page, settings, personas, responsible2, seed_bytes, tmp_path
):
    from tasks.models import PreparationTask as Task

    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    seed = tmp_path / "plan-2023.txt"
    seed.write_bytes(seed_bytes)
    url = live_server.url

    # The secretary imports the plan with a preview first, edits it and sends it.
    secretary = new_page()
    secretary.goto(url + "/plans/new/")
    log_in(secretary, "secretary")
    secretary.get_by_label("Файл плана").set_input_files(str(seed))
    secretary.get_by_role("button", name="Проверить файл").click()
    secretary.get_by_role("heading", name="Будет создано").wait_for()
    assert not Plan.objects.exists()
    shot(secretary, "loop-01-import-preview")
    secretary.get_by_role("button", name="Создать план").click()
    secretary.get_by_text("План загружен из файла").wait_for()
    plan = Plan.objects.get()
    first = plan.sessions.get(number=1)
    secretary.get_by_role("link", name="Изменить план").click()
    secretary.locator(f"#edit-session-{first.pk} input[name$=place]").fill("Малый зал, каб. 214")
    secretary.locator(f"#edit-session-{first.pk}").get_by_role("button", name="Сохранить заседание").click()
    secretary.get_by_text("Заседание № 1 сохранено.").wait_for()
    shot(secretary, "loop-02-plan-edit")
    secretary.get_by_role("link", name="Готово: к плану").click()
    secretary.get_by_role("button", name="Направить на согласование").click()
    secretary.get_by_text("Направлено на согласование.").wait_for()
    shot(secretary, "loop-03-plan-submitted")

    # The office head finds it in «Ждут моего решения» and returns it with a comment.
    head = new_page()
    head.goto(url + "/")
    log_in(head, "office_head")
    inbox = head.locator("#inbox")
    inbox.get_by_role("link", name=plan.title).wait_for()
    assert head.get_by_test_id("waiting-count").inner_text() == "1"
    shot(head, "loop-04-head-inbox")
    assert OutboxMessage.objects.filter(recipient=personas["office_head"], kind=MessageKind.DECISION).count() == 1
    inbox.get_by_role("link", name=plan.title).click()
    head.get_by_label(re.compile("^Комментарий")).fill("Уточните тему первого заседания")
    head.get_by_role("button", name="Вернуть на доработку").click()
    head.get_by_text("Возвращено на доработку.").wait_for()
    shot(head, "loop-05-head-returned")

    # The secretary sees the comment on top, edits, sends again.
    secretary.goto(url + "/")
    secretary.locator("#inbox").get_by_text("Уточните тему первого заседания").wait_for()
    secretary.locator("#inbox").get_by_role("link", name=plan.title).click()
    assert "Уточните тему первого заседания" in secretary.get_by_test_id("plan-returned").inner_text()
    shot(secretary, "loop-06-secretary-sees-the-comment")
    secretary.get_by_role("link", name="Исправить план").click()
    item = plan.items.filter(session=first, parent=None).order_by("order", "id").first()
    secretary.locator(f"#edit-item-{item.pk} textarea[name=text]").fill("Тема первого заседания, уточнённая")
    secretary.locator(f"#edit-item-{item.pk}").get_by_role("button", name="Сохранить пункт").click()
    secretary.get_by_text("Пункт сохранён.").wait_for()
    secretary.get_by_role("link", name="Готово: к плану").click()
    secretary.get_by_role("button", name="Направить на согласование").click()
    secretary.get_by_text("Направлено на согласование.").wait_for()

    # The office head sees what changed and agrees; the department head approves.
    head.goto(f"{url}/plans/{plan.pk}/")
    changes = head.get_by_test_id("plan-changes")
    assert "Тема первого заседания, уточнённая" in changes.inner_text()
    shot(head, "loop-07-head-sees-what-changed")
    head.get_by_role("button", name="Согласовать").click()
    head.get_by_text("Согласовано.", exact=True).wait_for()
    boss = new_page()
    boss.goto(url + "/")
    log_in(boss, "department_head")
    boss.locator("#inbox").get_by_role("link", name=plan.title).click()
    boss.get_by_role("button", name="Утвердить").click()
    boss.get_by_text("Утверждено.", exact=True).wait_for()
    shot(boss, "loop-08-approved-sheet")
    assert Plan.objects.get(pk=plan.pk).state == ApprovalState.APPROVED

    # Responsible persons get their notice, start by saving a result, and submit.
    approved = OutboxMessage.objects.get(recipient=personas["responsible"], kind=MessageKind.DECISION)
    assert approved.subject.startswith("Утверждено: ") and "заседание №" in approved.body_text
    tasks_assign(today=datetime.date(2023, 11, 20))
    task = Task.objects.filter(assignee=personas["responsible"]).first()
    person = new_page()
    person.goto(f"{url}/tasks/{task.pk}/")
    log_in(person, "portfolio1")
    person.get_by_test_id("next-step").wait_for()
    shot(person, "loop-09-task-next-step")
    person.get_by_label("Текст результата или пояснение").fill("Отчёт готов, цифры за год.")
    person.get_by_role("button", name="Сохранить результат").click()
    person.get_by_text("Результат сохранён.").wait_for()
    assert Task.objects.get(pk=task.pk).state == TaskState.IN_PROGRESS
    person.get_by_role("button", name="Сдать результат").click()
    person.get_by_text("Результат сдан на проверку.").wait_for()
    shot(person, "loop-10-task-submitted")

    # The office head is notified and accepts.
    assert OutboxMessage.objects.filter(recipient=personas["office_head"], kind=MessageKind.DECISION,
                                        subject__startswith="Отчёт на проверку").count() == 1
    head.goto(url + "/")
    head.locator("#inbox").get_by_role("link", name=task.title).click()
    head.get_by_role("button", name="Принять").click()
    head.get_by_text("Результат принят.").wait_for()
    shot(head, "loop-11-report-accepted")
    assert Task.objects.get(pk=task.pk).state == TaskState.DONE


def test_office_head_filters_the_overdue_board_reminds_and_gets_her_calendar_link(
    live_server, new_page, settings, approved_plan, office_head, responsible
):
    settings.SITE_URL = live_server.url
    tasks_assign(today=datetime.date(2023, 11, 20))  # due 5 December 2023: long overdue today
    page = new_page()
    page.goto(live_server.url + "/overdue/")
    log_in(page, "office_head")
    page.get_by_label("Исполнитель").select_option(str(responsible.pk))
    page.get_by_role("button", name="Показать").click()
    page.get_by_text(re.compile(r"^Показано \d+ из \d+\.$")).wait_for()
    page.get_by_role("button", name="Напомнить").first.click()
    page.get_by_text("Напоминание отправлено: Петров П.П.").wait_for()
    shot(page, "loop-12-overdue-filtered-reminded")
    assert OutboxMessage.objects.filter(recipient=responsible, kind=MessageKind.REMINDER).count() == 1

    page.get_by_role("link", name="Мой календарь").click()
    page.get_by_role("button", name="Получить ссылку").click()
    page.get_by_text("Ссылка на ваш календарь готова.").wait_for()
    assert "/calendar/" in page.get_by_test_id("feed-url").input_value()
    shot(page, "loop-13-my-calendar")
