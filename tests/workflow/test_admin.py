"""The admin: transitions as buttons and actions for those who may fire them, read-only states,
the approval sheet, editing of drafts only, session events."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.admin import grant_admin_permissions
from approvals.models import ApprovalState, Decision
from lifecycle.kernel import fire
from tests.factories import make_plan, make_user
from workflow.models import AgendaItem, Plan, Session, SessionState

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    grant_admin_permissions(user)
    client = Client()
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _button(name: str) -> str:
    return f'name="transition" value="{name}"'


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _transition_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_transition", args=[obj.pk])


def _form_data(response) -> dict:
    """The POST data the admin change page would send back unchanged."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def plan(responsible):
    return make_plan(year=2031, sessions=2, items_per_session=2, responsible=responsible)


@pytest.fixture
def agreed_plan(plan, secretary, office_head):
    fire(obj=plan, name="submit", by=secretary)
    fire(obj=plan, name="agree", by=office_head, comment="Согласовано без замечаний")
    return plan


# --- Buttons offered ---------------------------------------------------------------------------


def test_secretary_sees_submit_on_a_draft_and_nothing_else(plan, secretary):
    response = _client(secretary).get(_change_url(plan))

    assert response.status_code == 200
    html = response.content.decode()
    assert _button("submit") in html
    assert "Направить на согласование" in html
    for other in ("agree", "approve", "return", "archive"):
        assert _button(other) not in html


def test_office_head_is_not_offered_approve_on_an_agreed_plan(agreed_plan, office_head):
    html = _client(office_head).get(_change_url(agreed_plan)).content.decode()

    assert _button("approve") not in html
    assert "Утвердить" not in html
    assert _button("return") not in html  # a return from "agreed" is the department head's


def test_department_head_is_offered_approve_and_return_on_an_agreed_plan(agreed_plan, department_head):
    html = _client(department_head).get(_change_url(agreed_plan)).content.decode()

    assert _button("approve") in html
    assert "Утвердить" in html
    assert _button("return") in html
    assert _button("agree") not in html


# --- Firing ------------------------------------------------------------------------------------


def test_posting_a_transition_as_the_right_user_moves_the_state_and_writes_a_decision(plan, secretary):
    response = _client(secretary).post(_transition_url(plan), {"transition": "submit", "comment": "Прошу согласовать"})

    assert response.status_code == 302
    assert response["Location"] == _change_url(plan)
    plan.refresh_from_db()
    assert plan.state == ApprovalState.SUBMITTED
    decision = Decision.objects.for_object(plan).get()
    assert (decision.transition, decision.from_state, decision.to_state) == ("submit", "draft", "submitted")
    assert decision.actor == secretary
    assert decision.comment == "Прошу согласовать"
    assert any("выполнено" in m for m in _messages(response))


def test_posting_a_transition_as_the_wrong_user_changes_nothing_and_explains(plan, secretary, department_head):
    fire(obj=plan, name="submit", by=secretary)
    client = _client(department_head)

    response = client.post(_transition_url(plan), {"transition": "agree", "comment": ""}, follow=True)

    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.state == ApprovalState.SUBMITTED
    assert Decision.objects.for_object(plan).count() == 1
    html = response.content.decode()
    assert "«Согласовать»" in html and "недоступно" in html


def test_an_outsider_posting_a_transition_gets_no_change(plan, outsider):
    outsider.is_staff = True
    outsider.save()
    client = Client()
    client.force_login(outsider)

    response = client.post(_transition_url(plan), {"transition": "submit"})

    assert response.status_code in (403, 404)
    plan.refresh_from_db()
    assert plan.state == ApprovalState.DRAFT
    assert not Decision.objects.exists()


def test_transition_view_refuses_get(plan, secretary):
    response = _client(secretary).get(_transition_url(plan) + "?transition=submit")

    assert response.status_code == 405
    plan.refresh_from_db()
    assert plan.state == ApprovalState.DRAFT


def test_return_without_a_comment_is_refused_with_a_message(plan, secretary, office_head):
    fire(obj=plan, name="submit", by=secretary)
    client = _client(office_head)

    response = client.post(_transition_url(plan), {"transition": "return", "comment": "   "}, follow=True)

    plan.refresh_from_db()
    assert plan.state == ApprovalState.SUBMITTED
    assert "Укажите комментарий" in response.content.decode()

    client.post(_transition_url(plan), {"transition": "return", "comment": "Уточнить сроки"})
    plan.refresh_from_db()
    assert plan.state == ApprovalState.DRAFT
    assert Decision.objects.for_object(plan).latest("id").comment == "Уточнить сроки"


def test_the_approval_sheet_is_shown_on_plan_and_item_pages(agreed_plan, department_head):
    client = _client(department_head)
    item = agreed_plan.items.first()

    plan_html = client.get(_change_url(agreed_plan)).content.decode()
    item_html = client.get(_change_url(item)).content.decode()

    assert "Лист согласования" in plan_html
    assert "Иванова Ирина Ивановна" in plan_html and "Сергеева Ольга Александровна" in plan_html
    assert "Согласовано без замечаний" in plan_html
    assert "Черновик → На согласовании" in plan_html
    assert "Согласовать (вместе с планом)" in item_html


# --- Changelist actions ------------------------------------------------------------------------


def test_changelist_action_asks_for_a_comment_then_fires(plan, secretary):
    client = _client(secretary)
    changelist = reverse("admin:workflow_plan_changelist")
    assert "transition_submit" in client.get(changelist).content.decode()
    assert "transition_approve" not in client.get(changelist).content.decode()

    page = client.post(changelist, {"action": "transition_submit", "_selected_action": [plan.pk], "index": 0})
    assert page.status_code == 200
    assert 'name="post" value="yes"' in page.content.decode()
    plan.refresh_from_db()
    assert plan.state == ApprovalState.DRAFT

    done = client.post(
        changelist, {"action": "transition_submit", "_selected_action": [plan.pk], "post": "yes", "comment": "Пакетом"}
    )
    assert done.status_code == 302
    plan.refresh_from_db()
    assert plan.state == ApprovalState.SUBMITTED
    assert Decision.objects.for_object(plan).get().comment == "Пакетом"


def test_changelist_return_action_without_comment_is_refused(plan, secretary, office_head):
    fire(obj=plan, name="submit", by=secretary)
    client = _client(office_head)
    changelist = reverse("admin:workflow_plan_changelist")

    page = client.post(
        changelist, {"action": "transition_return", "_selected_action": [plan.pk], "post": "yes", "comment": ""}
    )

    assert page.status_code == 200
    assert "Укажите комментарий" in page.content.decode()
    plan.refresh_from_db()
    assert plan.state == ApprovalState.SUBMITTED


# --- State is never a form field ---------------------------------------------------------------


@pytest.mark.parametrize("model_name", ["plan", "agendaitem", "session"])
def test_state_is_not_editable_in_any_form(plan, secretary, model_name):
    obj = {"plan": plan, "agendaitem": plan.items.first(), "session": plan.sessions.first()}[model_name]
    response = _client(secretary).get(_change_url(obj))

    assert response.status_code == 200
    assert "state" not in response.context["adminform"].form.fields
    assert 'name="state"' not in response.content.decode()
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            assert "state" not in form.fields


def test_posting_a_state_with_the_form_does_not_change_it(plan, secretary):
    client = _client(secretary)
    data = _form_data(client.get(_change_url(plan)))
    data.update({"title": "Новый заголовок", "state": ApprovalState.APPROVED})

    response = client.post(_change_url(plan), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    plan.refresh_from_db()
    assert plan.title == "Новый заголовок"
    assert plan.state == ApprovalState.DRAFT


# --- Editing only drafts, only by office staff ------------------------------------------------


def test_secretary_adds_a_session_to_a_draft_plan_in_the_inline(plan, secretary):
    client = _client(secretary)
    data = _form_data(client.get(_change_url(plan)))
    prefix = "sessions"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = total + 1
    data.update(
        {
            f"{prefix}-{total}-number": 3,
            f"{prefix}-{total}-source_number": "3.",
            f"{prefix}-{total}-planned_month": "2031-05-01",
            f"{prefix}-{total}-place": "Зал 1",
        }
    )

    response = client.post(_change_url(plan), data)

    assert response.status_code == 302
    session = plan.sessions.get(number=3)
    assert (session.planned_month, session.place, session.state) == (datetime.date(2031, 5, 1), "Зал 1", "planned")


def test_department_head_only_views_a_draft(plan, department_head):
    client = _client(department_head)

    page = client.get(_change_url(plan))
    refused = client.post(_change_url(plan), {"title": "Чужой заголовок", "year": 2031})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    plan.refresh_from_db()
    assert plan.title != "Чужой заголовок"


def test_a_submitted_plan_is_read_only_even_for_the_secretary(plan, secretary):
    client = _client(secretary)
    data = _form_data(client.get(_change_url(plan)))
    fire(obj=plan, name="submit", by=secretary)

    page = client.get(_change_url(plan))
    refused = client.post(_change_url(plan), {**data, "title": "Поздняя правка"})

    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    plan.refresh_from_db()
    assert plan.title != "Поздняя правка"


def test_an_amendment_added_to_an_approved_plan_runs_its_own_cycle(
    agreed_plan, secretary, office_head, department_head
):
    fire(obj=agreed_plan, name="approve", by=department_head)
    session = agreed_plan.sessions.first()
    client = _client(secretary)

    response = client.post(
        reverse("admin:workflow_agendaitem_add"),
        {
            "session": session.pk,
            "order": 9,
            "text": "Дополнительный вопрос",
            "needs_preparation": "on",
            "responsibilities-TOTAL_FORMS": 0,
            "responsibilities-INITIAL_FORMS": 0,
            "approvals-decision-content_type-object_id-TOTAL_FORMS": 0,
            "approvals-decision-content_type-object_id-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    item = AgendaItem.objects.get(text="Дополнительный вопрос")
    assert item.is_amendment and item.state == ApprovalState.DRAFT and item.plan == agreed_plan
    assert _button("submit") in client.get(_change_url(item)).content.decode()
    client.post(_transition_url(item), {"transition": "submit"})
    assert _button("agree") in _client(office_head).get(_change_url(item)).content.decode()
    item.refresh_from_db()
    assert item.state == ApprovalState.SUBMITTED
    agreed_plan.refresh_from_db()
    assert agreed_plan.state == ApprovalState.APPROVED


# --- Sessions ----------------------------------------------------------------------------------


def test_secretary_schedules_a_session_with_a_date(plan, secretary):
    session = plan.sessions.first()
    client = _client(secretary)
    assert 'value="schedule"' in client.get(_change_url(session)).content.decode()

    response = client.post(
        reverse("admin:workflow_session_transition", args=[session.pk]),
        {"transition": "schedule", "starts_at": "2031-01-20T10:30", "place": "Зал 2"},
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED
    assert session.place == "Зал 2"
    assert (
        session.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=3))).strftime("%Y-%m-%d %H:%M")
        == "2031-01-20 10:30"
    )


def test_session_postpone_needs_a_month_and_department_head_gets_no_session_buttons(plan, secretary, department_head):
    session = plan.sessions.first()
    url = reverse("admin:workflow_session_transition", args=[session.pk])

    missing = _client(secretary).post(url, {"transition": "postpone"}, follow=True)
    assert "Укажите месяц" in missing.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.PLANNED

    head = _client(department_head)
    assert 'value="postpone"' not in head.get(_change_url(session)).content.decode()
    refused = head.post(url, {"transition": "cancel"}, follow=True)
    assert refused.status_code == 200
    session.refresh_from_db()
    assert session.state == SessionState.PLANNED
    assert "секретарь или руководитель" in refused.content.decode()


# --- The decision log --------------------------------------------------------------------------


def test_decision_admin_is_view_only_even_for_a_superuser(plan, secretary):
    decision = fire(obj=plan, name="submit", by=secretary, comment="Первое")
    total = Decision.objects.count()
    root = make_user("root", role="", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)

    assert client.get(reverse("admin:approvals_decision_changelist")).status_code == 200
    assert client.get(_change_url(decision)).status_code == 200
    assert client.get(reverse("admin:approvals_decision_add")).status_code == 403
    assert client.post(_change_url(decision), {"comment": "Подмена"}).status_code == 403
    assert (
        client.post(reverse("admin:approvals_decision_delete", args=[decision.pk]), {"post": "yes"}).status_code == 403
    )
    changelist = client.get(reverse("admin:approvals_decision_changelist")).content.decode()
    assert "delete_selected" not in changelist
    decision.refresh_from_db()
    assert decision.comment == "Первое"
    assert Decision.objects.count() == total


def test_the_seed_plan_pages_render_for_every_staff_role(seed_plan, secretary, office_head, department_head):
    for user in (secretary, office_head, department_head):
        client = _client(user)
        for url in (
            reverse("admin:workflow_plan_changelist"),
            _change_url(seed_plan),
            reverse("admin:workflow_agendaitem_changelist") + f"?plan__id__exact={seed_plan.pk}",
            reverse("admin:workflow_session_changelist") + "?month=2023-02",
            reverse("admin:workflow_project_changelist"),
            reverse("admin:accounts_user_changelist"),
            reverse("admin:accounts_responsiblegroup_changelist"),
        ):
            assert client.get(url).status_code == 200, (user.username, url)
    assert Plan.objects.count() == 1
    assert Session.objects.filter(plan=seed_plan).count() == 5


def test_transition_post_without_csrf_token_is_refused(plan, secretary):
    grant_admin_permissions(secretary)
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)

    response = client.post(_transition_url(plan), {"transition": "submit"})

    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.state == ApprovalState.DRAFT


def test_user_and_group_admin_show_role_fields_and_members(responsible, responsible2, portfolio_group):
    root = make_user("root", role="", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)

    add_page = client.get(reverse("admin:accounts_user_add"))
    change_page = client.get(_change_url(responsible)).content.decode()
    groups_page = client.get(reverse("admin:accounts_responsiblegroup_changelist")).content.decode()

    assert add_page.status_code == 200
    for field in ("role", "short_name", "position"):
        assert f'name="{field}"' in add_page.content.decode()
        assert f'name="{field}"' in change_page
    assert "Петров П.П." in groups_page and "Смирнова А.В." in groups_page


@pytest.mark.django_db
def test_plan_page_offers_the_document_downloads(client, seed_plan, secretary):
    secretary.is_staff = True
    secretary.save()
    grant_admin_permissions(secretary)
    client.force_login(secretary)
    page = client.get(f"/admin/workflow/plan/{seed_plan.pk}/change/").content.decode()
    for link in (f"/api/plans/{seed_plan.pk}/export/?format=docx", f"/api/plans/{seed_plan.pk}/export/?format=pdf",
                 f"/api/plans/{seed_plan.pk}/approval-sheet/?format=docx"):
        assert link in page
    assert "Направить на согласование" in page
    response = client.get(f"/api/plans/{seed_plan.pk}/export/?format=docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
