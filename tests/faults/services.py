"""Real services the fault tests start and break: a redis-server of their own on a free port,
an SMTP server whose behaviour can be switched (slow, refusing, silent), and a Celery worker
process. Never the shared Redis on 6379: these get stopped and restarted."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """``redis-server`` on a free loopback port, no persistence: a restart loses the queue."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what="redis-server to answer")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class SwitchableHandler:
    """aiosmtpd handler: ``mode`` is "accept", "refuse_data" (451 at DATA), "refuse_rcpt" (451 at
    RCPT) or "close" (421, then the server hangs up); ``delay`` slows each accepted message."""

    def __init__(self):
        self.mode = "accept"
        self.delay = 0.0
        self.received = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse_rcpt":
            return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "refuse_data":
            return "451 4.3.0 Mail server temporarily rejected message"
        if self.mode == "close":
            return "421 4.3.2 Service shutting down"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(message)
        return "250 Message accepted for delivery"

    def outbox_ids(self) -> list[int]:
        with self.lock:
            return [int(m["X-Outbox-Id"]) for m in self.received]


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = SwitchableHandler()
        self.controller = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class SilentServer:
    """Accepts TCP connections and never says a word: an SMTP server that times out."""

    def __init__(self, port: int):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        self.held = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            self.held.append(conn)

    def start(self) -> SilentServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=2)
        for conn in self.held:
            conn.close()
        self.sock.close()


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


class Worker:
    """A real ``celery worker`` process (solo pool) on its own queue, logging to a file.

    ``clock``: the worker's clock starts there (ISO date-time) and ticks (time-machine), as if
    that much time had passed. ``beat``: the beat scheduler runs inside the worker (``-B``), as
    in the embedded run. ``transport_options``: the broker's, for jobs this process sends (the
    filesystem broker's folders)."""

    def __init__(self, *, broker: str, log: Path, env: dict[str, str], clock: str | None = None,
                 beat: bool = False, transport_options: dict | None = None, queue: str | None = None):
        self.queue = queue or f"po-faults-{uuid.uuid4().hex[:10]}"
        self.broker = broker
        self.transport_options = transport_options
        self.log = log
        self.env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker,
                    "CELERY_TASK_DEFAULT_QUEUE": self.queue, "PYTHONPATH": str(ROOT), **env}
        celery = [str(ROOT / "tests" / "tasks" / "clocked_worker.py"), clock] if clock else ["-m", "celery"]
        self.args = [sys.executable, *celery, "-A", "config", "worker", "-Q", self.queue, "--pool=solo", "-l",
                     "info", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{self.queue}@%h",
                     *(["-B"] if beat else [])]
        self.process = None
        self.handle = None

    def start(self, timeout: float = 20) -> Worker:
        self.handle = self.log.open("ab")
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=self.handle,
                                        stderr=subprocess.STDOUT)
        wait_until(lambda: " ready." in self.text() or self.process.poll() is not None, timeout=timeout,
                   what="the worker to be ready")
        assert self.process.poll() is None, self.text()[-3000:]
        return self

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def send(self, name: str, *args) -> None:
        """Queue job ``name`` with a Celery app of our own (the project's app keeps its broker)."""
        # Not the current app: shared tasks would otherwise bind to it for the rest of the run.
        app = Celery("faults-producer", broker=self.broker, set_as_current=False)
        app.conf.broker_connection_timeout = 2
        app.conf.broker_transport_options = self.transport_options or {
            "max_retries": 1, "interval_start": 0, "interval_step": 0.2}
        try:
            app.send_task(name, args=args, queue=self.queue)
        finally:
            app.close()

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no ack, no cleanup."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.handle:
            self.handle.close()
