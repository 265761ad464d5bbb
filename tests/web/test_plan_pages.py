"""Plans: the list, the plan read as the document, the approval buttons and sheet, amendments."""

import pytest
from django.urls import NoReverseMatch, reverse

from approvals.models import ApprovalState, Decision
from lifecycle.kernel import fire
from workflow.edit_services import item_create
from workflow.models import Plan


def _html(response) -> str:
    return response.content.decode()


def _state(plan) -> str:
    return Plan.objects.get(pk=plan.pk).state


def _buttons(html: str) -> set[str]:
    return {
        name
        for name in ("submit", "agree", "approve", "return", "archive")
        if f'name="transition" value="{name}"' in html
    }


def test_the_list_shows_what_each_person_may_see(login, seed_plan, secretary, responsible, outsider):
    assert f"/plans/{seed_plan.pk}/" in _html(login(secretary).get("/plans/"))
    assert f"/plans/{seed_plan.pk}/" not in _html(login(responsible).get("/plans/"))  # a draft
    assert "Планов, доступных вам, пока нет" in _html(login(outsider).get("/plans/"))
    fire(obj=seed_plan, name="submit", by=secretary)
    html = _html(login(responsible).get("/plans/"))
    assert f"/plans/{seed_plan.pk}/" in html and "На согласовании" in html


def test_a_plan_nobody_shows_them_is_not_found(login, seed_plan, responsible, outsider):
    assert login(responsible).get(f"/plans/{seed_plan.pk}/").status_code == 404
    assert login(outsider).get(f"/plans/{seed_plan.pk}/").status_code == 404
    assert login(outsider).post(f"/plans/{seed_plan.pk}/transition/", {"transition": "agree"}).status_code == 404


def test_the_plan_reads_like_the_document(login, seed_plan, secretary):
    html = _html(login(secretary).get(f"/plans/{seed_plan.pk}/"))
    assert "«Утверждаю»" in html and "«Согласовано»" in html
    assert "Л.М.Лебедева" in html and "О.А.Сергеева" in html
    assert seed_plan.title in html
    # The «Срок» column as the document words it (the seed writes «Апрель 2023г.» without a space).
    for month in ("Февраль 2023 г.", "Апрель 2023г.", "Июль 2023 г.", "Сентябрь 2023 г.", "Декабрь 2023 г."):
        assert month in html
    assert "Театр ПЛЮС" in html and "Центр управления полетами" in html
    assert "Руководители управленческих портфелей департамента образования" in html
    assert 'class="items"' in html and html.count('<ul class="items">') > 5  # nested sub-topics
    assert "Черновик" in html and "Решений по плану пока нет" in html


@pytest.mark.parametrize(
    "state_by,who,expected",
    [
        ([], "secretary", {"submit"}),
        ([], "office_head", {"submit"}),
        ([], "department_head", set()),
        (["submit"], "office_head", {"agree", "return"}),
        (["submit"], "secretary", set()),
        (["submit"], "department_head", set()),
        (["submit"], "responsible", set()),
        (["submit", "agree"], "department_head", {"approve", "return"}),
        (["submit", "agree"], "office_head", set()),
    ],
)
def test_buttons_are_the_ones_the_user_may_press_now(
    request, login, seed_plan, secretary, office_head, state_by, who, expected
):
    for name in state_by:
        fire(obj=seed_plan, name=name, by=secretary if name == "submit" else office_head)
    html = _html(login(request.getfixturevalue(who)).get(f"/plans/{seed_plan.pk}/"))
    assert _buttons(html) == expected
    assert ('name="comment"' in html) == bool(expected)


def test_office_head_agrees_with_a_comment_and_it_is_on_the_sheet(login, seed_plan, secretary, office_head):
    fire(obj=seed_plan, name="submit", by=secretary)
    client = login(office_head)
    response = client.post(
        f"/plans/{seed_plan.pk}/transition/", {"transition": "agree", "comment": "Согласовано без замечаний"}
    )
    assert response.status_code == 302 and response["Location"] == f"/plans/{seed_plan.pk}/"
    assert _state(seed_plan) == ApprovalState.AGREED
    html = _html(client.get(response["Location"]))
    assert "Согласовано." in html  # the message
    assert "Лист согласования" in html and "Согласовано без замечаний" in html
    assert "Сергеева Ольга Александровна" in html and "руководитель Проектного офиса" in html


def test_return_needs_a_comment(login, seed_plan, secretary, office_head):
    fire(obj=seed_plan, name="submit", by=secretary)
    client = login(office_head)
    response = client.post(f"/plans/{seed_plan.pk}/transition/", {"transition": "return", "comment": "  "})
    assert response.status_code == 302
    assert "Укажите комментарий" in _html(client.get(response["Location"]))
    assert _state(seed_plan) == ApprovalState.SUBMITTED

    client.post(f"/plans/{seed_plan.pk}/transition/", {"transition": "return", "comment": "Уточните сроки"})
    assert _state(seed_plan) == ApprovalState.DRAFT
    assert "Уточните сроки" in _html(client.get(f"/plans/{seed_plan.pk}/"))


def test_department_head_approves(login, seed_plan, secretary, office_head, department_head):
    fire(obj=seed_plan, name="submit", by=secretary)
    fire(obj=seed_plan, name="agree", by=office_head)
    client = login(department_head)
    client.post(f"/plans/{seed_plan.pk}/transition/", {"transition": "approve"})
    assert _state(seed_plan) == ApprovalState.APPROVED
    html = _html(client.get(f"/plans/{seed_plan.pk}/"))
    assert "Утверждено" in html and "Лебедева Людмила Михайловна" in html


@pytest.mark.parametrize("who", ["responsible", "secretary", "department_head"])
def test_forcing_agree_without_the_role_is_a_readable_refusal_that_changes_nothing(
    request, login, seed_plan, secretary, who
):
    fire(obj=seed_plan, name="submit", by=secretary)
    decisions = Decision.objects.count()
    response = login(request.getfixturevalue(who)).post(
        f"/plans/{seed_plan.pk}/transition/", {"transition": "agree", "comment": "Да"}
    )
    assert response.status_code == 403
    html = _html(response)
    assert "Действие недоступно" in html and "«Согласовать»" in html and "Ничего не изменено" in html
    assert _state(seed_plan) == ApprovalState.SUBMITTED and Decision.objects.count() == decisions


def test_a_transition_from_the_wrong_state_is_a_message(login, seed_plan, office_head):
    client = login(office_head)
    response = client.post(f"/plans/{seed_plan.pk}/transition/", {"transition": "agree"})
    assert response.status_code == 302
    assert "невозможно: текущее состояние — «Черновик»" in _html(client.get(response["Location"]))


def test_no_state_change_on_get(login, seed_plan, secretary):
    assert login(secretary).get(f"/plans/{seed_plan.pk}/transition/?transition=submit").status_code == 405
    assert _state(seed_plan) == ApprovalState.DRAFT


def test_an_amendment_has_its_own_buttons_and_cycle(login, approved_plan, secretary, office_head, responsible):
    session = approved_plan.sessions.order_by("number").last()
    item = item_create(by=secretary, session=session, text="О дополнительном отчёте по проекту", persons=[responsible])
    plan_url = f"/plans/{approved_plan.pk}/"
    html = _html(login(secretary).get(plan_url))
    assert "Изменение к плану" in html and f'action="/items/{item.pk}/transition/"' in html
    assert _buttons(html) == {"submit"}  # the plan itself offers nothing to the secretary now
    assert "О дополнительном отчёте" not in _html(login(responsible).get(plan_url))  # a draft amendment

    response = login(secretary).post(f"/items/{item.pk}/transition/", {"transition": "submit"})
    assert response["Location"] == f"{plan_url}#item-{item.pk}"
    item.refresh_from_db()
    assert item.state == ApprovalState.SUBMITTED

    head = _html(login(office_head).get(plan_url))
    assert f'action="/items/{item.pk}/transition/"' in head and {"agree", "return"} <= _buttons(head)
    login(office_head).post(f"/items/{item.pk}/transition/", {"transition": "agree", "comment": "Включить"})
    item.refresh_from_db()
    assert item.state == ApprovalState.AGREED
    assert _state(approved_plan) == ApprovalState.APPROVED
    sheet = _html(login(responsible).get(plan_url))
    assert "Включить" in sheet and "Изменение: О дополнительном отчёте" in sheet


def test_forcing_an_item_transition_without_the_role(login, approved_plan, secretary, responsible):
    session = approved_plan.sessions.order_by("number").last()
    item = item_create(by=secretary, session=session, text="Новая тема")
    fire(obj=item, name="submit", by=secretary)
    response = login(responsible).post(f"/items/{item.pk}/transition/", {"transition": "agree"})
    assert response.status_code == 403 and "Действие недоступно" in _html(response)
    item.refresh_from_db()
    assert item.state == ApprovalState.SUBMITTED


def test_download_links_point_at_the_export(login, seed_plan, secretary):
    try:
        export = reverse("plan-export", args=[seed_plan.pk])
    except NoReverseMatch:
        pytest.skip("the plan export is not installed")
    html = _html(login(secretary).get(f"/plans/{seed_plan.pk}/"))
    assert f'href="{export}?format=docx"' in html and f'href="{export}?format=pdf"' in html
    assert f'href="{reverse("plan-approval-sheet", args=[seed_plan.pk])}?format=docx"' in html


def test_without_libreoffice_no_pdf_link_and_the_page_says_why(login, seed_plan, secretary, monkeypatch):
    monkeypatch.setenv("SOFFICE_BINARY", "/nonexistent/soffice")
    html = _html(login(secretary).get(f"/plans/{seed_plan.pk}/"))
    assert "format=pdf" not in html and "format=docx" in html
    assert "PDF недоступен: на сервере не установлен LibreOffice" in html


def test_not_found_is_the_russian_page_even_with_debug_on(login, seed_plan, responsible, settings):
    settings.DEBUG = True
    response = login(responsible).get(f"/plans/{seed_plan.pk}/")
    assert response.status_code == 404 and "Страница не найдена" in _html(response)


def test_the_plan_page_costs_the_same_queries_for_a_small_and_a_large_plan(login, secretary, responsible):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_plan

    client = login(secretary)
    counts = []
    for year, items in ((2030, 1), (2031, 15)):
        plan = make_plan(year=year, sessions=4, items_per_session=items, responsible=responsible)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/plans/{plan.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
