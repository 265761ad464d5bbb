"""Plans: the list, a plan read as the document, and firing its (and its items') transitions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from approvals.models import APPROVAL, ApprovalState, Decision, TransitionName
from documents.approval_sheet import decision_result, signatures
from documents.pdf import soffice_binary
from workflow.selectors import plan_approval_sheet
from workflow.snapshots import plan_changes, plan_changes_by_submit
from workflow.visibility import items_visible

from .. import selectors
from .common import fire_from_post, page

DONE_MESSAGES = {
    TransitionName.SUBMIT: gettext_lazy("Направлено на согласование."),
    TransitionName.AGREE: gettext_lazy("Согласовано."),
    TransitionName.APPROVE: gettext_lazy("Утверждено."),
    TransitionName.RETURN: gettext_lazy("Возвращено на доработку."),
    TransitionName.ARCHIVE: gettext_lazy("Перенесено в архив."),
}


def _downloads(plan) -> list[dict]:
    """Links to the document downloads, when the export feature is installed; the PDF link
    only where LibreOffice is there to make it (``documents.pdf.soffice_binary``)."""
    links = []
    pdf = soffice_binary() is not None
    for url_name, label in (("plan-export", _("План")), ("plan-approval-sheet", _("Лист согласования"))):
        try:
            url = reverse(url_name, args=[plan.pk])
        except NoReverseMatch:
            continue
        links.append({"label": label, "docx": f"{url}?format=docx", "pdf": f"{url}?format=pdf" if pdf else ""})
    return links


def _returned(plan):
    """The return decision a draft plan rests on (shown at the top until it is sent again)."""
    if plan.state != ApprovalState.DRAFT:
        return None
    last = Decision.objects.for_object(plan).order_by("-created_at", "-id").first()
    return last if last and last.transition == TransitionName.RETURN else None


def _sheet(decisions, *, plan):
    """The approval sheet's rows with what each decided, as the office signs it, and for each
    submit after the first what changed since the one before (the history)."""
    changes = plan_changes_by_submit(plan)
    for decision in decisions:
        decision.result = decision_result(decision)
        decision.changes = changes.get(decision.pk) if decision.item is None else None
    return decisions


@require_GET
@login_required
@page
def plan_list(request):
    return render(request, "web/plan_list.html", {"nav": "plans", "plans": selectors.plan_list(user=request.user)})


@require_GET
@login_required
@page
def plan_detail(request, pk: int):
    plan = get_object_or_404(selectors.plan_list(user=request.user), pk=pk)
    plan = selectors.plan_document(plan=plan, user=request.user)
    return render(
        request,
        "web/plan_detail.html",
        {
            "nav": "plans",
            "plan": plan,
            "decisions": _sheet(plan_approval_sheet(plan=plan, user=request.user), plan=plan),
            "signatures": signatures(plan),
            "returned": _returned(plan),
            "changes": plan_changes(plan) if plan.state in (ApprovalState.SUBMITTED, ApprovalState.AGREED) else None,
            "may_edit": plan.state == ApprovalState.DRAFT and request.user.is_office_staff,
            "downloads": _downloads(plan),
            "comment_required": [t.name for t in APPROVAL.transitions if t.comment_required],
        },
    )


def _fire(request, obj, *, back: str):
    return fire_from_post(request, obj, back=back, done=DONE_MESSAGES)


@require_POST
@login_required
@page
def plan_transition(request, pk: int):
    plan = get_object_or_404(selectors.plan_list(user=request.user), pk=pk)
    return _fire(request, plan, back=reverse("web:plan", args=[plan.pk]))


@require_POST
@login_required
@page
def item_transition(request, pk: int):
    item = get_object_or_404(items_visible(user=request.user).select_related("plan"), pk=pk)
    return _fire(request, item, back=reverse("web:plan", args=[item.plan_id]) + f"#item-{item.pk}")
