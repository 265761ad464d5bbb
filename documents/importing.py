"""Importing a plan document: the text export or a .docx, parsed, then written as a new draft.

``plan_import_file`` is what the API (``documents.api``), the ``import_plan`` command and the
demo loader call: it checks the size, parses (``documents.text_import``,
``documents.docx_import``; every problem by line, the limits of ``documents.plan_format``
enforced while parsing) and writes the plan in one transaction (``plan_import``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import ResponsibleGroup, Role, User
from workflow.edit_services import MAX_SESSION_NUMBER
from workflow.models import AgendaItem, Plan, Project, Responsibility, Session, project_key

from .docx_import import parse_plan_docx
from .exceptions import PlanImportError
from .plan_format import ParsedItem, ParsedPlan, PlanFormatError, PlanFormatErrors, numbering_warnings
from .text_import import parse_plan_text


@dataclass
class ImportResult:
    plan: Plan | None
    created: bool
    warnings: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


class _DryRunRollback(Exception):
    pass


_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True,
))


def _username_for(short_name: str) -> str:
    """«Сергеева О.А.» -> «sergeeva.oa» (made unique by the caller)."""
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in short_name.casefold())
    surname, _, initials = latin.partition(" ")
    base = re.sub(r"[^a-z0-9]", "", surname) + ("." + re.sub(r"[^a-z0-9]", "", initials) if initials else "")
    return base or "person"


def person_for_short_name(*, short_name: str) -> tuple[User, bool]:
    """The user known by ``short_name``; a new account without a password when unknown."""
    user = User.objects.filter(short_name=short_name).order_by("id").first()
    if user:
        return user, False
    base = _username_for(short_name)
    username, suffix = base, 1
    while User.objects.filter(username=username).exists():
        suffix += 1
        username = f"{base}{suffix}"
    user = User(username=username, short_name=short_name, role=Role.RESPONSIBLE)
    user.set_unusable_password()
    user.save()
    return user, True


def _responsibles_get(parsed: list, stats: dict) -> list:
    """Users and groups for parsed responsibles; a position written before a person's name
    becomes their position if they have none yet."""
    found: list = []
    for responsible in parsed:
        if responsible.is_person:
            person, created = person_for_short_name(short_name=responsible.name)
            stats["people"] += created
            if responsible.position and not person.position:
                person.position = responsible.position[:255]
                person.save(update_fields=["position"])
            found.append(person)
        else:
            group, created = ResponsibleGroup.objects.get_or_create(name=responsible.name)
            stats["groups"] += created
            found.append(group)
    return found


def _items_create(*, plan: Plan, session: Session, items: list[ParsedItem], parent: AgendaItem | None,
                  responsibles: list, stats: dict) -> None:
    for order, parsed in enumerate(items):
        own = _responsibles_get(parsed.responsibles, stats) if parsed.responsibles else responsibles
        project = None
        if parsed.project_name:
            project = Project.objects.filter(key=project_key(parsed.project_name)).first()
            if project is None:
                project = Project.objects.create(name=parsed.project_name, kind=parsed.project_kind or "other")
                stats["projects"] += 1
        item = AgendaItem.objects.create(
            plan=plan, session=session, parent=parent, order=order, text=parsed.text,
            project=project, needs_preparation=parsed.needs_preparation,
        )
        stats["items"] += 1
        Responsibility.objects.bulk_create(
            Responsibility(item=item, order=position, person=who if isinstance(who, User) else None,
                           group=who if isinstance(who, ResponsibleGroup) else None)
            for position, who in enumerate(own)
        )
        _items_create(plan=plan, session=session, items=parsed.children, parent=item,
                      responsibles=own, stats=stats)


def _summary(parsed: ParsedPlan, stats: dict, numbers: list[int]) -> list[str]:
    lines = [_("План: «%(title)s», %(year)s год") % {"title": parsed.title, "year": parsed.year}]
    if parsed.approver:
        lines.append(_("Утверждает: %(name)s (%(position)s)")
                     % {"name": parsed.approver.display_name, "position": parsed.approver.position})
    if parsed.agreer:
        lines.append(_("Согласует: %(name)s (%(position)s)")
                     % {"name": parsed.agreer.display_name, "position": parsed.agreer.position})

    def walk(items, depth):
        for item in items:
            project = " " + _("[проект: %(name)s]") % {"name": item.project_name} if item.project_name else ""
            lines.append(f"{'    ' * depth}- {item.text}{project}")
            walk(item.children, depth + 1)

    for session, number in zip(parsed.sessions, numbers, strict=True):
        who = "; ".join(r.name for r in session.all_responsibles)
        lines.append(
            _("Заседание %(number)s (в документе «%(source)s»), %(month)s, ответственные: %(who)s")
            % {"number": number, "source": session.source_number,
               "month": session.period.label, "who": who}
        )
        walk(session.items, 1)
    lines.append(
        _("Итого: заседаний %(sessions)s, пунктов %(items)s, новых проектов %(projects)s, "
          "новых людей %(people)s, новых групп %(groups)s") % {"sessions": len(parsed.sessions), **stats}
    )
    return lines


def _document_numbers(parsed: ParsedPlan) -> list[int]:
    """The document's own session numbers, when they can number the sessions (none repeats)."""
    numbers = [int(m.group(1)) if (m := re.match(r"\s*(\d+)", s.source_number)) else 0 for s in parsed.sessions]
    if 0 in numbers or max(numbers, default=0) > MAX_SESSION_NUMBER or len(set(numbers)) != len(numbers):
        raise PlanImportError(
            _("Номера заседаний в документе (%(numbers)s) повторяются: оставить нумерацию документа нельзя, "
              "загрузите план с нумерацией по порядку.")
            % {"numbers": ", ".join(s.source_number.rstrip(".") for s in parsed.sessions)},
            code="numbering_conflict", status=400,
        )
    return numbers


def plan_import(*, parsed: ParsedPlan, source_name: str = "", source_sha256: str = "",
                dry_run: bool = False, numbering: str = "sequential") -> ImportResult:
    """Write a parsed plan as a new draft, in one transaction; a repeated import changes nothing.

    A plan of the same office and year already there: the same source is a no-op
    (``created=False``), a different one is an error (the existing plan is never overwritten).
    ``dry_run`` does everything, reports it, and rolls it back. ``numbering``: "sequential"
    numbers the sessions 1…n in document order; "document" keeps the document's own numbers
    (refused when they repeat), and then they name the sessions everywhere.
    """
    office = settings.PROJECT_OFFICE_NAME
    existing = Plan.objects.filter(office=office, year=parsed.year).first()
    if existing:
        return _import_over_existing(existing, year=parsed.year, source_sha256=source_sha256)
    numbers = [s.number for s in parsed.sessions]
    warnings = list(parsed.warnings)
    if numbering == "document":
        numbers = _document_numbers(parsed)
        renumbered = numbering_warnings(parsed.sessions)  # not renumbered after all
        warnings = [warning for warning in warnings if warning not in renumbered]
    stats = {"items": 0, "projects": 0, "people": 0, "groups": 0}
    result = ImportResult(plan=None, created=not dry_run, warnings=warnings)
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                office=office, year=parsed.year, title=parsed.title,
                approver_position=parsed.approver.position if parsed.approver else "",
                approver_name=parsed.approver.display_name if parsed.approver else "",
                agreer_position=parsed.agreer.position if parsed.agreer else "",
                agreer_name=parsed.agreer.display_name if parsed.agreer else "",
                source_name=source_name[:255], source_sha256=source_sha256,
            )
            for parsed_session, number in zip(parsed.sessions, numbers, strict=True):
                session = Session(plan=plan, number=number,
                                  source_number=parsed_session.source_number)
                period = parsed_session.period
                session.set_period(start=period.start, end=period.end, label=period.label[:100])
                session.save()
                responsibles = _responsibles_get(parsed_session.responsibles, stats)
                _items_create(plan=plan, session=session, items=parsed_session.items, parent=None,
                              responsibles=responsibles, stats=stats)
            result.summary = _summary(parsed, stats, numbers)
            if dry_run:
                raise _DryRunRollback
            result.plan = plan
    except _DryRunRollback:
        result.summary.insert(0, _("Пробный запуск: в базу ничего не записано."))
    except IntegrityError:
        # Another import of the same year committed between the check above and this plan's
        # row (the same file sent twice at once): answer as if it had come first.
        existing = Plan.objects.filter(office=office, year=parsed.year).first()
        if existing is None:
            raise
        return _import_over_existing(existing, year=parsed.year, source_sha256=source_sha256)
    return result


def _import_over_existing(existing: Plan, *, year: int, source_sha256: str) -> ImportResult:
    """The same file again changes nothing; another file for a year that has a plan is refused."""
    if source_sha256 and existing.source_sha256 == source_sha256:
        return ImportResult(plan=existing, created=False, warnings=[],
                            summary=[_("План на %(year)s год уже загружен из этого файла (№ %(pk)s); "
                                       "ничего не изменено.") % {"year": year, "pk": existing.pk}])
    raise PlanImportError(
        _("План на %(year)s год уже существует (№ %(pk)s, «%(state)s»); "
          "загрузка другого файла на тот же год не выполнена.")
        % {"year": year, "pk": existing.pk, "state": existing.state_display},
        code="plan_exists", status=409,
    )


def _parse(content: bytes, filename: str) -> ParsedPlan:
    if content[:2] == b"PK" or filename.lower().endswith(".docx"):
        return parse_plan_docx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1251")
        except UnicodeDecodeError as exc:
            raise PlanFormatErrors([PlanFormatError(0, _("файл не в кодировке UTF-8 или Windows-1251"))]) from exc
    return parse_plan_text(text)


def plan_import_size_check(*, size: int) -> None:
    """Refuse a plan document over ``PLAN_IMPORT_MAX_BYTES`` before anyone reads it whole."""
    limit = settings.PLAN_IMPORT_MAX_BYTES
    if size > limit:
        raise PlanImportError(
            _("Файл плана слишком велик: %(size)s КБ, допускается не более %(limit)s КБ.")
            % {"size": size // 1024, "limit": limit // 1024},
            code="too_large", status=413,
        )


def plan_import_file(*, content: bytes, filename: str, dry_run: bool = False,
                     numbering: str = "sequential") -> ImportResult:
    """Import a plan document (.docx or the text export); errors list every problem by line."""
    plan_import_size_check(size=len(content))
    try:
        parsed = _parse(content, filename)
    except PlanFormatErrors as exc:
        raise PlanImportError(
            _("Файл плана не загружен: %(problems)s") % {"problems": "; ".join(str(e) for e in exc.errors)},
            details=[{"line": e.line, "message": e.message} for e in exc.errors],
        ) from exc
    except PlanFormatError as exc:
        raise PlanImportError(
            _("Файл плана не загружен: %(problems)s") % {"problems": exc},
            details=[{"line": exc.line, "message": exc.message}],
            code=exc.code,  # a file beyond the import limits says which one (documents.plan_format)
        ) from exc
    return plan_import(
        parsed=parsed, source_name=Path(filename).name, source_sha256=hashlib.sha256(content).hexdigest(),
        dry_run=dry_run, numbering=numbering,
    )
