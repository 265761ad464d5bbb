from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import PersonViewSet, ResponsibleGroupViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("people", PersonViewSet, basename="person")
router.register("groups", ResponsibleGroupViewSet, basename="responsible-group")

# auth/token/ (with the login rate limit) and auth/logout/ (token revocation).
urlpatterns = [path("", include("accounts.token_urls")), *router.urls]
