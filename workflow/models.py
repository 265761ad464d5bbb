"""The plan domain: plans, sessions, agenda items, projects and who is responsible."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import ResponsibleGroup
from approvals.models import ApprovalLifecycle, ApprovalState
from config.choices import text_choices
from lifecycle.models import ActionLog, AppendOnlyQuerySet

from .lifecycles import AGENDA_ITEM, PLAN, SESSION, SessionState

# «И.о. руководителя …», «исполняющий обязанности …», «врио …» (documents.plan_format.is_acting).
ACTING_POSITION = re.compile(r"^\s*(?:и\.\s?о\.|исполняющ\w* обязанности|врио)", re.IGNORECASE)


class Plan(ApprovalLifecycle):
    """План заседаний: one per office and year."""

    lifecycle = PLAN

    office = models.CharField(_("офис"), max_length=255, default="Проектный офис департамента образования")
    year = models.PositiveSmallIntegerField(_("год"))
    title = models.CharField(_("заголовок"), max_length=500)
    approver_position = models.CharField(_("должность утверждающего"), max_length=500, blank=True)
    approver_name = models.CharField(_("утверждающий"), max_length=255, blank=True)
    agreer_position = models.CharField(_("должность согласующего"), max_length=500, blank=True)
    agreer_name = models.CharField(_("согласующий"), max_length=255, blank=True)
    source_name = models.CharField(_("файл источника"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("контрольная сумма источника"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    class Meta:
        verbose_name = _("план заседаний")
        verbose_name_plural = _("планы заседаний")
        ordering = ["-year", "office"]
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="plan_unique_office_year")]

    def __str__(self) -> str:
        return self.title or gettext("План заседаний на %(year)s год") % {"year": self.year}

    @property
    def is_editable(self) -> bool:
        return self.state == ApprovalState.DRAFT

    @property
    def approver_acting(self) -> bool:
        """The approving signatory signs as acting head: the position, as written, says so."""
        return bool(ACTING_POSITION.match(self.approver_position))

    @property
    def agreer_acting(self) -> bool:
        return bool(ACTING_POSITION.match(self.agreer_position))

    @property
    def accepts_new_items(self) -> bool:
        """Items are added to a draft (they move with it) or to an approved plan (amendments)."""
        return self.state in (ApprovalState.DRAFT, ApprovalState.APPROVED)



SessionLifecycle = SESSION.model_base(module=__name__, verbose_name=_("состояние"), name="SessionLifecycle")


class Session(SessionLifecycle):
    """Заседание: a session of the plan, due in a period (a month, a quarter, a range of months
    or the whole year) as the document words it, and on an exact date once scheduled.

    ``period_start``/``period_end`` are the first and last day of the period; ``due_label`` is
    the document's own wording of it («I квартал 2025 г.»). ``planned_month`` is the first day
    of the period when it is one month, else null; setting it (edits, postponement) makes the
    period that month (``save``).
    """

    plan = models.ForeignKey(Plan, verbose_name=_("план"), on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("№ п/п"))
    source_number = models.CharField(
        _("номер в документе"), max_length=20, blank=True, help_text=_("Как в исходном документе, например «2.»")
    )
    planned_month = models.DateField(
        _("срок (месяц)"), null=True, blank=True, help_text=_("Первое число месяца; пусто, если срок длиннее месяца")
    )
    period_start = models.DateField(_("начало срока"))
    period_end = models.DateField(_("конец срока"))
    due_label = models.CharField(
        _("срок, как в документе"), max_length=100, blank=True, help_text=_("Например «I квартал 2025 г.»")
    )
    starts_at = models.DateTimeField(_("дата и время"), null=True, blank=True)
    place = models.CharField(_("место"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("заседание")
        verbose_name_plural = _("заседания")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="session_unique_number"),
            models.CheckConstraint(condition=Q(period_start__lte=models.F("period_end")), name="session_period_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """How every page, e-mail, calendar and task names the session (``workflow.months``)."""
        from workflow.months import session_title

        return session_title(self)

    def set_period(self, *, start: datetime.date, end: datetime.date, label: str = "") -> None:
        """Due in ``start``–``end`` (whole months), worded ``label`` (the period's usual name if empty)."""
        from workflow.months import period_label, single_month

        self.period_start, self.period_end = start, end
        self.planned_month = start if single_month(start, end) else None
        self.due_label = label or period_label(start, end)

    def save(self, *args, **kwargs) -> None:
        self._sync_period()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "planned_month" in update_fields:
            kwargs["update_fields"] = {*update_fields, "period_start", "period_end", "due_label"}
        super().save(*args, **kwargs)

    def _sync_period(self) -> None:
        """A month set in ``planned_month`` (an edit, a postponement) is the period from then on."""
        from workflow.months import month_end, month_label, single_month

        if self.planned_month is None:
            if self.period_start is None:
                raise ValueError("A session needs planned_month or a period (Session.set_period).")
            if single_month(self.period_start, self.period_end):
                self.planned_month = self.period_start  # a one-month period always has its month
            return
        month = self.planned_month.replace(day=1)
        self.planned_month = month
        if (self.period_start, self.period_end) != (month, month_end(month)) or not self.due_label:
            self.period_start, self.period_end = month, month_end(month)
            self.due_label = month_label(month)

    @property
    def is_one_month(self) -> bool:
        return self.planned_month is not None

    @property
    def expected_date(self) -> datetime.date | None:
        """The exact date when known; else the documented default day of a one-month period;
        None for a longer period not yet scheduled (its date is still to be set)."""
        if self.starts_at:
            return timezone.localtime(self.starts_at).date()
        if self.planned_month is None:
            return None
        return self.planned_month.replace(day=settings.SESSION_DEFAULT_DAY)


ProjectKind = text_choices("ProjectKind", {
    "network": _("Городской сетевой проект"), "cross_cutting": _("Городской сквозной проект"),
    "city": _("Городской проект"), "managerial": _("Управленческий проект"), "other": _("Проект"),
})


def project_key(name: str) -> str:
    """The identity of a project name: case, quotes, dashes and spacing do not matter."""
    text = name.casefold().replace("ё", "е")
    text = re.sub(r"[«»\"“”„'`]", "", text)
    text = re.sub(r"[\s\u00a0]+", " ", text)
    return text.strip(" .;:,-–—")


class Project(models.Model):
    """Городской сетевой / сквозной / управленческий проект."""

    name = models.CharField(_("название"), max_length=1000)
    key = models.CharField(_("ключ"), max_length=1000, unique=True, editable=False)
    kind = models.CharField(_("вид"), max_length=20, choices=ProjectKind.choices, default=ProjectKind.OTHER)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("руководители проекта"), related_name="led_projects", blank=True
    )

    class Meta:
        verbose_name = _("проект")
        verbose_name_plural = _("проекты")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.key = project_key(self.name)
        super().save(*args, **kwargs)


class AgendaItem(ApprovalLifecycle):
    """Тема / вопрос повестки: ordered within its parent, optionally nested."""

    lifecycle = AGENDA_ITEM

    plan = models.ForeignKey(Plan, verbose_name=_("план"), on_delete=models.CASCADE, related_name="items")
    session = models.ForeignKey(Session, verbose_name=_("заседание"), on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", verbose_name=_("родительская тема"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("порядок"), default=0)
    text = models.TextField(_("тема"))
    project = models.ForeignKey(
        Project, verbose_name=_("проект"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    needs_preparation = models.BooleanField(
        _("требует подготовки"),
        default=True,
        help_text=_("Снимите отметку для пунктов без подготовки, например «Разное»."),
    )
    is_amendment = models.BooleanField(
        _("изменение к утверждённому плану"), default=False, editable=False,
        help_text=_("Добавлен в уже утверждённый план и проходит согласование отдельно."),
    )

    class Meta:
        verbose_name = _("пункт повестки")
        verbose_name_plural = _("пункты повестки")
        ordering = ["session__number", "parent_id", "order", "id"]
        indexes = [models.Index(fields=["session", "parent", "order"])]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "…"

    @property
    def responsible_label(self) -> str:
        return " ".join(r.label for r in self.responsibilities.all())


class Responsibility(models.Model):
    """One responsible of an agenda item, in document order: a person or a named group."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="responsibilities")
    order = models.PositiveSmallIntegerField(default=0)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ответственный"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="responsibilities",
    )
    group = models.ForeignKey(
        ResponsibleGroup, verbose_name=_("группа ответственных"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="responsibilities",
    )

    class Meta:
        verbose_name = _("ответственный")
        verbose_name_plural = _("ответственные")
        ordering = ["item", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, group__isnull=True) | Q(person__isnull=True, group__isnull=False)),
                name="responsibility_person_xor_group",
            ),
            models.UniqueConstraint(fields=["item", "person"], name="responsibility_unique_person"),
            models.UniqueConstraint(fields=["item", "group"], name="responsibility_unique_group"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return str(self.person) if self.person_id else str(self.group)


class SessionEventQuerySet(AppendOnlyQuerySet):
    pass


class SessionEvent(ActionLog):
    """One row of a session's history: scheduled, postponed, cancelled, held — by whom and when."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(_("действие"), max_length=20)
    from_state = models.CharField(_("из состояния"), max_length=20, choices=SessionState.choices)
    to_state = models.CharField(_("в состояние"), max_length=20, choices=SessionState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("кто"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="session_events",
    )
    details = models.JSONField(_("параметры"), default=dict, blank=True)

    objects = SessionEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("событие заседания")
        verbose_name_plural = _("история заседания")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.session.lifecycle.label(self.transition)}: {self.actor_name}"


# What a plan said at each submit: a model of its own module (workflow.snapshots).
from .snapshots import PlanSnapshot  # noqa: E402, F401
