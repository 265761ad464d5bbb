from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import PersonViewSet, ResponsibleGroupViewSet
from .substitution_api import SubstitutionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("people", PersonViewSet, basename="person")
router.register("groups", ResponsibleGroupViewSet, basename="responsible-group")
router.register("substitutions", SubstitutionViewSet, basename="substitution")

# auth/token/ (with the login rate limit) and auth/logout/ (token revocation).
urlpatterns = [path("", include("accounts.token_urls")), *router.urls]
