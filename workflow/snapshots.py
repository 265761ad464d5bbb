"""What a plan said when it was sent for agreement, and what changed since.

At each submit the plan's content (sessions, items, responsible persons and groups) is kept as
JSON (``PlanSnapshot``); when the plan comes back to the heads, ``plan_changes`` compares the
last two: items added, removed and edited, sessions moved."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifecycle.kernel import transition_fired


class PlanSnapshot(models.Model):
    """The plan's content when ``decision`` (a submit) was made."""

    plan = models.ForeignKey("workflow.Plan", verbose_name=_("план"), on_delete=models.CASCADE,
                             related_name="snapshots")
    decision = models.OneToOneField("approvals.Decision", verbose_name=_("решение"), on_delete=models.PROTECT,
                                    related_name="+")
    content = models.JSONField(_("содержание"))
    created_at = models.DateTimeField(_("когда"), default=timezone.now)

    class Meta:
        verbose_name = _("снимок плана")
        verbose_name_plural = _("снимки плана")
        ordering = ["plan", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id} @ {self.created_at:%d.%m.%Y %H:%M}"


def plan_content(plan) -> dict:
    """The plan's sessions and items as plain data, keyed by id (as strings: JSON keys)."""
    # Through the plan's own relations: this module is part of the models (no import of them).
    responsibility = plan.items.model.responsibilities.rel.related_model
    sessions = {
        str(s.pk): {"number": s.number, "due_label": s.due_label, "period_start": s.period_start.isoformat(),
                    "period_end": s.period_end.isoformat(),
                    "starts_at": s.starts_at.isoformat() if s.starts_at else None, "place": s.place}
        for s in plan.sessions.all()
    }
    who: dict[int, list[str]] = {}
    for resp in responsibility.objects.filter(item__plan=plan).select_related("person", "group").order_by(
        "item", "order", "id"
    ):
        who.setdefault(resp.item_id, []).append(resp.label)
    items = {
        str(i.pk): {"session": str(i.session_id), "parent": str(i.parent_id) if i.parent_id else None,
                    "order": i.order, "text": i.text, "needs_preparation": i.needs_preparation,
                    "responsibles": who.get(i.pk, [])}
        for i in plan.items.all()
    }
    return {"sessions": sessions, "items": items}


def plan_snapshot_take(*, plan, decision) -> PlanSnapshot:
    return PlanSnapshot.objects.create(plan=plan, decision=decision, content=plan_content(plan),
                                       created_at=decision.created_at)


@receiver(transition_fired, dispatch_uid="workflow_plan_snapshot")
def _snapshot_on_submit(sender, instance, name, log, **kwargs) -> None:
    """Inside the submit's transaction: the content that was sent is the content kept."""
    if sender._meta.label == "workflow.Plan" and name == "submit":
        plan_snapshot_take(plan=instance, decision=log)


@dataclass
class PlanChanges:
    since: PlanSnapshot
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    edited: list[dict] = field(default_factory=list)  # {"text", "before", "what": [...]}
    moved: list[dict] = field(default_factory=list)  # {"number", "before", "after"}

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.edited or self.moved)


_ITEM_FIELDS = {"text": _("текст"), "responsibles": _("ответственные"), "session": _("заседание"),
                "parent": _("вложенность"), "order": _("порядок"), "needs_preparation": _("«Разное»")}


def _session_label(session: dict) -> str:
    label = session["due_label"]
    if session.get("starts_at"):
        label += ", " + session["starts_at"][:16].replace("T", " ")
    if session.get("place"):
        label += ", " + session["place"]
    return label


def plan_changes(plan) -> PlanChanges | None:
    """What changed between the plan's last two submits (None before a second submit)."""
    last_two = list(PlanSnapshot.objects.filter(plan=plan).order_by("-created_at", "-id")[:2])
    if len(last_two) < 2:
        return None
    return snapshot_changes(new=last_two[0], old=last_two[1])


def plan_changes_by_submit(plan) -> dict[int, PlanChanges]:
    """For the history: each submit (by its decision's id) after the first, with what changed
    since the one before."""
    snapshots = list(PlanSnapshot.objects.filter(plan=plan).order_by("created_at", "id"))
    pairs = zip(snapshots, snapshots[1:], strict=False)
    return {new.decision_id: snapshot_changes(new=new, old=old) for old, new in pairs}


def _timing(session: dict) -> tuple:
    """When and where a session is, as a snapshot keeps it (its period, date and place)."""
    return session["period_start"], session["period_end"], session["starts_at"], session["place"]


def snapshot_changes(*, new: PlanSnapshot, old: PlanSnapshot) -> PlanChanges:
    """Items added, removed and edited, sessions moved, from ``old`` to ``new``."""
    changes = PlanChanges(since=old)
    new, old = new.content, old.content
    old_items, new_items = old["items"], new["items"]
    changes.added = [new_items[k] for k in new_items if k not in old_items]
    changes.removed = [old_items[k] for k in old_items if k not in new_items]
    for key in new_items.keys() & old_items.keys():
        before, after = old_items[key], new_items[key]
        what = [str(label) for name, label in _ITEM_FIELDS.items() if before.get(name) != after.get(name)]
        if what:
            changes.edited.append({"text": after["text"], "before": before["text"], "what": what})
    for key, after in new["sessions"].items():
        before = old["sessions"].get(key)
        if before and _timing(before) != _timing(after):
            changes.moved.append({"number": after["number"], "before": _session_label(before),
                                  "after": _session_label(after)})
    return changes
