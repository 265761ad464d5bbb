"""The protocol's life cycle: the plan's (``approvals.models.APPROVAL``), declared for the kernel.

draft --submit--> submitted --agree (office head)--> agreed --approve (the chair: the department
head)--> approved; submitted/agreed --return(comment)--> draft. Its decisions go to the approval
sheet (``approvals.Decision``). A protocol is written for a held session only; once approved, its
assignments become tasks under control (``services.on_protocol_fired``, in the approval's transaction).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from approvals.models import APPROVAL, TransitionName
from lifecycle.kernel import Condition
from workflow.lifecycles import SessionState


def _session_held(protocol, transition) -> str | None:
    if protocol.session.state != SessionState.HELD:
        return _("Протокол оформляется только по проведённому заседанию.")
    return None


def _has_entries(protocol, transition) -> str | None:
    if transition.name == TransitionName.SUBMIT and not protocol.entries.exists():
        return _("В протоколе нет ни одного вопроса: заполните «Слушали» и «Решили».")
    return None


PROTOCOL = APPROVAL.but(
    name="protocol",
    conditions=(Condition(_session_held, code="invalid_state"), Condition(_has_entries, code="empty_protocol")),
)
