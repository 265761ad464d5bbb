"""Calendar URLs, mounted at the site root (config/urls.py) before the apps' /api/ routers."""

from django.urls import path

from .api import CalendarTokenView, SessionIcsView
from .views import calendar_feed

urlpatterns = [
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
    path("api/calendar/token/", CalendarTokenView.as_view(), name="calendar-token"),
    path("api/sessions/<int:pk>/ics/", SessionIcsView.as_view(), name="session-ics"),
]
