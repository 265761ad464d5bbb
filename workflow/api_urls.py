from rest_framework.routers import DefaultRouter

from .api import AgendaItemViewSet, PlanViewSet, ProjectViewSet, SessionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("plans", PlanViewSet, basename="plan")
router.register("sessions", SessionViewSet, basename="session")
router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
router.register("projects", ProjectViewSet, basename="project")

urlpatterns = router.urls
