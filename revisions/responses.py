"""API bodies served from a cache that is never stale, with conditional GET.

A view names everything its body depends on (``representation_key``): the object or the
request's URL, the viewer, the day, and the revision counters (``revisions.counters``) of the
data it reads; the language, the media type and the code are added here. The body is rendered
once per key, by the view's ordinary code, and its bytes kept; the ETag is the key's digest,
so ``If-None-Match`` with the current ETag gets 304 without touching the body. A change to
anything the body shows moves a counter, so the key changes with it; a key is never reused
for other data.

The counters are read no later than the viewer's own row: in the token lookup's statement
(``accounts.authentication``), or before any other authentication runs. So nothing a body is
rendered from is older than the counters in its key.

Two ways in:

* ``dispatch``: a GET with a token, asking for JSON, whose body is in the cache, is answered
  from one statement (the token's active user, the counters) without the rest of DRF's request
  cycle and without making the user object (the view's first authentication does the reading:
  ``lookup_with_revisions``). A body is only ever stored by the full cycle below, after the viewer passed the view's
  authentication and permissions; everything those read about the viewer (their row, their
  substitutions) moves the counters in the key, so finding the body is finding that they passed.
  Anything else — no body yet, another Accept, a session, a bad token — takes the full cycle.
* ``cached_response``, called by the view's action: DRF's full cycle, rendering on a miss.

Only the JSON renderer's bodies are cached (the browsable API is rendered every time), only
200 answers, and nothing at all when the database's triggers are missing.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

import django
import rest_framework
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .counters import current
from .triggers import installed

JSON = JSONRenderer.media_type
# Accept headers for which DRF's negotiation picks the JSON renderer with exactly this media type.
_PLAIN_JSON_ACCEPTS = frozenset({None, "", "*/*", JSON})


@functools.cache
def release() -> str:
    """A digest of the code, translations and settings that render the bodies, so a deploy
    never serves what older code rendered (the cache may outlive a process: ``API_CACHE`` can
    be shared)."""
    digest = hashlib.sha256(repr((django.__version__, rest_framework.VERSION, settings.TIME_ZONE,
                                  settings.LANGUAGE_CODE, settings.SESSION_DEFAULT_DAY)).encode())
    base = Path(settings.BASE_DIR)
    for path in sorted([*base.glob("*/*.py"), *base.glob("*/*/*.py"), *base.glob("locale/*/LC_MESSAGES/*.mo")]):
        if path.parts[len(base.parts)] not in {"tests", "bench", "scripts", ".venv", "var"}:
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class CachedRepresentations:
    """A DRF view mixin for the actions in ``cached_actions`` (see the module's docstring)."""

    cached_actions: frozenset[str] = frozenset()
    revisions: dict[str, int] | None = None

    # A view that caches says what its body depends on besides language, media type and code:
    # ``representation_key(self, request, user_id, revisions) -> tuple`` (checked when the view
    # class is made, not at the first request).
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.cached_actions and not callable(getattr(cls, "representation_key", None)):
            raise ImproperlyConfigured(f"{cls.__name__} caches {sorted(cls.cached_actions)} without a "
                                       "representation_key")

    # --- The short way: a body already in the cache ---------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        answer = self._from_cache(request)
        if answer is not None:
            return answer
        return super().dispatch(request, *args, **kwargs)

    def _from_cache(self, request) -> HttpResponse | None:
        if (self.action_map.get(request.method.lower()) not in self.cached_actions
                or request.META.get("HTTP_ACCEPT") not in _PLAIN_JSON_ACCEPTS
                or "format" in request.GET or "format" in self.kwargs
                or self.throttle_classes or self.versioning_class is not None):
            return None  # what the full cycle would decide otherwise (another renderer, a throttle)
        # The view's first authentication, if it reads the counters with the token (accounts.authentication).
        authenticator = self.get_authenticators()[0]
        lookup = getattr(authenticator, "lookup_with_revisions", None)
        credentials = request.META.get("HTTP_AUTHORIZATION", "").split()
        if (lookup is None or len(credentials) != 2 or credentials[0].lower() != authenticator.keyword.lower()
                or not installed()):
            return None
        try:
            found = lookup(credentials[1])
        except DatabaseError:
            return None  # the full cycle meets it again and answers in the API's error shape
        if found is None:
            return None  # no such token or an inactive user: the full cycle refuses it
        user_id, revisions = found
        self.action = self.action_map[request.method.lower()]
        etag, digest = _validators(self.representation_key(request, user_id, revisions), JSON)
        body = caches[settings.API_CACHE].get(digest)
        if body is None:
            return None  # also for a 304: only a body the full cycle stored proves the viewer passed
        response = HttpResponseNotModified() if _not_modified(request, etag) else HttpResponse(body, content_type=JSON)
        self.headers = self.default_response_headers
        return self.finalize_response(request, _with_validators(response, etag))

    # --- The full cycle -------------------------------------------------------------------------

    def initial(self, request, *args, **kwargs):
        self.revisions = None
        if self.action in self.cached_actions:
            if request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
                request.read_revisions = True  # the token authentication reads them with the token
            else:
                self.revisions = current()
        super().initial(request, *args, **kwargs)
        if self.revisions is None and request.auth is not None:
            self.revisions = getattr(request.auth, "revisions", None)

    def cached_response(self, request, render: Callable[[], HttpResponse]) -> HttpResponse:
        """The body ``render()`` gives, from the cache when it is there; stored when it was not."""
        renderer = getattr(request, "accepted_renderer", None)
        if type(renderer) is not JSONRenderer or self.revisions is None or not installed():
            return render()
        media_type = request.accepted_media_type
        etag, digest = _validators(self.representation_key(request, request.user.pk, self.revisions), media_type)
        if _not_modified(request, etag):
            return _with_validators(HttpResponseNotModified(), etag)
        cache = caches[settings.API_CACHE]
        body = cache.get(digest)
        if body is not None:
            return _with_validators(HttpResponse(body, content_type=JSON), etag)
        response = render()
        if not isinstance(response, Response) or response.status_code != 200 or response.exception:
            return response
        # Rendered here as DRF would render it (finalize_response sets the same again), to keep the bytes.
        response.accepted_renderer, response.accepted_media_type = renderer, media_type
        response.renderer_context = self.get_renderer_context()
        cache.set(digest, response.render().content)
        return _with_validators(response, etag)


def _validators(key: tuple, media_type: str) -> tuple[str, str]:
    """The ETag and the cache key for a representation key."""
    digest = hashlib.sha256(repr((*key, media_type, get_language(), release())).encode()).hexdigest()[:40]
    return f'"{digest}"', digest


def _not_modified(request, etag: str) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    return bool(if_none_match) and (etag in (tags := parse_etags(if_none_match)) or "*" in tags)


def _with_validators(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    # Per viewer, and to be revalidated before each use: a client keeps it and asks with the ETag.
    response["Cache-Control"] = "private, no-cache"
    return response
