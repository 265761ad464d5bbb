"""In headless Chromium: the secretary drafts a protocol in its editor (pre-filled from the
agenda) and sends it for agreement; after approval an assignee reports on the assignment from
«Мои задачи». Screenshots under artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from lifecycle.kernel import fire
from meetings.models import Protocol
from tasks.models import PreparationTask, TaskKind, TaskState
from tests.web.test_browser import CHROMIUM, browser, log_in, new_page, shot  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def test_secretary_drafts_the_protocol_and_an_assignee_reports(
    live_server, new_page, meeting_plan, secretary, office_head, department_head, responsible, settings, tmp_path,  # noqa: F811
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _plan, first, _second = meeting_plan
    fire(obj=first, name="hold", by=secretary)

    page = new_page()
    page.goto(f"{live_server.url}/meetings/sessions/{first.pk}/")
    log_in(page, "secretary")
    page.get_by_role("heading", name="Повестка").wait_for()
    shot(page, "20-session-page")
    page.get_by_role("button", name="Составить протокол").click()
    page.get_by_text("Черновик протокола создан по повестке заседания.").wait_for()
    protocol = Protocol.objects.get(session=first)
    first_entry = protocol.entries.order_by("order").first()
    assert page.get_by_label("Слушали").first.input_value() == first_entry.heard
    key = f"entry-{first_entry.pk}"
    page.locator(f"#{key}-decided").fill("Информацию принять к сведению.")
    page.locator(f"#{key}-new-text").fill("Представить дорожную карту проекта")
    page.locator(f"#{key}-new-assignees").select_option(str(responsible.pk))
    page.locator(f"#{key}-new-due").fill("2030-04-01")
    page.locator(f"#{key}-new-control").select_option(str(office_head.pk))
    shot(page, "21-protocol-editor")
    page.get_by_role("button", name="Сохранить протокол").click()
    page.get_by_text("Протокол сохранён.").wait_for()
    assert page.get_by_text("Представить дорожную карту проекта").is_visible()
    page.get_by_role("button", name="Направить на согласование").click()
    page.get_by_text(re.compile("выполнено")).wait_for()
    shot(page, "22-protocol-submitted")
    protocol.refresh_from_db()
    assert protocol.state == "submitted"

    fire(obj=protocol, name="agree", by=office_head)
    fire(obj=protocol, name="approve", by=department_head)
    task = PreparationTask.objects.get(kind=TaskKind.PROTOCOL_ASSIGNMENT, assignee=responsible)

    assignee = new_page()
    assignee.goto(live_server.url + "/tasks/")
    log_in(assignee, "portfolio1")
    assignee.get_by_role("link", name="Представить дорожную карту проекта").click()
    assignee.get_by_text("Поручение по протоколу").wait_for()
    assignee.get_by_role("button", name="Взять в работу").click()
    assignee.get_by_text("Задача взята в работу.").wait_for()
    assignee.get_by_label("Текст результата или пояснение").fill("Дорожная карта согласована с управлением.")
    assignee.get_by_role("button", name="Сохранить результат").click()
    assignee.get_by_text("Результат сохранён.").wait_for()
    assignee.get_by_role("button", name="Сдать результат").click()
    assignee.get_by_text("Результат сдан на проверку.").wait_for()
    shot(assignee, "23-assignment-reported")
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED
