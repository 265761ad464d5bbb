"""The demo: the seed plan, a copy of it moved into the coming months, and demo accounts.

The 2023 plan's sessions are all in the past, so nothing would be assigned or chased for it.
``load_demo`` therefore loads it exactly as the document has it, and also a copy re-dated to
the first year whose sessions all lie ahead (the same months and texts, the years in the
texts moved along), so that a user can take a plan through the whole flow today.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import ResponsibleGroup, Role, User

from .importing import ImportResult, plan_import
from .plan_format import ParsedItem, ParsedPlan
from .text_import import parse_plan_text

SEED_PATH = Path(__file__).resolve().parent / "fixtures" / "plan-2023.txt"
PORTFOLIO_GROUP = "Руководители управленческих портфелей департамента образования"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    short_name: str
    full_name: str
    position: str
    staff: bool = False
    group: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("secretary", Role.SECRETARY, "Иванова И.И.", "Иванова Ирина Игоревна",
                "секретарь Проектного офиса", staff=True),
    DemoAccount("office_head", Role.OFFICE_HEAD, "Сергеева О.А.", "Сергеева Ольга Александровна",
                "руководитель Проектного офиса департамента образования", staff=True),
    DemoAccount("department_head", Role.DEPARTMENT_HEAD, "Лебедева Л.М.", "Лебедева Людмила Михайловна",
                "руководитель департамента образования, координатор проектного управления", staff=True),
    DemoAccount("portfolio1", Role.RESPONSIBLE, "Кузнецова Е.В.", "Кузнецова Елена Викторовна",
                "руководитель управленческого портфеля", group=PORTFOLIO_GROUP),
    DemoAccount("portfolio2", Role.RESPONSIBLE, "Морозов Д.С.", "Морозов Дмитрий Сергеевич",
                "руководитель управленческого портфеля", group=PORTFOLIO_GROUP),
    DemoAccount("outsider", Role.NONE, "Гостев Г.Г.", "Гостев Геннадий Геннадьевич", "сотрудник другого отдела"),
)


def demo_password_generate() -> str:
    return secrets.token_urlsafe(9)


def demo_accounts_ensure(*, password: str) -> list[User]:
    """Create or update the demo accounts; each gets ``password``."""
    users = []
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            user = User.objects.filter(username=account.username).first()
            if user is None:
                # A person the importer created from a document (no password) becomes the account.
                user = User.objects.filter(short_name=account.short_name, password__startswith="!").first() or User()
            user.username = account.username
            user.role = account.role
            user.short_name = account.short_name
            user.full_name = account.full_name
            user.position = account.position
            parts = account.full_name.split()
            user.last_name, user.first_name = parts[0], " ".join(parts[1:])
            user.email = f"{account.username}@project-office.localhost"
            user.is_staff = account.staff
            user.is_active = True
            user.set_password(password)
            user.save()
            if account.group:
                ResponsibleGroup.objects.get_or_create(name=account.group)[0].members.add(user)
            users.append(user)
    _grant_admin_permissions([u for u in users if u.is_staff])
    return users


def _grant_admin_permissions(users: list[User]) -> None:
    try:
        from accounts.admin import grant_admin_permissions
    except ImportError:  # the admin module defines it; without it staff see nothing to edit
        return
    for user in users:
        grant_admin_permissions(user)


def upcoming_year(*, plan: ParsedPlan, today: datetime.date) -> int:
    """The first year from ``today``'s on in which every session of ``plan`` lies ahead."""
    first_month = min(s.period.start for s in plan.sessions)
    year = today.year
    while first_month.replace(year=year + (first_month.year - plan.year), day=settings.SESSION_DEFAULT_DAY) <= today:
        year += 1
    return year


def _shift_years(text: str, *, base: int, delta: int) -> str:
    # Digits, not word boundaries: «Апрель 2023г.» has a letter right after the year.
    return re.sub(r"(?<!\d)(20\d\d)(?!\d)", lambda m: str(int(m[1]) + delta) if abs(int(m[1]) - base) <= 1 else m[1], text)


def plan_redate(*, plan: ParsedPlan, year: int) -> ParsedPlan:
    """A copy of ``plan`` moved to ``year``: months, title and the years named in texts."""
    delta = year - plan.year
    moved = copy.deepcopy(plan)
    moved.year = year
    moved.title = _shift_years(plan.title, base=plan.year, delta=delta)
    moved.warnings = []

    def shift(items: list[ParsedItem]) -> None:
        for item in items:
            item.text = _shift_years(item.text, base=plan.year, delta=delta)
            shift(item.children)

    for session in moved.sessions:
        session.period = session.period.moved(
            years=delta, label=_shift_years(session.period.label, base=plan.year, delta=delta)
        )
        shift(session.items)
    return moved


def demo_load(*, password: str, upcoming: bool = True, today: datetime.date | None = None) -> list[ImportResult]:
    """Accounts, then the seed plan as it is, then (``upcoming``) its copy in the coming months."""
    demo_accounts_ensure(password=password)
    content = SEED_PATH.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    parsed = parse_plan_text(content.decode("utf-8"))
    results = [plan_import(parsed=parsed, source_name=SEED_PATH.name, source_sha256=digest)]
    if upcoming:
        year = upcoming_year(plan=parsed, today=today or datetime.date.today())
        results.append(plan_import(
            parsed=plan_redate(plan=parsed, year=year),
            source_name=f"{SEED_PATH.name} (перенесён на {year} год)",
            source_sha256=hashlib.sha256(content + f":redated:{year}".encode()).hexdigest(),
        ))
    return results
