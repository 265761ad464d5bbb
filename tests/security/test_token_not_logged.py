"""The calendar feed's token never reaches a log in full. Real server processes — runserver, and
gunicorn with the repository's ``gunicorn.conf.py`` as docker-compose runs it — serve the feed
(the calendar app's URL keeps working) and a wrong link (404, Django's «Not Found» warning); the
captured logs show only ``/calendar/<first 4 characters>….ics``."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from calendars.services import calendar_token_get_or_create
from tests.faults.services import free_port, wait_until
from tests.tasks.celery_helpers import database_url

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

# The server processes read the rows this test commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _serve_and_read_log(command: list[str], *, port: int, env: dict[str, str], log: Path, feed: str, wrong: str) -> str:
    """Start the server, fetch the feed and a wrong link, stop it; its whole log."""
    with log.open("wb") as handle:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: process.poll() is not None or _listens(port), timeout=60, what="the server to listen")
            assert process.poll() is None, log.read_text(errors="replace")
            status, body = _get(f"http://127.0.0.1:{port}/calendar/{feed}.ics")
            assert status == 200 and b"BEGIN:VCALENDAR" in body, body[:500]
            assert _get(f"http://127.0.0.1:{port}/calendar/{wrong}.ics")[0] == 404
            wait_until(
                lambda: log.read_text(errors="replace").count("/calendar/") >= 3,
                timeout=10,
                what="the requests in the log",
            )
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
    return log.read_text(errors="replace")


def _listens(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def feed(responsible) -> str:
    return calendar_token_get_or_create(user=responsible)[0].token


@pytest.fixture
def server_env(tmp_path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "VAR_DIR": str(tmp_path / "var"),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("LOG_LEVEL", None)
    return env


def _assert_masked(text: str, *, feed: str, wrong: str) -> None:
    assert feed not in text and wrong not in text, text
    assert f"/calendar/{feed[:4]}….ics" in text, text
    assert f"/calendar/{wrong[:4]}….ics" in text, text


def test_runserver_log_masks_the_token(feed, server_env, tmp_path):
    port, wrong = free_port(), secrets.token_urlsafe(32)
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    text = _serve_and_read_log(
        command, port=port, env=server_env, log=tmp_path / "runserver.log", feed=feed, wrong=wrong
    )
    _assert_masked(text, feed=feed, wrong=wrong)
    assert f'"GET /calendar/{feed[:4]}….ics HTTP/1.1" 200' in text, text
    assert f"Not Found: /calendar/{wrong[:4]}….ics" in text, text
    print("proved: runserver served the feed and logged only /calendar/<4 chars>….ics")


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this virtualenv")
def test_gunicorn_access_and_error_logs_mask_the_token(feed, server_env, tmp_path):
    port, wrong = free_port(), secrets.token_urlsafe(32)
    env = {
        **server_env,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
    }
    # As docker-compose.yml starts it, on a loopback port with one worker.
    command = [
        str(GUNICORN),
        "--config",
        "gunicorn.conf.py",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--control-socket",
        str(tmp_path / "gunicorn.ctl"),
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]
    text = _serve_and_read_log(command, port=port, env=env, log=tmp_path / "gunicorn.log", feed=feed, wrong=wrong)
    _assert_masked(text, feed=feed, wrong=wrong)
    assert f'"GET /calendar/{feed[:4]}….ics HTTP/1.1" 200' in text, text
    assert f"Not Found: /calendar/{wrong[:4]}….ics" in text, text
    print("proved: gunicorn (the repository's config) served the feed and logged only the masked path")


def test_the_mask_leaves_other_paths_alone():
    from config.log_filters import mask_secrets

    assert mask_secrets("/api/calendar/token/") == "/api/calendar/token/"
    assert mask_secrets('"GET /calendar/AbCdEfGh.ics HTTP/1.1" 200') == '"GET /calendar/AbCd….ics HTTP/1.1" 200'
    assert mask_secrets("Not Found: /calendar/AbCdEfGh") == "Not Found: /calendar/AbCd…"
    assert mask_secrets(mask_secrets("/calendar/AbCdEfGh.ics")) == "/calendar/AbCd….ics"


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this virtualenv")
def test_gunicorn_error_log_masks_the_token():
    """gunicorn names the path of a request that failed in its error log ("Error handling request …")."""
    from gunicorn.config import Config

    from config.gunicorn_logging import SecretMaskingLogger

    cfg = Config()
    cfg.set("errorlog", os.devnull)
    logger = SecretMaskingLogger(cfg)
    logger.setup(cfg)  # a configuration reload must not stack a second filter
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.error_log.addHandler(handler)
    try:
        logger.error("Error handling request %s", "/calendar/AbCdEfGhIjKl.ics")
    finally:
        logger.error_log.removeHandler(handler)
    assert [record.getMessage() for record in records] == ["Error handling request /calendar/AbCd….ics"]
    assert len(logger.error_log.filters) == len(logger.access_log.filters) == 1
