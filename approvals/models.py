"""The approval life cycle shared by plans and agenda items, and its decision log.

draft --submit--> submitted --agree--> agreed --approve--> approved --archive--> archived
submitted/agreed --return(comment)--> draft

The state field is a protected FSM field: it changes only through the transition methods
below, and those are fired only by ``approvals.services.transition_fire``, which checks the
caller, locks the row, saves and writes the decision in one transaction.
This app knows nothing about sessions or tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Role


class ApprovalState(models.TextChoices):
    DRAFT = "draft", _("Черновик")
    SUBMITTED = "submitted", _("На согласовании")
    AGREED = "agreed", _("Согласовано")
    APPROVED = "approved", _("Утверждено")
    ARCHIVED = "archived", _("В архиве")


class TransitionName(models.TextChoices):
    SUBMIT = "submit", _("Направить на согласование")
    AGREE = "agree", _("Согласовать")
    APPROVE = "approve", _("Утвердить")
    RETURN = "return", _("Вернуть на доработку")
    ARCHIVE = "archive", _("Перенести в архив")


# Who may fire a transition, by the state it leaves. A return from "submitted" is the office
# head's; from "agreed" it is the department head's (the one who would otherwise approve).
TRANSITION_ROLES: dict[str, dict[str, frozenset[str]]] = {
    TransitionName.SUBMIT: {ApprovalState.DRAFT: frozenset({Role.SECRETARY, Role.OFFICE_HEAD})},
    TransitionName.AGREE: {ApprovalState.SUBMITTED: frozenset({Role.OFFICE_HEAD})},
    TransitionName.APPROVE: {ApprovalState.AGREED: frozenset({Role.DEPARTMENT_HEAD})},
    TransitionName.RETURN: {
        ApprovalState.SUBMITTED: frozenset({Role.OFFICE_HEAD}),
        ApprovalState.AGREED: frozenset({Role.DEPARTMENT_HEAD}),
    },
    TransitionName.ARCHIVE: {ApprovalState.APPROVED: frozenset({Role.OFFICE_HEAD, Role.DEPARTMENT_HEAD})},
}

COMMENT_REQUIRED = frozenset({TransitionName.RETURN})


def role_may_fire(user, name: str, state: str | None = None) -> bool:
    """Whether ``user``'s role may fire ``name`` (from ``state``, or from any state)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    by_state = TRANSITION_ROLES.get(name, {})
    if state is not None:
        return user.role in by_state.get(state, frozenset())
    return any(user.role in roles for roles in by_state.values())


def _permission(name: str):
    def check(instance, user) -> bool:
        return role_may_fire(user, name, instance.state)

    return check


class ApprovalLifecycle(ConcurrentTransitionMixin, models.Model):
    """Abstract base: a protected approval state and its transitions.

    Subclasses may override ``approval_blocker`` (why the object cannot move on its own now)
    and ``after_transition`` (what moves along with it, inside the same transaction).
    """

    state = FSMField(
        _("состояние"),
        default=ApprovalState.DRAFT,
        choices=ApprovalState.choices,
        protected=True,
        db_index=True,
    )

    class Meta:
        abstract = True

    # The method names are internal; the public names are TransitionName values.
    @transition(field=state, source=ApprovalState.DRAFT, target=ApprovalState.SUBMITTED,
                permission=_permission(TransitionName.SUBMIT))
    def submit(self) -> None:
        """Send the draft for agreement."""

    @transition(field=state, source=ApprovalState.SUBMITTED, target=ApprovalState.AGREED,
                permission=_permission(TransitionName.AGREE))
    def agree(self) -> None:
        """The office head agrees (Согласовано)."""

    @transition(field=state, source=ApprovalState.AGREED, target=ApprovalState.APPROVED,
                permission=_permission(TransitionName.APPROVE))
    def approve(self) -> None:
        """The department head approves (Утверждаю)."""

    @transition(field=state, source=[ApprovalState.SUBMITTED, ApprovalState.AGREED],
                target=ApprovalState.DRAFT, permission=_permission(TransitionName.RETURN))
    def return_for_revision(self) -> None:
        """Back to draft, always with a comment."""

    @transition(field=state, source=ApprovalState.APPROVED, target=ApprovalState.ARCHIVED,
                permission=_permission(TransitionName.ARCHIVE))
    def archive(self) -> None:
        """The year is closed."""

    TRANSITION_METHODS = {
        TransitionName.SUBMIT: "submit",
        TransitionName.AGREE: "agree",
        TransitionName.APPROVE: "approve",
        TransitionName.RETURN: "return_for_revision",
        TransitionName.ARCHIVE: "archive",
    }

    def approval_blocker(self, name: str) -> str | None:
        """A reason, in Russian, why ``name`` cannot be fired on this object now, or None."""
        return None

    def after_transition(self, *, name: str, from_state: str, decision: Decision, by) -> None:
        """Hook run inside the transition's transaction, after the decision row is written."""

    @property
    def state_display(self) -> str:
        return str(ApprovalState(self.state).label)


class DecisionQuerySet(models.QuerySet):
    """Append-only: no bulk update or delete through the ORM."""

    def update(self, **kwargs):
        raise PermissionError("Decisions are append-only.")

    def delete(self):
        raise PermissionError("Decisions are append-only.")

    def for_object(self, obj) -> DecisionQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Decision(models.Model):
    """One row of the approval sheet (лист согласования): who decided what, when, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("действие"), max_length=20, choices=TransitionName.choices)
    from_state = models.CharField(_("из состояния"), max_length=20, choices=ApprovalState.choices)
    to_state = models.CharField(_("в состояние"), max_length=20, choices=ApprovalState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("кто"), on_delete=models.PROTECT, related_name="decisions"
    )
    actor_name = models.CharField(_("ФИО"), max_length=255)
    actor_position = models.CharField(_("должность на момент решения"), max_length=255, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    created_at = models.DateTimeField(_("когда"), default=timezone.now, db_index=True)
    carried_by = models.ForeignKey(
        "self",
        verbose_name=_("вместе с решением"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried",
        help_text=_("Решение по плану, вместе с которым изменился этот пункт."),
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("решение")
        verbose_name_plural = _("лист согласования")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_transition_display()}: {self.actor_name} ({timezone.localtime(self.created_at):%d.%m.%Y %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Decisions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Decisions are append-only.")
