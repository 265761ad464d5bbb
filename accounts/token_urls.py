"""Token exchange and revocation, included by ``accounts.api_urls`` under /api/."""

from django.urls import path

from .token_api import LogoutView, TokenObtainView

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
]
