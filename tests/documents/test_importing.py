"""Importing plans into the database, and the import_plan command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ResponsibleGroup, User
from approvals.models import ApprovalState
from documents.exceptions import PlanImportError
from documents.importing import plan_import_file
from workflow.models import AgendaItem, Plan, Project, Responsibility, Session

GROUP = "Руководители управленческих портфелей департамента образования"


def _counts():
    return (Plan.objects.count(), Session.objects.count(), AgendaItem.objects.count(), Project.objects.count(),
            Responsibility.objects.count(), User.objects.count(), ResponsibleGroup.objects.count())


@pytest.mark.django_db
def test_seed_import_writes_the_plan_as_the_document_has_it(seed_plan, office_head, portfolio_group):
    plan = seed_plan
    assert plan.state == ApprovalState.DRAFT
    assert (plan.year, plan.approver_name, plan.agreer_name) == (2023, "Л.М.Лебедева", "О.А.Сергеева")
    sessions = list(plan.sessions.order_by("number"))
    assert [(s.number, s.source_number, s.planned_month.month) for s in sessions] == [
        (1, "1.", 2), (2, "2.", 4), (3, "2.", 7), (4, "3.", 9), (5, "4.", 12)]
    assert AgendaItem.objects.filter(plan=plan).count() == 16
    heading = AgendaItem.objects.get(session=sessions[0], parent=None)
    children = list(heading.children.order_by("order"))
    assert len(children) == 3 and all(c.project.kind == "network" for c in children)
    # The same three projects recur in September: linked, not duplicated.
    september = AgendaItem.objects.filter(session=sessions[3], parent__isnull=False).order_by("order")
    assert [c.project_id for c in september] == [c.project_id for c in children]
    assert Project.objects.count() == 5
    # Responsible persons: the office head herself (matched by short name), and the group.
    assert {r.person for r in Responsibility.objects.filter(item__session__in=sessions[:4])} == {office_head}
    december = AgendaItem.objects.filter(session=sessions[4]).first()
    assert [(r.group, r.person) for r in december.responsibilities.all()] == [(portfolio_group, None), (None, office_head)]
    assert december.responsible_label == f"{GROUP} Сергеева О.А."
    assert list(AgendaItem.objects.filter(plan=plan, needs_preparation=False).values_list("text", flat=True)) == [
        "Разное", "Разное"]


@pytest.mark.django_db
def test_importing_the_same_file_twice_creates_nothing_more(seed_plan, seed_bytes):
    before = _counts()
    result = plan_import_file(content=seed_bytes, filename="plan-2023.txt")
    assert (result.plan, result.created) == (seed_plan, False)
    assert _counts() == before


@pytest.mark.django_db
def test_a_different_file_for_the_same_year_is_refused(seed_plan, seed_bytes):
    before = _counts()
    with pytest.raises(PlanImportError) as error:
        plan_import_file(content=seed_bytes.replace("Разное".encode(), "Прочее".encode()), filename="other.txt")
    assert error.value.status == 409 and "уже существует" in error.value.message
    assert _counts() == before


@pytest.mark.django_db
def test_unknown_people_become_accounts_without_password(db, seed_bytes):
    plan_import_file(content=seed_bytes, filename="plan-2023.txt")
    person = User.objects.get(short_name="Сергеева О.А.")
    assert person.username == "sergeeva.oa" and not person.has_usable_password()
    assert ResponsibleGroup.objects.filter(name=GROUP).exists()


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(db, seed_bytes):
    before = _counts()
    result = plan_import_file(content=seed_bytes, filename="plan-2023.txt", dry_run=True)
    assert result.plan is None and not result.created
    assert _counts() == before
    text = "\n".join(result.summary)
    assert "Пробный запуск" in text and "Заседание 5 (в документе «4.»), Декабрь 2023 г." in text
    assert "пунктов 16, новых проектов 5, новых людей 1, новых групп 1" in text


BROKEN_LATE = (
    "Утверждаю\nруководитель\nА.А.Антонов\n\n**План заседаний на 2024 год**\n\n"
    "№ п/п\tТема заседаний\tСрок\tОтветственный\n"
    "1.\tПервая тема «проекта»\tМарт 2024 г.\tНовиков Н.Н.\n"
    "2.\tВторая тема\tМартобрь 2024 г.\tНовиков Н.Н.\n"
)


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "line"), [
    (b"", 0),
    ("Просто текст\nбез таблицы\n".encode(), 0),
    (BROKEN_LATE.encode(), 9),
    (BROKEN_LATE.replace("Мартобрь", "Апрель").replace("2.\tВторая тема\t", "2.\t").encode(), 9),
    (b"\xff\xfe\x00binary", 0),
])
def test_malformed_files_write_nothing_and_name_the_line(db, content, line):
    before = _counts()
    with pytest.raises(PlanImportError) as error:
        plan_import_file(content=content, filename="plan.txt")
    assert error.value.status == 400
    assert [d["line"] for d in error.value.details][:1] == [line]
    assert _counts() == before


@pytest.mark.django_db
def test_import_plan_command_prints_summary_and_warning(db, tmp_path, seed_bytes):
    path = tmp_path / "plan.txt"
    path.write_bytes(seed_bytes)
    out, err = StringIO(), StringIO()
    call_command("import_plan", str(path), "--dry-run", stdout=out, stderr=err)
    assert "Пробный запуск" in out.getvalue() and Plan.objects.count() == 0
    assert "повторяется" in err.getvalue()
    call_command("import_plan", str(path), stdout=out, stderr=err)
    assert "Создан план" in out.getvalue() and Plan.objects.count() == 1


@pytest.mark.django_db
def test_import_plan_command_error_names_file_and_line(db, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(BROKEN_LATE, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(path))
    assert f"{path}:9: столбец «Срок»: неизвестный месяц «Мартобрь»" in str(error.value)
    assert Plan.objects.count() == 0
    with pytest.raises(CommandError, match="Файл не найден"):
        call_command("import_plan", str(tmp_path / "missing.txt"))


@pytest.mark.django_db
def test_an_oversized_plan_file_is_refused_before_parsing(db, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 1024
    with pytest.raises(PlanImportError) as error:
        plan_import_file(content=b"x" * 1025, filename="plan.txt")
    assert (error.value.status, error.value.code) == (413, "too_large")
    assert "слишком велик" in error.value.message
    assert Plan.objects.count() == 0
