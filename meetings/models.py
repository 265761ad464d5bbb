"""After the plan: a session's participants, its protocol (attendees, «Слушали» / «Решили», the
assignments) and the record of the agenda sent out.

The protocol has the plan's approval life cycle (``meetings.lifecycles.PROTOCOL``); an approved
protocol's assignments are followed as ``tasks.PreparationTask`` rows of kind
``protocol_assignment`` (one per responsible person), linked back to their assignment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import ResponsibleGroup
from approvals.models import ApprovalLifecycle, ApprovalState

from .lifecycles import PROTOCOL


class SessionParticipant(models.Model):
    """A person added to a session besides those it has by rule (the items' responsible
    persons, the office head, the department head)."""

    session = models.ForeignKey("workflow.Session", on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("участник"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("добавлен"), default=timezone.now)

    class Meta:
        verbose_name = _("участник заседания")
        verbose_name_plural = _("участники заседания")
        ordering = ["session", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="participant_unique_person")]

    def __str__(self) -> str:
        return str(self.person)


class AgendaMailing(models.Model):
    """The agenda of a session sent to its participants: written once, so the daily chase sends
    it once whatever day it first finds the session in the window."""

    session = models.OneToOneField("workflow.Session", on_delete=models.CASCADE, related_name="agenda_mailing")
    sent_on = models.DateField(_("разослана"))
    recipients = models.PositiveIntegerField(_("адресатов"), default=0)

    class Meta:
        verbose_name = _("рассылка повестки")
        verbose_name_plural = _("рассылки повестки")

    def __str__(self) -> str:
        return f"{self.session} — {self.sent_on:%d.%m.%Y}"


class Protocol(ApprovalLifecycle):
    """Протокол заседания: one per held session, drafted by the secretary."""

    lifecycle = PROTOCOL

    session = models.OneToOneField(
        "workflow.Session", verbose_name=_("заседание"), on_delete=models.PROTECT, related_name="protocol"
    )
    number = models.PositiveIntegerField(_("номер протокола"))
    held_on = models.DateField(_("дата заседания"))
    place = models.CharField(_("место"), max_length=500, blank=True)
    chair_name = models.CharField(_("председатель"), max_length=255, blank=True)
    secretary_name = models.CharField(_("секретарь"), max_length=255, blank=True)
    guests = models.TextField(_("приглашённые"), blank=True, help_text=_("По одному на строку."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("составил"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), default=timezone.now)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    class Meta:
        verbose_name = _("протокол")
        verbose_name_plural = _("протоколы")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return gettext("Протокол № %(number)s от %(date)s") % {"number": self.number,
                                                               "date": f"{self.held_on:%d.%m.%Y}"}

    @property
    def is_editable(self) -> bool:
        return self.state == ApprovalState.DRAFT

    @property
    def guest_list(self) -> list[str]:
        return [line.strip() for line in self.guests.splitlines() if line.strip()]


class Attendee(models.Model):
    """Присутствовали / отсутствовали: a participant of the session, marked."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("участник"), on_delete=models.PROTECT,
                               related_name="+")
    present = models.BooleanField(_("присутствовал"), default=True)

    class Meta:
        verbose_name = _("участник")
        verbose_name_plural = _("присутствовали")
        ordering = ["protocol", "id"]
        constraints = [models.UniqueConstraint(fields=["protocol", "person"], name="attendee_unique_person")]

    def __str__(self) -> str:
        return str(self.person)


class Entry(models.Model):
    """One question of the protocol: the agenda item, «Слушали» (who reported) and «Решили»."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="entries")
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    # The title keeps the question's text should the item later leave the plan.
    item = models.ForeignKey("workflow.AgendaItem", verbose_name=_("пункт повестки"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    title = models.TextField(_("вопрос"))
    heard = models.TextField(_("слушали"), blank=True)
    decided = models.TextField(_("решили"), blank=True)

    class Meta:
        verbose_name = _("вопрос протокола")
        verbose_name_plural = _("вопросы протокола")
        ordering = ["protocol", "order", "id"]

    def __str__(self) -> str:
        return self.title[:80]


class Assignment(models.Model):
    """Поручение: what, who (people and groups), by when, and who controls it."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(Entry, verbose_name=_("вопрос"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="assignments")
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    text = models.TextField(_("поручение"))
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("ответственные"), blank=True,
                                       related_name="+")
    groups = models.ManyToManyField(ResponsibleGroup, verbose_name=_("группы ответственных"), blank=True,
                                    related_name="+")
    due_date = models.DateField(_("срок"))
    control_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("контроль"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("поручение")
        verbose_name_plural = _("поручения")
        ordering = ["protocol", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def responsible_people(self) -> list:
        """The persons named and the members of the groups named, each once, in that order."""
        people = {person.pk: person for person in self.assignees.all()}
        for group in self.groups.all():
            for member in group.members.all():
                people.setdefault(member.pk, member)
        return [person for person in people.values() if person.is_active]
