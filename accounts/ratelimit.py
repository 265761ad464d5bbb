"""Counting requests per key in fixed windows, in Django's cache (shared by every web process:
``CACHES`` is a file cache on the embedded run and Redis in docker-compose).

``password_reset_allowed`` limits password-reset e-mails per address and per client address
(``PASSWORD_RESET_LIMIT_*``). The caller answers the same whether it was allowed or not, so the
limit tells nobody whether an address exists.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _cache_key(scope: str, key: str, window: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def rate_limit_hit(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Count one request for ``key`` in the current ``window`` (seconds); whether it is within ``limit``."""
    cache_key = _cache_key(scope, key, window)
    if cache.add(cache_key, 1, timeout=window):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr(): this request opens a new count
        cache.add(cache_key, 1, timeout=window)
        return True
    return count <= limit


def password_reset_allowed(*, email: str, client: str | None) -> bool:
    """Whether a reset e-mail may go to ``email`` at the request of ``client`` (an IP address).

    The client is counted first and, once over its limit, refused without touching the address's
    count, so one client cannot use up everybody's allowance. A cache that is down lets the
    request through (logged): people must still be able to reset a password during an outage.
    """
    window = settings.PASSWORD_RESET_LIMIT_WINDOW_SECONDS
    limits = (
        ("reset-client", client or "unknown", settings.PASSWORD_RESET_LIMIT_PER_CLIENT),
        ("reset-address", email.strip().lower(), settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
    )
    try:
        for scope, key, limit in limits:
            if not rate_limit_hit(scope=scope, key=key, limit=limit, window=window):
                logger.warning("Password reset refused by the %s limit (client %s)", scope, client)
                return False
    except Exception:  # noqa: BLE001 - any cache failure: fail open, see above
        logger.exception("Password reset rate limit unavailable; the request is let through")
    return True
