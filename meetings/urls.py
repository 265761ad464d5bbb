"""Mounted under /api/ before the sessions router (config/urls.py), so ``sessions/{id}/agenda/``
and ``sessions/{id}/materials/`` are this app's views."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import (
    AssignmentExtendView,
    AssignmentStatusExportView,
    AssignmentStatusView,
    ProtocolViewSet,
    SessionAgendaView,
    SessionMaterialsView,
    SessionParticipantsView,
    SessionParticipantView,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("protocols", ProtocolViewSet, basename="protocol")

urlpatterns = [
    path("sessions/<int:pk>/agenda/", SessionAgendaView.as_view(), name="session-agenda"),
    path("sessions/<int:pk>/materials/", SessionMaterialsView.as_view(), name="session-materials"),
    path("sessions/<int:pk>/participants/", SessionParticipantsView.as_view(), name="session-participants"),
    path("sessions/<int:pk>/participants/<int:person>/", SessionParticipantView.as_view(),
         name="session-participant"),
    path("assignment-tasks/<int:pk>/extend/", AssignmentExtendView.as_view(), name="assignment-task-extend"),
    path("assignments/status/", AssignmentStatusView.as_view(), name="assignment-status"),
    path("assignments/status/export/", AssignmentStatusExportView.as_view(), name="assignment-status-export"),
    *router.urls,
]
