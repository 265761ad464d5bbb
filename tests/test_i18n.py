"""Languages: Russian by default whatever the browser says, English when chosen; e-mails and
documents always Russian; the English catalogue complete and compiled.

The catalogue is rebuilt with
``python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests
--ignore=bench --ignore=artifacts --ignore=scripts``,
translated in ``locale/en/LC_MESSAGES/django.po`` and compiled with ``compilemessages``
(the .mo is committed, so no gettext tools are needed to run the site).
"""

from __future__ import annotations

import ast
import datetime
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
CYRILLIC = re.compile("[А-Яа-яЁё]")
MAKEMESSAGES_IGNORE = [".venv", "var", "tests", "bench", "artifacts", "scripts"]


def _switch_language(client: Client, language: str, next_url: str = "/") -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


# --- Pages: explicit choice only -----------------------------------------------------------


def test_login_page_is_russian_even_for_an_english_browser(db):
    response = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    html = response.content.decode()
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru">' in html
    assert "<h1>Вход</h1>" in html and "Log in" not in html


def test_my_tasks_is_russian_by_default_and_english_after_the_switch(db, responsible):
    client = Client()
    client.force_login(responsible)
    url = reverse("web:tasks")

    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Мои задачи</h1>" in russian and "My tasks" not in russian

    _switch_language(client, "en", next_url=url)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")  # the choice beats the browser both ways
    english = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in english
    assert "<h1>My tasks</h1>" in english and "No current tasks." in english
    assert "Мои задачи" not in english
    # Role labels come from the models' translated choices.
    assert "Responsible person" in english

    _switch_language(client, "ru", next_url=url)
    assert "<h1>Мои задачи</h1>" in client.get(url).content.decode()


def test_the_language_switch_is_a_labelled_form_with_csrf(db):
    client = Client(enforce_csrf_checks=True)
    html = client.get(reverse("login")).content.decode()

    form = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', html, re.S)
    assert form, "the footer has no language switch"
    form = form.group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<label for="language-select">Язык интерфейса</label>' in form
    assert '<option value="ru" lang="ru" selected>Русский</option>' in form
    assert '<option value="en" lang="en">English</option>' in form
    # Without the token the switch is refused like any other POST.
    refused = client.post(reverse("set_language"), {"language": "en"})
    assert refused.status_code == 403


def test_an_unknown_language_cookie_falls_back_to_russian(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get(reverse("login"))
    assert response["Content-Language"] == "ru"
    assert "<h1>Вход</h1>" in response.content.decode()


def test_a_page_does_not_leave_english_active_for_the_next_code(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "<h1>Log in</h1>" in client.get(reverse("login")).content.decode()
    assert translation.get_language() == "ru"


def test_form_errors_and_messages_follow_the_choice(db, responsible):
    client = Client()
    _switch_language(client, "en")
    response = client.post(reverse("login"), {"username": responsible.username, "password": "wrong"})
    html = response.content.decode()
    assert "Please enter a correct username and password" in html  # Django's own catalogue


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (scripts/system-deps)")
def test_an_english_chromium_sees_russian_until_the_person_switches(live_server, responsible, monkeypatch):
    from playwright.sync_api import sync_playwright

    from tests.factories import PASSWORD

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures
    # are still synchronous (set for this test only, like tests/web/test_browser.py).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    screenshots = ROOT / "artifacts" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu", "--lang=en-US"]
        )
        try:
            context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.goto(f"{live_server.url}{reverse('login')}")
            assert page.evaluate("navigator.language") == "en-US"
            assert page.get_by_role("heading", level=1).inner_text() == "Вход"

            page.get_by_label("Язык интерфейса").select_option("en")
            page.get_by_role("button", name="Сменить язык").click()
            page.get_by_role("heading", name="Log in").wait_for()
            assert page.locator("html").get_attribute("lang") == "en"
            page.get_by_label("Username").fill(responsible.username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.get_by_role("heading", name="My tasks").wait_for()
            assert page.get_by_role("link", name="Session plans").is_visible()
            page.screenshot(path=str(screenshots / "i18n-my-tasks-english.png"), full_page=True)

            page.get_by_label("Interface language").select_option("ru")
            page.get_by_role("button", name="Change language").click()
            page.get_by_role("heading", name="Мои задачи").wait_for()
            page.screenshot(path=str(screenshots / "i18n-my-tasks-russian.png"), full_page=True)
        finally:
            browser.close()


# --- API: the cookie, or Accept-Language set by the client ----------------------------------


def test_api_error_detail_follows_accept_language(db, responsible):
    client = Client()
    client.force_login(responsible)
    url = "/api/tasks/overdue-summary/"

    russian = client.get(url)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert russian.status_code == english.status_code == 403
    assert russian.json() == {
        "code": "forbidden",
        "detail": "Сводка просроченных задач доступна руководителю Проектного офиса.",
    }
    assert english.json() == {
        "code": "forbidden",
        "detail": "The overdue task summary is available to the head of the Project Office.",
    }
    assert english["Content-Language"] == "en" and "Accept-Language" in english["Vary"]


def test_api_framework_errors_are_translated_too(db):
    anonymous = Client()
    assert anonymous.get("/api/plans/").json()["detail"] == "Учетные данные не были предоставлены."
    assert (anonymous.get("/api/plans/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
            == "Authentication credentials were not provided.")
    assert (anonymous.get("/api/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
            == "Object not found or not available.")


def test_api_the_chosen_language_beats_accept_language(db, responsible):
    client = Client()
    client.force_login(responsible)
    _switch_language(client, "ru")
    detail = client.get("/api/tasks/overdue-summary/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert detail.startswith("Сводка просроченных задач")


def test_plan_import_errors_are_translated_and_russian_stays_as_it_was(db):
    from documents.exceptions import PlanImportError
    from documents.importing import plan_import_file

    broken = "Утверждаю\nруководитель\nЛ.М.Лебедева\n\nПлан заседаний на 2023 год\n".encode()
    with pytest.raises(PlanImportError) as russian:
        plan_import_file(content=broken, filename="plan.txt")
    with translation.override("en"), pytest.raises(PlanImportError) as english:
        plan_import_file(content=broken, filename="plan.txt")

    assert russian.value.message.startswith("Файл плана не загружен: не найдена таблица: ожидалась строка заголовка")
    assert english.value.message.startswith("The plan file was not imported: no table found: a header row")


# --- E-mails and documents: always Russian -----------------------------------------------


@pytest.fixture
def english_active():
    with translation.override("en"):
        yield


@pytest.fixture
def december_tasks(approved_plan, settings):
    """The seed plan's December tasks, assigned on 20 November 2023."""
    from tasks.assignment import tasks_assign

    settings.TASKS_DUE_DAYS_BEFORE = 10
    settings.TASKS_ASSIGN_WINDOW_DAYS = 60
    with time_machine.travel(datetime.datetime(2023, 11, 20, 10, 0, tzinfo=datetime.UTC), tick=False):
        tasks_assign()


def test_assignment_emails_are_russian_even_when_english_is_active(english_active, december_tasks):
    from outbox.models import MessageKind, OutboxMessage
    from tests.factories import rendered

    messages = list(OutboxMessage.objects.filter(kind=MessageKind.ASSIGNED))
    assert messages
    for message in map(rendered, messages):
        assert message.subject.startswith(("Новая задача подготовки: срок", "Новые задачи подготовки ("))
        assert "Вам назначены задачи подготовки к заседаниям Проектного офиса:" in message.body_text
        assert "Письмо отправлено автоматически" in message.body_text
        assert '<html lang="ru">' in message.body_html and "<th align=\"left\">Задача</th>" in message.body_html
        assert "Hello" not in message.body_text + message.body_html


def test_reminder_and_escalation_emails_are_russian(english_active):
    from types import SimpleNamespace

    from outbox.rendering import message_render

    task = SimpleNamespace(title="Отчёт по проекту", session="Заседание № 1 (Март 2031 г.)",
                           due_date=datetime.date(2031, 3, 1), assignee="Петров П.П.")
    entry = {"task": task, "url": "http://x/tasks/1/", "days_late": 3, "days_left": 2}
    person = SimpleNamespace(full_name="Петров Пётр Петрович")
    day = datetime.date(2031, 3, 4)

    subject, text, html = message_render(template="tasks/email/reminder", context={
        "person": person, "day": day, "overdue": [entry], "today": [], "soon": [entry]})
    assert subject == "Просрочены задачи подготовки (1)"
    assert "просрочено на 3 дн." in text and "(осталось 2 дн.)" in text
    assert "<td>3 дн.</td>" in html and "Скоро срок" in html

    subject, text, html = message_render(template="tasks/email/escalation", context={
        "person": person, "day": day, "policy": SimpleNamespace(escalate_after_days=3), "total": 4,
        "by_person": [("Петров П.П.", 4)], "entries": [entry], "more": 3})
    assert subject == "Просроченные задачи подготовки: 4 на 04.03.2031"
    assert "…и ещё 3: полный список" in text and "полный список</a>" in html
    assert not re.search(r"\b(?:Hello|Overdue|Session)\b", subject + text + html)


def test_password_reset_email_is_russian_from_the_english_page(db, responsible):
    client = Client()
    _switch_language(client, "en")
    page = client.get(reverse("password_reset")).content.decode()
    assert "<h1>Password reset</h1>" in page

    client.post(reverse("password_reset"), {"email": responsible.email})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Восстановление пароля — Проектный офис"
    assert message.body.startswith("Здравствуйте, Петров Пётр Петрович!")
    assert f"Ваше имя пользователя: {responsible.username}" in message.body


def test_documents_are_russian_even_when_english_is_active(approved_plan, office_head, english_active):
    from io import BytesIO

    from docx import Document

    from documents.approval_sheet import approval_sheet_docx

    sheet = Document(BytesIO(approval_sheet_docx(plan=approved_plan)))
    text = "\n".join(cell.text for table in sheet.tables for row in table.rows for cell in row.cells)
    text += "\n".join(p.text for p in sheet.paragraphs)
    assert "Согласовано" in text and "Утверждено" in text  # decision results, in Russian
    assert "Состояние: Утверждено" in text
    assert "Approve" not in text and "Agree" not in text


def test_calendar_feed_is_russian_even_when_english_is_active(english_active, december_tasks, responsible):
    from icalendar import Calendar

    from calendars.ics import feed_ics

    feed = Calendar.from_ical(feed_ics(user=responsible))
    descriptions = [str(event["description"]) for event in feed.walk("VEVENT") if str(event["uid"]).startswith("task-")]
    assert descriptions
    assert all(d.endswith("Состояние: Назначена.") for d in descriptions), descriptions


# --- The catalogue -----------------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    """A tiny .po reader: msgctxt/msgid/msgid_plural/msgstr[n], flags, obsolete entries skipped."""
    entries, current, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current is not None:
                entries.append(current)
            current = None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = {"flags": set(), "msgid": "", "msgid_plural": None, "msgstr": {}, "ctx": None}
        if line.startswith("#,"):
            current["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            key = (match.group(1), int(match.group(2) or 0))
            value = ast.literal_eval(match.group(3))
        else:
            value = ast.literal_eval(line)
        name, index = key
        if name.startswith("msgstr"):
            current["msgstr"][index] = current["msgstr"].get(index, "") + value
        elif name == "msgid_plural":
            current["msgid_plural"] = (current["msgid_plural"] or "") + value
        elif name == "msgctxt":
            current["ctx"] = (current["ctx"] or "") + value
        else:
            current["msgid"] += value
    return entries


PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]|%%")


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    entries = _po_entries(PO_PATH)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en" in header["msgstr"][0]
    assert len(messages) > 400

    problems = []
    for entry in messages:
        expected = 2 if entry["msgid_plural"] is not None else 1
        strings = [entry["msgstr"].get(i, "") for i in range(expected)]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {entry['msgid']!r}")
        for s in strings:
            # Russian stays only inside quotes: words of the Russian document («Срок», «Утверждаю»).
            if CYRILLIC.search(re.sub(r"«[^»]*»|“[^”]*”", "", s)):
                problems.append(f"Russian left in the translation: {s!r}")
            if sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(entry["msgid"])):
                problems.append(f"placeholders differ: {entry['msgid']!r} -> {s!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po():
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _po_entries(PO_PATH)[1:]:
        if entry["msgid_plural"] is not None:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"][0]
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 5) == entry["msgstr"][1]
        else:
            msgid = entry["msgid"] if entry["ctx"] is None else f"{entry['ctx']}\x04{entry['msgid']}"
            assert compiled.gettext(msgid) == entry["msgstr"][0], entry["msgid"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs the gettext tools (Debian package gettext)")
def test_the_catalogue_holds_every_string_marked_for_translation(tmp_path):
    """makemessages over a copy of the code: a string marked for translation but missing from
    the committed .po comes out untranslated (or fuzzy-matched), and this test names it."""
    from django.conf import settings

    own_apps = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
    for name in (*own_apps, "config", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    ignores = [f"--ignore={name}" for name in MAKEMESSAGES_IGNORE]
    done = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", *ignores],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert done.returncode == 0, done.stdout + done.stderr

    missing = [
        entry["msgid"] for entry in _po_entries(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")[1:]
        if "fuzzy" in entry["flags"] or not all(s.strip() for s in entry["msgstr"].values())
    ]
    assert not missing, (
        "Strings marked for translation are missing from locale/en/LC_MESSAGES/django.po; run "
        "makemessages (see this module's docstring), translate them, then compilemessages:\n" + "\n".join(missing)
    )
