"""Production (DEBUG=0) refuses to start with a SECRET_KEY that Django's deployment check warns
about (security.W009): shorter than 50 characters, fewer than 5 distinct characters, or Django's
"django-insecure-" prefix. The message tells the operator how to make a good one and does not
repeat the key. A strong key starts; the development run (DEBUG on) is not affected."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = [sys.executable, "-c", "import django; django.setup()"]
WEAK = {
    "changeme": "changeme",
    "49 characters": secrets.token_urlsafe(50)[:49],
    "4 distinct characters": "abcd" * 20,
    "django-insecure- prefix": "django-insecure-" + secrets.token_urlsafe(50),
}


def _run(command: list[str], tmp_path: Path, *, secret_key: str, debug: str = "0") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DEBUG": debug,
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "plan.example.org",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("case", WEAK)
def test_production_refuses_a_weak_secret_key(case, tmp_path):
    done = _run(SETUP, tmp_path, secret_key=WEAK[case])
    assert done.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is too weak for production (DEBUG=0)" in done.stderr, done.stderr
    assert "secrets.token_urlsafe(50)" in done.stderr
    assert WEAK[case] not in done.stderr  # the refused secret is not echoed into logs


def test_check_deploy_refuses_changeme(tmp_path):
    done = _run([sys.executable, "manage.py", "check", "--deploy"], tmp_path, secret_key="changeme")
    assert done.returncode != 0
    assert "SECRET_KEY is too weak for production" in done.stderr
    print("proved: DEBUG=0 with SECRET_KEY=changeme does not start (manage.py check --deploy exits non-zero)")


def test_a_strong_secret_key_starts(tmp_path):
    done = _run(SETUP, tmp_path, secret_key=secrets.token_urlsafe(50))
    assert done.returncode == 0, done.stderr


def test_development_accepts_any_key(tmp_path):
    done = _run(SETUP, tmp_path, secret_key="changeme", debug="1")
    assert done.returncode == 0, done.stderr
