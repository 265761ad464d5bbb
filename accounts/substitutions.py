"""Substitution (замещение): a person acts for another over a period of days.

Writes (``substitution_create`` / ``_update`` / ``_end``) and the reads other parts ask:
the transition kernel (``acting_for``: in whose place may this user act today), and the
notices (``notice_recipients``: who should hear what is meant for a person today).
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import SubstitutionError
from .models import Role, Substitution, User

ACTING_PREFIX = "И.о."

# The first words of an office position in the genitive, for «И.о. <position>»: «руководитель
# департамента» → «руководителя департамента». Words not listed are kept as written.
_GENITIVE = {
    "руководитель": "руководителя", "начальник": "начальника", "заместитель": "заместителя",
    "первый": "первого", "директор": "директора", "секретарь": "секретаря", "председатель": "председателя",
    "координатор": "координатора", "главный": "главного", "ведущий": "ведущего", "старший": "старшего",
    "специалист": "специалиста", "консультант": "консультанта", "советник": "советника",
    "помощник": "помощника", "методист": "методиста", "инспектор": "инспектора", "управляющий": "управляющего",
}


def position_genitive(position: str) -> str:
    """«Руководитель Проектного офиса» → «руководителя Проектного офиса» (leading words only)."""
    words = position.split(" ")
    for index, word in enumerate(words):
        genitive = _GENITIVE.get(word.casefold())
        if genitive is None:
            break
        words[index] = genitive
    text = " ".join(words)
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def acting_position(replaced: User) -> str:
    """What a decision made in ``replaced``'s place records: «И.о. руководителя …»."""
    return f"{ACTING_PREFIX} {position_genitive(replaced.position_label)}".strip()


# --- Reads ----------------------------------------------------------------------------------


def acting_for(user: User, *, day: datetime.date | None = None) -> list[User]:
    """The people ``user`` stands in for on ``day`` (today). Cached on the user object for the
    day, so asking it for every row of a page costs one query."""
    if user.pk is None:
        return []  # an unsaved user stands in for no one
    day = day or timezone.localdate()
    cached = getattr(user, "_acting_for_cache", None)
    if cached and cached[0] == day:
        return cached[1]
    replaced = [
        sub.replaces
        for sub in Substitution.objects.running_on(day).filter(person_id=user.pk).select_related("replaces")
        if sub.replaces.is_active
    ]
    user._acting_for_cache = (day, replaced)
    return replaced


def stands_in_sql(*, day: datetime.date, person_column: str) -> RawSQL:
    """For annotating a query (``person_column``: the quoted column holding a user's id): whether
    that user stands in for someone on ``day``, as ``acting_for`` finds it (a substitution
    running that day, not ended early, of a person still active).

    Written as SQL because it is asked on every API request (``accounts.authentication``): the
    ORM's ``Exists`` of the same query cost more to build and compile than the rest of the token
    lookup. ``tests/accounts/test_stands_in.py`` holds the two answers equal."""
    substitution, user = Substitution._meta, User._meta
    day_value = connection.ops.adapt_datefield_value(day)
    return RawSQL(
        f'EXISTS (SELECT 1 FROM "{substitution.db_table}" s INNER JOIN "{user.db_table}" r ON r."id" = s."replaces_id" '
        f'WHERE s."person_id" = {person_column} AND s."starts_on" <= %s AND s."ends_on" >= %s '
        f'AND s."ended_at" IS NULL AND r."is_active")',
        [day_value, day_value],
        output_field=BooleanField(),
    )


def acting_for_found(user: User, *, day: datetime.date, stands_in: bool) -> None:
    """What a query already said (``stands_in_sql``): standing in for no one on ``day``,
    ``user`` needs no query of its own in ``acting_for``; otherwise ``acting_for`` reads whom."""
    if not stands_in and user.pk is not None:
        user._acting_for_cache = (day, [])


def roles_now(user) -> frozenset[str]:
    """The roles ``user`` acts in today: their own, and those of the people they stand in for."""
    if user is None or not user.is_authenticated:
        return frozenset()
    own = {user.role} if user.role else set()
    return frozenset(own | {person.role for person in acting_for(user) if person.role})


def acts_as(user, *roles: str) -> bool:
    """Whether ``user`` holds one of ``roles`` today, in their own right or standing in."""
    return bool(roles_now(user) & set(roles))


def notice_recipients(user: User, *, day: datetime.date | None = None) -> list[User]:
    """Who hears what is meant for ``user`` on ``day``: the people acting for them (and ``user``
    too when no one acts, or when they asked for copies)."""
    running = list(Substitution.objects.running_on(day or timezone.localdate()).filter(replaces_id=user.pk)
                   .select_related("person"))
    recipients = [sub.person for sub in running if sub.person.is_active]
    if not recipients or any(sub.copy_to_replaced for sub in running):
        recipients.insert(0, user)
    return list({person.pk: person for person in recipients}.values())


def substitution_state(sub: Substitution, *, day: datetime.date | None = None) -> str:
    day = day or timezone.localdate()
    if sub.ended_at is not None or sub.ends_on < day:
        return "ended"
    return "running" if sub.starts_on <= day else "planned"


# --- Writes ---------------------------------------------------------------------------------


def _may_arrange(by: User, replaces: User, *, staff: bool) -> bool:
    """The person replaced, the department head, or staff in the admin."""
    return by.pk == replaces.pk or by.role == Role.DEPARTMENT_HEAD or by.is_superuser or staff


def _check(*, person: User, replaces: User, starts_on, ends_on, today, exclude_pk=None) -> None:
    if person.pk == replaces.pk:
        raise SubstitutionError(_("Человек не может замещать сам себя."))
    if not person.is_active:
        raise SubstitutionError(_("Исполняющий обязанности должен быть действующим пользователем."))
    if ends_on < starts_on:
        raise SubstitutionError(_("Последний день замещения раньше первого."))
    if starts_on < today:
        raise SubstitutionError(_("Замещение не может начинаться в прошлом (сегодня %(today)s).")
                                % {"today": today.strftime("%d.%m.%Y")})
    overlapping = (
        Substitution.objects.filter(replaces_id=replaces.pk, ended_at__isnull=True)
        .filter(Q(starts_on__lte=ends_on) & Q(ends_on__gte=starts_on))
        .exclude(pk=exclude_pk)
        .select_related("person")
        .first()
    )
    if overlapping is not None:
        raise SubstitutionError(
            _("На эти дни у %(who)s уже есть замещение: %(person)s с %(start)s по %(end)s.")
            % {"who": replaces, "person": overlapping.person, "start": overlapping.starts_on.strftime("%d.%m.%Y"),
               "end": overlapping.ends_on.strftime("%d.%m.%Y")},
            code="overlap", status=409,
        )


def substitution_create(*, by: User, person: User, replaces: User, starts_on: datetime.date,
                        ends_on: datetime.date, comment: str = "", copy_to_replaced: bool = False,
                        staff: bool = False) -> Substitution:
    """Arrange that ``person`` acts for ``replaces``; overlapping periods for ``replaces`` are refused."""
    if not _may_arrange(by, replaces, staff=staff):
        raise SubstitutionError(
            _("Замещение оформляет сам замещаемый, руководитель департамента или администратор."),
            code="forbidden", status=403,
        )
    with transaction.atomic():
        User.objects.select_for_update().get(pk=replaces.pk)  # one arrangement for this person at a time
        _check(person=person, replaces=replaces, starts_on=starts_on, ends_on=ends_on, today=timezone.localdate())
        return Substitution.objects.create(
            person=person, replaces=replaces, starts_on=starts_on, ends_on=ends_on, comment=comment.strip(),
            copy_to_replaced=copy_to_replaced, created_by=by,
        )


def substitution_update(*, sub: Substitution, by: User, staff: bool = False, **changes) -> Substitution:
    """Change a substitution that has not started yet."""
    if not _may_arrange(by, sub.replaces, staff=staff):
        raise SubstitutionError(_("Изменить замещение может сам замещаемый, руководитель департамента или "
                                  "администратор."), code="forbidden", status=403)
    today = timezone.localdate()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=sub.replaces_id)
        locked = Substitution.objects.select_for_update().get(pk=sub.pk)
        if substitution_state(locked, day=today) != "planned":
            raise SubstitutionError(_("Изменить можно только замещение, которое ещё не началось; начатое можно "
                                      "завершить досрочно."), code="invalid_state", status=409)
        for name in ("person", "starts_on", "ends_on", "comment", "copy_to_replaced"):
            if name in changes:
                setattr(locked, name, changes[name])
        _check(person=locked.person, replaces=locked.replaces, starts_on=locked.starts_on, ends_on=locked.ends_on,
               today=today, exclude_pk=locked.pk)
        locked.save()
    sub.refresh_from_db()
    return sub


def substitution_end(*, sub: Substitution, by: User, staff: bool = False) -> Substitution:
    """End a running substitution now, or call off one that has not started."""
    if not (_may_arrange(by, sub.replaces, staff=staff) or by.pk == sub.person_id):
        raise SubstitutionError(_("Завершить замещение может замещаемый, исполняющий обязанности, руководитель "
                                  "департамента или администратор."), code="forbidden", status=403)
    today = timezone.localdate()
    with transaction.atomic():
        locked = Substitution.objects.select_for_update().get(pk=sub.pk)
        state = substitution_state(locked, day=today)
        if state == "ended":
            raise SubstitutionError(_("Замещение уже завершено."), code="invalid_state", status=409)
        locked.ended_at = timezone.now()
        if state == "running":
            locked.ends_on = today
        locked.save(update_fields=["ended_at", "ends_on"])
    sub.refresh_from_db()
    return sub
