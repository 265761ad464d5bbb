"""The corpus of plans as offices type them (tests/documents/corpus): each reads as its answer
key, imports the same through the API and the ``import_plan`` command, and survives export and
import again; malformed files are refused with where and what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.models import User
from documents.docx_export import plan_docx
from documents.docx_import import parse_plan_docx
from documents.exceptions import PlanImportError
from documents.importing import _parse, plan_import_file
from documents.plan_format import PlanFormatErrors
from documents.text_import import parse_plan_text
from tests.api.conftest import token_client
from tests.documents.corpus.docx_plans import plan_docx_broken
from tests.documents.corpus.keys import KEYS, corpus_bytes
from workflow.models import AgendaItem, Plan, Session

NAMES = sorted(KEYS)


def _tree(items) -> list:
    return [(item.text, _tree(item.children)) if item.children else item.text for item in items]


def _parsed_shape(parsed) -> dict:
    def signatory(s):
        return (s.position, s.name, s.acting)

    return {
        "year": parsed.year,
        "approver": signatory(parsed.approver),
        "agreer": signatory(parsed.agreer),
        "sessions": [
            (s.source_number, s.period.start, s.period.end, s.period.label, _tree(s.items),
             [(r.kind, r.name, r.position) for r in s.all_responsibles])
            for s in parsed.sessions
        ],
    }


@pytest.mark.parametrize("name", NAMES)
def test_corpus_plan_reads_as_its_key(name):
    key = KEYS[name]
    parsed = _parse(corpus_bytes(name), name)

    assert _parsed_shape(parsed) == {
        "year": key.year, "approver": key.approver, "agreer": key.agreer, "sessions": key.sessions,
    }
    assert [s.number for s in parsed.sessions] == list(range(1, len(key.sessions) + 1))
    assert len(parsed.warnings) == len(key.warnings), parsed.warnings
    for fragment in key.warnings:
        assert any(fragment in warning for warning in parsed.warnings), (fragment, parsed.warnings)


def test_the_corpus_covers_both_formats_and_every_variant():
    assert len(KEYS) >= 8
    assert {name.rsplit(".", 1)[1] for name in KEYS} == {"txt", "docx"}
    labels = {session[3] for key in KEYS.values() for session in key.sessions}
    assert {"I квартал", "III кв.", "2 квартал 2026 г.", "март–апрель", "март - май", "в течение года",
            "ежеквартально", "январь"} <= labels
    assert any(key.approver[2] for key in KEYS.values()) and any(key.agreer[2] for key in KEYS.values())


def _db_shape(plan: Plan) -> dict:
    """What the import wrote: signatories, sessions with periods, item trees, the session's
    responsibles (persons with their positions, groups)."""

    def items(session, parent):
        found = AgendaItem.objects.filter(session=session, parent=parent).order_by("order", "id")
        return [(i.text, items(session, i)) if i.children.exists() else i.text for i in found]

    def responsibles(session):
        result = []
        for item in AgendaItem.objects.filter(session=session).order_by("order", "id"):
            for r in item.responsibilities.select_related("person", "group").order_by("order", "id"):
                entry = ("person", r.person.short_name, r.person.position) if r.person_id else ("group", r.group.name, "")
                if entry not in result:
                    result.append(entry)
        return result

    return {
        "year": plan.year,
        "approver": (plan.approver_position, plan.approver_name, plan.approver_acting),
        "agreer": (plan.agreer_position, plan.agreer_name, plan.agreer_acting),
        "sessions": [
            (s.number, s.source_number, s.period_start, s.period_end, s.due_label, s.planned_month,
             items(s, None), responsibles(s))
            for s in Session.objects.filter(plan=plan).order_by("number")
        ],
    }


def _matches_key(shape: dict, key) -> None:
    assert shape["year"] == key.year
    assert [s[1:5] for s in shape["sessions"]] == [s[:4] for s in key.sessions]
    assert [s[6] for s in shape["sessions"]] == [s[4] for s in key.sessions]
    # A one-month period has its month; a longer one none.
    for stored in shape["sessions"]:
        one_month = (stored[2].year, stored[2].month) == (stored[3].year, stored[3].month)
        assert stored[5] == (stored[2] if one_month else None)
    # A position written before a name is the person's position (they had none).
    for session in key.sessions:
        for kind, name, position in session[5]:
            if kind == "person" and position:
                assert User.objects.get(short_name=name).position == position


@pytest.mark.parametrize("name", NAMES)
def test_import_via_api_and_via_import_plan_give_the_same_plan(name, personas, tmp_path):
    content = corpus_bytes(name)
    response = token_client(personas["secretary"]).post(
        "/api/plans/import/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["warnings"]) == len(KEYS[name].warnings)
    assert [(s["period_start"], s["period_end"], s["due_label"]) for s in body["sessions"]] == [
        (s[1].isoformat(), s[2].isoformat(), s[3]) for s in KEYS[name].sessions
    ]
    assert (body["approver_acting"], body["agreer_acting"]) == (KEYS[name].approver[2], KEYS[name].agreer[2])
    via_api = _db_shape(Plan.objects.get(pk=body["id"]))
    _matches_key(via_api, KEYS[name])

    Plan.objects.all().delete()
    path = tmp_path / name
    path.write_bytes(content)
    call_command("import_plan", str(path), stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))

    assert _db_shape(Plan.objects.get()) == via_api


@pytest.fixture
def other_office(settings):
    """The export is imported again for another office, so its year is free."""

    def switch():
        settings.PROJECT_OFFICE_NAME = "Проектный офис для проверки импорта"

    return switch


@pytest.mark.parametrize("name", [*NAMES, "seed"])
def test_export_then_import_gives_the_same_plan(name, db, seed_bytes, other_office):
    content = seed_bytes if name == "seed" else corpus_bytes(name)
    original = plan_import_file(content=content, filename="plan.txt" if name == "seed" else name).plan
    expected = _db_shape(original)

    exported = plan_docx(plan=original)
    other_office()
    again = plan_import_file(content=exported, filename="export.docx").plan

    assert again.pk != original.pk
    assert _db_shape(again) == expected


# --- Malformed files --------------------------------------------------------------------------

TEXT_HEAD = (
    "«Утверждаю»\nруководитель департамента образования\nЛ.М.Лебедева\n\n"
    "**План заседаний Проектного офиса на 2029 год**\n\n"
)
ROW_ONE = "1.\tИтоги\tI квартал\tСергеева О.А.\n"

MALFORMED_TEXT = [
    # (content, file line, what the message says)
    (TEXT_HEAD + "№ п/п\tТема заседаний\tСрок\tОтветственный\n" + ROW_ONE + "2.\tТема\tкогда-нибудь\tСергеева О.А.\n",
     9, "столбец «Срок»: неизвестный месяц «Когда»: ожидался срок вида «Февраль 2029 г.», «I квартал 2029 г.», "
        "«март–апрель 2029 г.» или «в течение года», а не «когда-нибудь» (строка 3 таблицы, считая шапку)"),
    (TEXT_HEAD + "№ п/п\tТема заседаний\tСрок\tОтветственный\n" + ROW_ONE + "2.\tТема\tдекабрь – март\tСергеева О.А.\n",
     9, "столбец «Срок»: в сроке «декабрь – март» месяцы идут в обратном порядке (строка 3 таблицы, считая шапку)"),
    (TEXT_HEAD + "№ п/п\tТема заседаний\tСрок\tОтветственный\n" + ROW_ONE + "3.1\tТема\tмай\tСергеева О.А.\n",
     9, "строка «3.1» — подпункт заседания 3, но такого заседания выше нет или в ней нет темы "
        "(строка 3 таблицы, считая шапку)"),
    (TEXT_HEAD + "№ п/п\tТема заседаний\tСрок\tОтметка о выполнении\n" + ROW_ONE,
     7, "в заголовке таблицы ожидалось 4 столбца: «№ п/п\tТема заседаний\tСрок\tОтветственный»"),
    (TEXT_HEAD + "№ п/п\tТема заседаний\tСрок\tОтветственный\tПримечание\n" + ROW_ONE + "2.\tТема\tмай\t\tвыполнено\n",
     9, "столбец «Ответственный» пуст (строка 3 таблицы, считая шапку)"),
]


@pytest.mark.parametrize(("content", "line", "message"), MALFORMED_TEXT)
def test_a_malformed_text_plan_is_refused_naming_the_line_the_row_and_the_cell(content, line, message):
    with pytest.raises(PlanFormatErrors) as error:
        parse_plan_text(content)
    assert [(e.line, e.message) for e in error.value.errors] == [(line, message)]


MALFORMED_DOCX = [
    ("period", 3, "столбец «Срок»: неизвестный месяц «Когда»: ожидался срок вида «Февраль 2029 г.»"),
    ("responsible", 3, "не указан ответственный (столбец «Ответственный»)"),
    ("sub_row", 3, "«3.1» — подпункт заседания 3, но такого заседания выше нет"),
    ("no_number_column", 1, "в шапке таблицы ожидались столбцы «№ п/п», «Тема заседаний», «Срок», «Ответственный»"),
]


@pytest.mark.parametrize(("problem", "row", "message"), MALFORMED_DOCX)
def test_a_malformed_docx_plan_is_refused_naming_the_table_row_and_the_cell(problem, row, message, db):
    content = plan_docx_broken(problem)
    with pytest.raises(PlanFormatErrors) as error:
        parse_plan_docx(content)
    assert [e.line for e in error.value.errors] == [row]
    assert error.value.errors[0].message.startswith(f"строка {row} таблицы плана (считая шапку): ")
    assert message in error.value.errors[0].message
    with pytest.raises(PlanImportError):
        plan_import_file(content=content, filename="broken.docx")
    assert not Plan.objects.exists()


def test_the_command_names_the_file_line_and_the_table_row(db, tmp_path):
    path = tmp_path / "broken.txt"
    path.write_text(MALFORMED_TEXT[0][0], encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(path))
    assert f"{path}:9: столбец «Срок»" in str(error.value) and "(строка 3 таблицы, считая шапку)" in str(error.value)
    assert not Plan.objects.exists()


# --- Numbering ---------------------------------------------------------------------------------


def test_the_secretary_may_keep_the_documents_numbers(personas):
    name = "plan-2026-deputy.txt"  # numbered 1, 2, 4, 5, 6
    response = token_client(personas["secretary"]).post(
        "/api/plans/import/", {"file": SimpleUploadedFile(name, corpus_bytes(name)), "numbering": "document"},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert [s["number"] for s in body["sessions"]] == [1, 2, 4, 5, 6]
    assert not any("заменены на" in warning for warning in body["warnings"])
    assert [s["title"] for s in body["sessions"]][:3] == [
        "Заседание в феврале 2026 г.", "Заседание во II квартале 2026 г.", "Заседание в марте–мае 2026 г."]


def test_repeated_document_numbers_cannot_be_kept(personas):
    name = "plan-2032-numbering.docx"  # numbered 1, 1, 3
    client = token_client(personas["secretary"])
    response = client.post(
        "/api/plans/import/", {"file": SimpleUploadedFile(name, corpus_bytes(name)), "numbering": "document"},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["code"] == "numbering_conflict"
    assert "(1, 1, 3) повторяются" in response.json()["detail"]
    assert not Plan.objects.exists()
    sequential = client.post("/api/plans/import/", {"file": SimpleUploadedFile(name, corpus_bytes(name))},
                             format="multipart")
    assert [s["number"] for s in sequential.json()["sessions"]] == [1, 2, 3]
