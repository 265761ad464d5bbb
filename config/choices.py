"""Choices declared as what they are: values and their Russian labels."""

from __future__ import annotations

from django.db import models


def text_choices(name: str, labels: dict[str, str]) -> type[models.TextChoices]:
    """A ``TextChoices`` named ``name`` whose members are ``labels``' keys (upper-cased as member
    names; the empty value is ``NONE``) with their labels: ``text_choices("ApprovalState",
    {"draft": _("Черновик"), …})`` gives ``ApprovalState.DRAFT == "draft"``."""
    return models.TextChoices(name, [((value.upper() or "NONE"), (value, label)) for value, label in labels.items()])
