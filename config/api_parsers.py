"""Request body parsers of the whole API (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``).

A JSON body nested tens of thousands of levels deep (``[[[[…``) makes Python's ``json`` module
raise ``RecursionError``, which DRF's ``JSONParser`` does not catch: the request ended in a 500.
``DepthLimitedJSONParser`` answers 400 ``parse_error`` instead, for every endpoint at once:

* the decoder's own ``RecursionError`` (it stops at the interpreter's recursion limit, about a
  thousand levels) becomes a ``ParseError``;
* a document that did parse but is deeper than ``API_JSON_MAX_DEPTH`` is refused too, so that
  nothing after the parser (serializers, the error handler walking a validation error) recurses
  over a structure an attacker chose. The depth is measured without recursion.

Form and multipart bodies need no such guard: Django parses them into flat lists of keys and
values (``QueryDict``), bounded by ``DATA_UPLOAD_MAX_NUMBER_FIELDS``, and nothing nests.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def json_depth_exceeds(value, *, limit: int) -> bool:
    """Whether ``value`` nests lists/objects more than ``limit`` levels deep (``{}`` is 1)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _too_deep() -> ParseError:
    return ParseError(
        _("Тело запроса вложено слишком глубоко: допускается не больше %(limit)s уровней.")
        % {"limit": settings.API_JSON_MAX_DEPTH},
        code="parse_error",
    )


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser that answers 400 on absurdly deep documents instead of crashing."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if json_depth_exceeds(data, limit=settings.API_JSON_MAX_DEPTH):
            raise _too_deep()
        return data
