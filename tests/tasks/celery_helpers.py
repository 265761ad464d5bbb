"""Start a real Celery worker process for a test, and point this process's producer at a broker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 11  # a database of its own on the shared Redis


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/{settings['NAME']}"


@contextlib.contextmanager
def producer_broker(url: str, queue: str):
    """Send this process's jobs to ``url``/``queue``: Celery caches the connection and the
    queues, so the caches are dropped on the way in and out."""
    conf = app.conf
    saved = (conf.broker_url, conf.task_default_queue, conf.broker_transport_options, conf.broker_connection_timeout)

    def reset():
        app._pool = None
        app.__dict__.pop("amqp", None)

    conf.broker_url, conf.task_default_queue = url, queue
    conf.broker_transport_options = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
    conf.broker_connection_timeout = 2
    reset()
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            app.pool.force_close_all()
        (conf.broker_url, conf.task_default_queue, conf.broker_transport_options, conf.broker_connection_timeout) = (
            saved
        )
        reset()


class Worker:
    """``celery worker`` (solo pool) on its own queue, its clock at ``clock``, logging to a file."""

    def __init__(self, *, broker: str, queue: str, clock: str, env: dict[str, str], log: Path):
        self.log = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.args = [
            sys.executable,
            str(Path(__file__).with_name("clocked_worker.py")),
            clock,
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"tasks-test-{uuid.uuid4().hex[:8]}@%h",
        ]
        self.process = None

    def start(self, timeout: float = 30) -> Worker:
        self.handle = self.log.open("ab")
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=self.handle, stderr=subprocess.STDOUT)
        self.wait_for(lambda text: " ready." in text, timeout=timeout, what="worker ready")
        return self

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, condition, *, timeout: float = 30, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition(self.text()):
                return
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited ({self.process.returncode}):\n{self.text()[-3000:]}")
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}:\n{self.text()[-3000:]}")

    def succeeded(self, job: str) -> int:
        return sum(1 for line in self.text().splitlines() if f"Task {job}[" in line and " succeeded " in line)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.handle.close()


def wait_until(condition, *, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def new_queue() -> str:
    return f"po-tasks-test-{uuid.uuid4().hex[:10]}"
