"""Plan document downloads, mounted under /api/ before the plan router (config/urls.py)."""

from django.urls import path

from .export_api import PlanApprovalSheetView, PlanExportView

urlpatterns = [
    path("plans/<int:pk>/export/", PlanExportView.as_view(), name="plan-export"),
    path("plans/<int:pk>/approval-sheet/", PlanApprovalSheetView.as_view(), name="plan-approval-sheet"),
]
