"""The project's URLs plus ``/bench/ceiling/``: a bare Django view returning constant JSON,
served by the same gunicorn through the same middleware, as the ceiling of the API figures."""

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

CONSTANT = {"id": 1, "title": "План заседаний Проектного офиса", "state": "approved"}


@csrf_exempt  # POSTed to as the ceiling of a transition; the API's token requests need no CSRF either
def ceiling(request):
    return JsonResponse(CONSTANT)


urlpatterns = [path("bench/ceiling/", ceiling), path("", include("config.urls"))]
