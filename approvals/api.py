"""Approval transitions as API actions, shared by every viewset of an approval object.

``POST /api/<resource>/{id}/{submit|agree|approve|return|archive}/`` with ``{"comment": "…"}``
fires the transition through ``approvals.services.transition_fire`` as the requesting user:
the same checks, row lock and decision row as everywhere else. Refusals come back as the
API's error shape: 403 ``forbidden`` (role), 409 ``invalid_state`` / ``blocked`` / ``conflict``
(state, a blocker, or another request was first), 400 ``comment_required``.
"""

from __future__ import annotations

from rest_framework.response import Response

from config.api_schema import transition_action

from .models import TransitionName
from .services import transition_fire

_DESCRIPTIONS = {
    TransitionName.SUBMIT: "Черновик → «На согласовании». Секретарь или руководитель Проектного офиса.",
    TransitionName.AGREE: "«На согласовании» → «Согласовано». Руководитель Проектного офиса.",
    TransitionName.APPROVE: "«Согласовано» → «Утверждено». Руководитель департамента.",
    TransitionName.RETURN: (
        "«На согласовании» или «Согласовано» → черновик, с обязательным комментарием. Из «На согласовании» — "
        "руководитель Проектного офиса, из «Согласовано» — руководитель департамента."
    ),
    TransitionName.ARCHIVE: "«Утверждено» → «В архиве». Руководитель Проектного офиса или департамента.",
}


def approval_transition_actions(response, *, what: str) -> tuple:
    """The five actions, in life-cycle order, for a viewset whose objects are ``what``.

    In the viewset's body: ``transition_submit, transition_agree, transition_approve,
    transition_return, transition_archive = approval_transition_actions(Serializer, what="план")``.
    """
    return tuple(
        transition_action(
            name,
            summary=f"{TransitionName(name).label}: {what}",
            description=_DESCRIPTIONS[name],
            response=response,
        )
        for name in TransitionName.values
    )


class ApprovalTransitionsMixin:
    """Fires approval transitions; combine with ``approval_transition_actions``."""

    def perform_transition(self, obj, name: str, comment: str) -> None:
        transition_fire(obj=obj, name=name, by=self.request.user, comment=comment)

    def transition_response(self, obj):
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data)
