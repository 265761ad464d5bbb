"""The approval sheet on the plan page as the office signs it: decision results, dates,
position and name, a signature column; the «Утверждаю»/«Согласовано» blocks with their dates."""

import datetime

import time_machine

from lifecycle.kernel import fire

MSK = datetime.timezone(datetime.timedelta(hours=3))


def test_the_sheet_says_what_was_decided_and_the_blocks_their_dates(login, seed_plan, secretary, office_head,
                                                                   department_head):
    steps = (("submit", secretary, 16), ("return", office_head, 17), ("submit", secretary, 18),
             ("agree", office_head, 19), ("approve", department_head, 20))
    for name, by, day in steps:
        with time_machine.travel(datetime.datetime(2023, 1, day, 10, tzinfo=MSK), tick=False):
            fire(obj=seed_plan, name=name, by=by, comment="Уточните сроки" if name == "return" else "")

    html = login(secretary).get(f"/plans/{seed_plan.pk}/").content.decode()
    sheet = html[html.index('id="sheet-h"'):]
    for result in ("Направлено на согласование", "Возвращено на доработку", "Согласовано", "Утверждено"):
        assert f"<strong>{result}</strong>" in sheet
    assert "Согласовать<" not in sheet and "Утвердить<" not in sheet  # not the buttons' names
    assert ">Подпись<" in sheet and "Уточните сроки" in sheet and "17.01.2023" in sheet
    assert "руководитель Проектного офиса<br>Сергеева Ольга Александровна" in sheet
    assert 'data-testid="approve-date">«20» января 2023 г.<' in html
    assert 'data-testid="agree-date">«19» января 2023 г.<' in html


def test_the_blocks_are_blank_until_the_decisions(login, seed_plan, secretary):
    html = login(secretary).get(f"/plans/{seed_plan.pk}/").content.decode()
    assert 'data-testid="approve-date">«___» ____________ 20__ г.<' in html
