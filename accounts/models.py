"""People: the custom user model, their roles and named groups of responsible persons."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from config.choices import text_choices

from .signals import password_changed

Role = text_choices("Role", {
    "secretary": _("Секретарь Проектного офиса"), "office_head": _("Руководитель Проектного офиса"),
    "department_head": _("Руководитель департамента"), "responsible": _("Ответственный исполнитель"),
    "": _("Без роли"),
})


_INITIALS = r"[А-ЯЁA-Z]\.\s?(?:[А-ЯЁA-Z]\.)?"
_SURNAME = r"[А-ЯЁA-Z][а-яёa-z]+(?:-[А-ЯЁA-Z][а-яёa-z]+)?"
SHORT_NAME_SURNAME_FIRST = re.compile(rf"(?P<surname>{_SURNAME})\s+(?P<initials>{_INITIALS})")
SHORT_NAME_INITIALS_FIRST = re.compile(rf"(?P<initials>{_INITIALS})\s*(?P<surname>{_SURNAME})")


def normalize_short_name(text: str) -> str:
    """«О.А.Сергеева», «Сергеева О. А.» and «Сергеева О.А.» all become «Сергеева О.А.»."""
    text = " ".join(text.split())
    for pattern in (SHORT_NAME_SURNAME_FIRST, SHORT_NAME_INITIALS_FIRST):
        match = pattern.fullmatch(text)
        if match:
            initials = match["initials"].replace(" ", "")
            return f"{match['surname']} {initials}"
    return text


class User(AbstractUser):
    full_name = models.CharField(_("ФИО полностью"), max_length=255, blank=True)
    short_name = models.CharField(
        _("Фамилия и инициалы"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("Как в документах: «Сергеева О.А.»"),
    )
    position = models.CharField(_("должность"), max_length=255, blank=True)
    role = models.CharField(_("роль"), max_length=20, choices=Role.choices, blank=True, default="")

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        ordering = ["short_name", "username"]

    def save(self, *args, **kwargs) -> None:
        if self.short_name:
            self.short_name = normalize_short_name(self.short_name)
        changed = self._password_replaced(kwargs.get("update_fields"))
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if changed:
                # API tokens and the calendar feed go with the old password, in this transaction.
                password_changed.send(sender=type(self), user=self)

    def _password_replaced(self, update_fields) -> bool:
        """Whether this save stores a password hash other than the one in the database.

        Every way of setting a password ends here: the password-change and reset pages, the
        admin, ``changepassword``, ``set_password()``/``set_unusable_password()`` or a hash
        assigned by hand, with or without ``update_fields``. Only a bulk ``QuerySet.update()``
        bypasses ``save()``.
        """
        if self.pk is None or getattr(self, "_rehashing_password", False):
            return False
        if update_fields is not None and "password" not in update_fields:
            return False
        if "password" in self.get_deferred_fields():
            return False
        stored = type(self)._default_manager.filter(pk=self.pk).values_list("password", flat=True).first()
        return stored is not None and stored != self.password

    # Django re-hashes a correct password on login when the hasher's settings have moved on, and
    # saves it: the password stays the same, so that save must revoke nothing.
    def check_password(self, raw_password) -> bool:
        self._rehashing_password = True
        try:
            return super().check_password(raw_password)
        finally:
            self._rehashing_password = False

    async def acheck_password(self, raw_password) -> bool:
        self._rehashing_password = True
        try:
            return await super().acheck_password(raw_password)
        finally:
            self._rehashing_password = False

    def __str__(self) -> str:
        return self.short_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def record_name(self) -> str:
        """The name an audit row keeps: the full name, else the short form or the login."""
        return self.full_name or str(self)

    @property
    def position_label(self) -> str:
        """The position an audit row keeps: the stated one, else the role's name."""
        if self.position:
            return self.position
        return str(self.get_role_display()) if self.role else ""

    @property
    def is_secretary(self) -> bool:
        return self.role == Role.SECRETARY

    @property
    def is_office_head(self) -> bool:
        return self.role == Role.OFFICE_HEAD

    @property
    def is_department_head(self) -> bool:
        return self.role == Role.DEPARTMENT_HEAD

    @property
    def is_office_staff(self) -> bool:
        """May draft and edit plans: the secretary and the office head."""
        return self.role in (Role.SECRETARY, Role.OFFICE_HEAD)


class ResponsibleGroup(models.Model):
    """A named group of responsible persons, e.g. «Руководители управленческих портфелей …»."""

    name = models.CharField(_("название"), max_length=500, unique=True)
    members = models.ManyToManyField(
        User, verbose_name=_("участники"), related_name="responsible_groups", blank=True
    )

    class Meta:
        verbose_name = _("группа ответственных")
        verbose_name_plural = _("группы ответственных")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubstitutionQuerySet(models.QuerySet):
    def running_on(self, day) -> SubstitutionQuerySet:
        """Substitutions in force on ``day`` (first and last day inclusive), not ended early."""
        return self.filter(starts_on__lte=day, ends_on__gte=day, ended_at__isnull=True)


class Substitution(models.Model):
    """Замещение: ``person`` acts for ``replaces`` from ``starts_on`` to ``ends_on`` (inclusive,
    in the office's time zone). While it runs, ``person`` may fire what ``replaces``'s role may
    fire, and the notices meant for ``replaces`` go to ``person``."""

    person = models.ForeignKey(
        User, verbose_name=_("исполняющий обязанности"), on_delete=models.PROTECT, related_name="stand_ins"
    )
    replaces = models.ForeignKey(
        User, verbose_name=_("кого замещает"), on_delete=models.PROTECT, related_name="substituted_by"
    )
    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по"))
    comment = models.TextField(_("комментарий"), blank=True)
    copy_to_replaced = models.BooleanField(
        _("копии уведомлений замещаемому"), default=False,
        help_text=_("Замещаемый продолжает получать копии уведомлений на время замещения."),
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("кто оформил"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("оформлено"), auto_now_add=True)
    ended_at = models.DateTimeField(_("завершено досрочно"), null=True, blank=True)

    objects = SubstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("замещение")
        verbose_name_plural = _("замещения")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="substitution_ends_after_start"),
            models.CheckConstraint(condition=~models.Q(person=models.F("replaces")),
                                   name="substitution_not_oneself"),
        ]
        indexes = [models.Index(fields=["person", "starts_on", "ends_on"]),
                   models.Index(fields=["replaces", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.replaces} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"
