"""The approval life cycle shared by plans and agenda items, and its decision log.

draft --submit--> submitted --agree--> agreed --approve--> approved --archive--> archived
submitted/agreed --return(comment)--> draft

Declared once (``APPROVAL``) for the transition kernel (``lifecycle.kernel``): who may fire
what lives here and nowhere else; ``lifecycle.kernel.fire`` checks the caller, locks the row,
saves and writes the decision in one transaction.
This app knows nothing about sessions or tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from config.choices import text_choices
from lifecycle.kernel import Lifecycle, Log, Roles, Transition
from lifecycle.models import AppendOnlyModel, AppendOnlyQuerySet

ApprovalState = text_choices("ApprovalState", {
    "draft": _("Черновик"), "submitted": _("На согласовании"), "agreed": _("Согласовано"),
    "approved": _("Утверждено"), "archived": _("В архиве"),
})


def _roles(**by_state) -> Roles:
    return Roles({ApprovalState(state): frozenset(roles) for state, roles in by_state.items()})


# The approval life cycle, declared once. Who may fire what, by the state it leaves: a return
# from "submitted" is the office head's; from "agreed" it is the department head's (the one who
# would otherwise approve). Superusers get no bypass: a decision is always made in a role.
APPROVAL = Lifecycle(
    name="approval",
    states=ApprovalState,
    initial=ApprovalState.DRAFT,
    log=Log(model="approvals.Decision", link=lambda obj: _decision_link(obj)),
    transitions=(
        Transition(
            "submit", _("Направить на согласование"), (ApprovalState.DRAFT,), ApprovalState.SUBMITTED,
            _roles(draft={Role.SECRETARY, Role.OFFICE_HEAD}),
            description="Черновик → «На согласовании». Секретарь или руководитель Проектного офиса.",
        ),
        Transition(
            "agree", _("Согласовать"), (ApprovalState.SUBMITTED,), ApprovalState.AGREED,
            _roles(submitted={Role.OFFICE_HEAD}),
            description="«На согласовании» → «Согласовано». Руководитель Проектного офиса.",
        ),
        Transition(
            "approve", _("Утвердить"), (ApprovalState.AGREED,), ApprovalState.APPROVED,
            _roles(agreed={Role.DEPARTMENT_HEAD}),
            description="«Согласовано» → «Утверждено». Руководитель департамента.",
        ),
        Transition(
            "return", _("Вернуть на доработку"), (ApprovalState.SUBMITTED, ApprovalState.AGREED),
            ApprovalState.DRAFT, _roles(submitted={Role.OFFICE_HEAD}, agreed={Role.DEPARTMENT_HEAD}),
            comment_required=True,
            description="«На согласовании» или «Согласовано» → черновик, с обязательным комментарием. Из «На "
            "согласовании» — руководитель Проектного офиса, из «Согласовано» — руководитель департамента.",
        ),
        Transition(
            "archive", _("Перенести в архив"), (ApprovalState.APPROVED,), ApprovalState.ARCHIVED,
            _roles(approved={Role.OFFICE_HEAD, Role.DEPARTMENT_HEAD}),
            description="«Утверждено» → «В архиве». Руководитель Проектного офиса или департамента.",
        ),
    ),
)


def _decision_link(obj) -> dict:
    return {"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk}


TransitionName = APPROVAL.transition_choices("TransitionName")

# The abstract base of every model with the approval life cycle (plans and agenda items): the
# protected state field and the FSM methods, made from the declaration above. A model may set
# ``lifecycle = APPROVAL.but(conditions=…, cascade=…)`` for its own rules and what moves with it.
ApprovalLifecycle = APPROVAL.model_base(module=__name__, verbose_name=_("состояние"), name="ApprovalLifecycle")


class DecisionQuerySet(AppendOnlyQuerySet):
    def for_object(self, obj) -> DecisionQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Decision(AppendOnlyModel):
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
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("за кого (замещение)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Решение принято исполняющим обязанности этого человека."),
    )
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
