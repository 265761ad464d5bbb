"""The secretary's plan pages: create, import with a preview first, edit a draft; the return
comment on top until the plan is sent again; what changed since the last submit for the heads."""

from django.core.files.uploadedfile import SimpleUploadedFile

from lifecycle.kernel import fire
from workflow.models import AgendaItem, Plan, Session


def _html(response) -> str:
    return response.content.decode()


def test_import_shows_a_preview_and_saves_nothing_until_confirmed(login, personas, secretary, seed_bytes):
    client = login(secretary)
    assert "Проверить файл" in _html(client.get("/plans/new/"))

    preview = client.post("/plans/import/", {"action": "preview",
                                            "file": SimpleUploadedFile("plan-2023.txt", seed_bytes)})
    html = _html(preview)
    assert preview.status_code == 200 and "Будет создано" in html and "Театр ПЛЮС" in html
    assert "Пробный запуск: в базу ничего не записано." in html
    assert not Plan.objects.exists()

    created = client.post("/plans/import/", {"action": "create"})
    plan = Plan.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/plans/{plan.pk}/"
    assert plan.sessions.count() == 5


def test_a_broken_file_lists_its_errors_and_saves_nothing(login, personas, secretary):
    html = _html(login(secretary).post("/plans/import/", {
        "action": "preview", "file": SimpleUploadedFile("plan.txt", "не план\nвовсе".encode())}))
    assert "Файл не может быть загружен" in html and 'data-testid="import-errors"' in html
    assert "Создать план" not in html.split('data-testid="import-errors"')[1]
    assert not Plan.objects.exists()


def test_only_the_office_staff_edit(login, seed_plan, responsible, outsider):
    for user in (responsible, outsider):
        assert login(user).get("/plans/new/").status_code == 403
        assert login(user).get(f"/plans/{seed_plan.pk}/edit/").status_code == 403


def test_the_secretary_creates_a_plan_and_fills_it(login, personas, secretary, responsible, portfolio_group):
    client = login(secretary)
    answer = client.post("/plans/new/", {"year": 2031, "title": ""})
    plan = Plan.objects.get(year=2031)
    assert answer["Location"] == f"/plans/{plan.pk}/edit/"

    client.post(f"/plans/{plan.pk}/edit/sessions/", {"new-planned_month": "2031-03", "new-place": "Каб. 101"})
    session = Session.objects.get(plan=plan)
    assert (session.number, session.planned_month.isoformat(), session.place) == (1, "2031-03-01", "Каб. 101")

    client.post(f"/plans/{plan.pk}/edit/sessions/{session.pk}/items/",
                {"text": "Отчёт о проекте", "persons": [responsible.pk], "groups": [portfolio_group.pk]})
    parent = AgendaItem.objects.get(plan=plan)
    client.post(f"/plans/{plan.pk}/edit/sessions/{session.pk}/items/",
                {"text": "Разное", "parent": parent.pk, "other": "on", "new_person": "Новикова Н.Н."})
    child = AgendaItem.objects.get(parent=parent)
    assert not child.needs_preparation and child.responsible_label == "Новикова Н.Н."
    assert parent.responsible_label == f"{responsible} {portfolio_group}"

    client.post(f"/plans/{plan.pk}/edit/sessions/{session.pk}/items/{parent.pk}/",
                {"text": "Отчёт о проекте (уточнено)", "order": 0, "persons": [responsible.pk]})
    parent.refresh_from_db()
    assert parent.text == "Отчёт о проекте (уточнено)" and parent.responsible_label == str(responsible)
    html = _html(client.get(f"/plans/{plan.pk}/edit/"))
    assert "Отчёт о проекте (уточнено)" in html and "Новикова Н.Н." in html

    client.post(f"/plans/{plan.pk}/edit/sessions/{session.pk}/items/{child.pk}/", {"action": "delete"})
    assert not AgendaItem.objects.filter(pk=child.pk).exists()


def test_a_submitted_plan_is_not_edited(login, seed_plan, secretary):
    fire(obj=seed_plan, name="submit", by=secretary)
    session = seed_plan.sessions.first()
    client = login(secretary)
    answer = client.post(f"/plans/{seed_plan.pk}/edit/sessions/{session.pk}/", {
        f"s{session.pk}-planned_month": "2023-05"}, follow=True)
    assert "изменить его можно только через возврат на доработку" in _html(answer)
    session.refresh_from_db()
    assert session.planned_month.month != 5


def test_return_comment_on_top_then_the_heads_see_what_changed(login, seed_plan, secretary, office_head):
    fire(obj=seed_plan, name="submit", by=secretary)
    fire(obj=seed_plan, name="return", by=office_head, comment="Перенесите июльское заседание на август")
    client = login(secretary)
    html = _html(client.get(f"/plans/{seed_plan.pk}/"))
    top = html[: html.index('class="document"')]
    assert "План возвращён на доработку" in top and "Перенесите июльское заседание на август" in top

    july = seed_plan.sessions.get(number=3)
    client.post(f"/plans/{seed_plan.pk}/edit/sessions/{july.pk}/", {f"s{july.pk}-planned_month": "2023-08"})
    first = seed_plan.items.filter(session=july, parent=None).first()
    client.post(f"/plans/{seed_plan.pk}/edit/sessions/{july.pk}/items/{first.pk}/", {"text": "Новая редакция темы"})
    removed = seed_plan.items.exclude(pk=first.pk).filter(children=None).last()
    removed_text = removed.text
    client.post(f"/plans/{seed_plan.pk}/edit/sessions/{removed.session_id}/items/{removed.pk}/", {"action": "delete"})
    client.post(f"/plans/{seed_plan.pk}/edit/sessions/{july.pk}/items/", {"text": "Совсем новая тема"})
    fire(obj=seed_plan, name="submit", by=secretary)

    html = _html(login(office_head).get(f"/plans/{seed_plan.pk}/"))
    assert "План возвращён на доработку" not in html
    changes = html[html.index('data-testid="plan-changes"'):]
    changes = changes[: changes.index("</section>")]
    assert "Добавлен пункт</span> Совсем новая тема" in changes
    assert f"<del>{removed_text}</del>" in changes
    assert "Изменён пункт</span> Новая редакция темы" in changes and "текст" in changes
    assert "Заседание № 3 перенесено" in changes and "Август 2023 г." in changes
    # and in the history: the second submit's row of the approval sheet says what changed
    sheet = html[html.index('id="sheet-h"'):]
    assert "изменения: добавлено пунктов 1, удалено 1, изменено 1, перенесено заседаний 1" in sheet


def test_an_item_changes_nesting_and_moves_to_another_session(login, seed_plan, secretary):
    client = login(secretary)
    first, second = seed_plan.sessions.filter(number__in=(2, 3)).order_by("number")
    top, other = seed_plan.items.filter(session=first, parent=None).order_by("order", "id")[:2]
    url = f"/plans/{seed_plan.pk}/edit/sessions/{first.pk}/items/{other.pk}/"

    client.post(url, {"text": other.text, "session": first.pk, "parent": top.pk})
    other.refresh_from_db()
    assert other.parent_id == top.pk  # nested under the first topic

    top_url = f"/plans/{seed_plan.pk}/edit/sessions/{first.pk}/items/{top.pk}/"
    refused = client.post(top_url, {"text": top.text, "session": first.pk, "parent": other.pk}, follow=True)
    assert "не может быть вложена сама в себя" in _html(refused)

    client.post(top_url, {"text": top.text, "session": second.pk})
    top.refresh_from_db()
    other.refresh_from_db()
    assert top.session_id == second.pk and other.session_id == second.pk  # its sub-topics follow


def test_deleting_asks_for_a_confirmation_in_the_browser(login, seed_plan, secretary):
    html = _html(login(secretary).get(f"/plans/{seed_plan.pk}/edit/"))
    assert "return confirm('Удалить заседание со всеми его темами? Это действие необратимо.')" in html
    assert "return confirm('Удалить пункт вместе с его подпунктами? Это действие необратимо.')" in html
