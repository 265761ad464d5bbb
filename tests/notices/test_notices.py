"""Notices at every step, proven on a real SMTP server (aiosmtpd on loopback): who gets what,
and nobody hears of their own action."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Role
from accounts.substitutions import substitution_create
from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage
from outbox.sender import outbox_drain
from tasks.uploads import task_result_attach
from tests.factories import make_user
from workflow.models import AgendaItem

pytestmark = pytest.mark.django_db


def _delivered(server) -> dict[str, list]:
    """Drain the outbox to the SMTP server; the messages it received since, by address."""
    before = len(server.recorder.messages)
    outbox_drain()
    received: dict[str, list] = {}
    for message in server.recorder.messages[before:]:
        received.setdefault(message["To"], []).append(message)
    return received


def _only(received, email):
    assert len(received.get(email, [])) == 1, (email, sorted(received))
    message = received[email][0]
    return str(message["Subject"]).strip(), message.get_body(("plain",)).get_content()


def test_submit_goes_to_the_office_head_and_not_to_the_submitter(seed_plan, secretary, office_head, smtp_server):
    fire(obj=seed_plan, name="submit", by=secretary)

    received = _delivered(smtp_server)
    assert sorted(received) == [office_head.email]
    subject, text = _only(received, office_head.email)
    assert subject.startswith("На согласование: «План заседаний")
    assert "Иванова Ирина Ивановна, секретарь Проектного офиса направил(а) на согласование «План заседаний" in text
    assert "нажмите «Согласовать» или «Вернуть на доработку»" in text
    assert f"/plans/{seed_plan.pk}/" in text


def test_the_office_head_submitting_herself_hears_nothing(seed_plan, office_head, smtp_server):
    fire(obj=seed_plan, name="submit", by=office_head)

    assert _delivered(smtp_server) == {}
    assert not OutboxMessage.objects.filter(kind=MessageKind.DECISION).exists()


def test_agree_goes_to_the_department_head(seed_plan, secretary, office_head, department_head, smtp_server):
    fire(obj=seed_plan, name="submit", by=secretary)
    _delivered(smtp_server)
    fire(obj=seed_plan, name="agree", by=office_head)

    received = _delivered(smtp_server)
    assert sorted(received) == [department_head.email]
    subject, text = _only(received, department_head.email)
    assert subject.startswith("На утверждение: «План заседаний")
    assert "Сергеева Ольга Александровна, руководитель Проектного офиса согласовал(а) «План заседаний" in text
    assert "нажмите «Утвердить»" in text


@pytest.mark.parametrize("returned_from", ["submitted", "agreed"])
def test_a_return_goes_to_whoever_submitted_with_the_comment(
    seed_plan, secretary, office_head, department_head, smtp_server, returned_from
):
    fire(obj=seed_plan, name="submit", by=secretary)
    head = office_head
    if returned_from == "agreed":
        fire(obj=seed_plan, name="agree", by=office_head)
        head = department_head
    _delivered(smtp_server)

    fire(obj=seed_plan, name="return", by=head, comment="Уточните сроки второго заседания")

    received = _delivered(smtp_server)
    assert sorted(received) == [secretary.email]
    subject, text = _only(received, secretary.email)
    assert subject.startswith("Возвращено на доработку: «План заседаний")
    assert f"{head.full_name}" in text and "вернул(а) на доработку «План заседаний" in text
    assert "Комментарий: Уточните сроки второго заседания" in text
    assert "снова нажмите «Направить на согласование»" in text


def test_approval_reaches_the_secretary_and_every_responsible_with_their_items(
    seed_plan, secretary, office_head, department_head, responsible, responsible2, smtp_server
):
    fire(obj=seed_plan, name="submit", by=secretary)
    fire(obj=seed_plan, name="agree", by=office_head)
    _delivered(smtp_server)

    fire(obj=seed_plan, name="approve", by=department_head)

    received = _delivered(smtp_server)
    assert department_head.email not in received  # her own decision
    assert {secretary.email, responsible.email, responsible2.email} <= set(received)
    subject, text = _only(received, secretary.email)
    assert subject.startswith("Утверждено: «План заседаний")
    assert "Лебедева Людмила Михайловна" in text and "утвердил(а) «План заседаний" in text
    _subject, text = _only(received, responsible.email)
    own = AgendaItem.objects.filter(responsibilities__group__members=responsible).select_related("session").first()
    assert own.text[:40] in text
    assert f"заседание № {own.session.number}, {own.session.due_label}" in text
    assert "Задачи подготовки придут отдельным письмом" in text


def test_a_submitted_report_goes_to_the_office_head_not_to_its_author(make_task, office_head, responsible,
                                                                      smtp_server):
    task = make_task(responsible, datetime.date(2041, 3, 10))
    fire(obj=task, name="start", by=responsible)
    task_result_attach(task=task, by=responsible, text="Отчёт готов")
    fire(obj=task, name="submit", by=responsible)

    received = _delivered(smtp_server)
    assert sorted(received) == [office_head.email]
    subject, text = _only(received, office_head.email)
    assert subject == f"Отчёт на проверку: {task.title}"
    assert "Петров Пётр Петрович сдал(а) результат задачи подготовки." in text
    assert "нажмите «Принять» или «Вернуть на доработку»" in text and f"/tasks/{task.pk}/" in text


def test_the_office_head_submitting_her_own_report_hears_nothing(make_task, office_head, smtp_server):
    task = make_task(office_head, datetime.date(2041, 3, 10))
    fire(obj=task, name="start", by=office_head)
    task_result_attach(task=task, by=office_head, text="Отчёт готов")
    fire(obj=task, name="submit", by=office_head)

    assert _delivered(smtp_server) == {}


def test_an_acting_office_head_hears_in_her_place(seed_plan, secretary, office_head, smtp_server):
    deputy = make_user("deputy", role=Role.RESPONSIBLE, full_name="Заместитель Зоя Зиновьевна")
    today = datetime.date.today()
    substitution_create(by=office_head, person=deputy, replaces=office_head, starts_on=today,
                        ends_on=today + datetime.timedelta(days=3))

    fire(obj=seed_plan, name="submit", by=secretary)

    assert sorted(_delivered(smtp_server)) == [deputy.email]


def test_an_office_head_who_cancels_her_own_task_hears_nothing(make_task, office_head, responsible, smtp_server):
    own, other = make_task(office_head, datetime.date(2041, 3, 10)), make_task(responsible, datetime.date(2041, 3, 10))

    fire(obj=own, name="cancel", by=office_head, comment="Доложу устно")
    assert _delivered(smtp_server) == {}

    fire(obj=other, name="cancel", by=office_head, comment="Тема снята")
    subject, text = _only(_delivered(smtp_server), responsible.email)
    assert subject.startswith("Задача подготовки отменена: ") and "Комментарий: Тема снята" in text


def test_a_notice_is_handed_to_the_sender_when_the_decision_commits(seed_plan, secretary, office_head,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        fire(obj=seed_plan, name="submit", by=secretary)

    notice = OutboxMessage.objects.get(kind=MessageKind.DECISION)
    handed = [c for c in callbacks if getattr(c, "func", None) and c.func.__name__ == "outbox_hand_over"]
    assert [c.keywords["message_ids"] for c in handed] == [[notice.pk]]  # now, not at the next sweep
    assert notice.recipient == office_head and notice.key.startswith("decision:")
