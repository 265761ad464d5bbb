"""The project's settings with the bench-only URLconf (the ceiling view is never in production)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
