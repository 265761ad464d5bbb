from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import TaskViewSet
from .result_api import TaskResultFileView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tasks", TaskViewSet, basename="task")

urlpatterns = [
    path("tasks/<int:pk>/result/file/", TaskResultFileView.as_view(), name="task-result-file"),
    *router.urls,
]
