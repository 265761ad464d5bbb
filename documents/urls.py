"""The plan's documents, mounted under /api/ before the plans router (config/urls.py), so that
``plans/import/`` is this app's view and not the router's ``plans/{pk}/``."""

from django.urls import path

from .api import PlanApprovalSheetView, PlanExportView, PlanImportView

urlpatterns = [
    path("plans/import/", PlanImportView.as_view(), name="plan-import"),
    path("plans/<int:pk>/export/", PlanExportView.as_view(), name="plan-export"),
    path("plans/<int:pk>/approval-sheet/", PlanApprovalSheetView.as_view(), name="plan-approval-sheet"),
]
