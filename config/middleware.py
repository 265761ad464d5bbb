"""The language of a response is chosen explicitly, never guessed from the browser.

Django's ``LocaleMiddleware`` trusts ``Accept-Language``: an office computer with an English
Windows (or a Chromium started with an English locale) would then show English pages to
Russian-speaking staff. Here:

- pages: the ``django_language`` cookie (``settings.LANGUAGE_COOKIE_NAME``), set by the
  language switch in the footer (``django.views.i18n.set_language``), if it names one of
  ``settings.LANGUAGES``; otherwise ``settings.LANGUAGE_CODE`` (Russian);
- the API (paths under ``/api/``): the same cookie first, then ``Accept-Language``, then
  ``LANGUAGE_CODE``. An API client sets that header deliberately, so there it is a choice,
  not a guess. The web pages call no API, so the browser's header never reaches a page.

E-mails and exported documents do not follow this: they are rendered in ``LANGUAGE_CODE``
with ``translation.override`` (see ``outbox.services`` and ``web.forms``).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from config.api_errors import database_busy_response
from config.errors import database_busy

API_PREFIX = "/api/"


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_for_request(request) -> str:
    """The language code to answer ``request`` in (see the module docstring)."""
    chosen = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if chosen:
        return chosen
    if request.path.startswith(API_PREFIX):
        # Cookie, then Accept-Language, then LANGUAGE_CODE; never the URL prefix.
        return translation.get_language_from_request(request, check_path=False)
    return settings.LANGUAGE_CODE


class ExplicitLanguageMiddleware:
    """Activates the request's language (instead of ``django.middleware.locale.LocaleMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for_request(request)
        # override() restores the previous language afterwards, so nothing leaks into the
        # next request served by this thread.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        vary = ("Cookie", "Accept-Language") if request.path.startswith(API_PREFIX) else ("Cookie",)
        patch_vary_headers(response, vary)
        return response


class DatabaseBusyMiddleware:
    """SQLite's "database is locked" from any view (pages, plain views under /api/) is a 409
    that says to repeat the action, never a 500; DRF views map it in their exception handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return database_busy_response(request) if database_busy(exception) else None
