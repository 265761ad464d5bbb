from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import PersonViewSet, ResponsibleGroupViewSet, TokenView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("people", PersonViewSet, basename="person")
router.register("groups", ResponsibleGroupViewSet, basename="responsible-group")

urlpatterns = [path("auth/token/", TokenView.as_view(), name="api-token"), *router.urls]
