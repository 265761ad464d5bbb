"""Sending, measured against its ceiling: ``python -m bench.send --messages N`` (run by
``python -m bench``; expects the bench's environment). Prints one JSON line.

- The day's digests for N people are planned as the daily run plans them (``reminders_plan``).
- Ceiling: the same N messages, rendered and turned into bytes beforehand, sent with raw
  ``smtplib`` over one connection to the same local SMTP server (``bench/smtp_sink.py``, an
  aiosmtpd process of its own, as a real server would be). The same with four raw ``smtplib``
  processes gives the machine's own ceiling for four senders.
- One worker, then four: processes that each run ``outbox.sender.outbox_drain`` (claim by
  conditional update, render at send time, send, record) on the same rows, started together
  once Django is set up in each. The server's log of X-Outbox-Id headers shows what arrived
  twice and what never did.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.__main__ import _free_port  # noqa: E402
from bench.data import plan_create, tasks_create, users_create  # noqa: E402
from outbox.models import OutboxMessage  # noqa: E402
from outbox.rendering import messages_render  # noqa: E402
from outbox.sender import outbox_drain, outbox_message_bytes  # noqa: E402
from tasks.reminders import reminders_plan  # noqa: E402

GO = "go\n"


def _sink(port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "bench.smtp_sink.Counter",
         str(log)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=Path(__file__).resolve().parent.parent,
    )
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    raise SystemExit("the SMTP sink did not start")


def _plan(messages: int) -> int:
    """About N people with tasks due today (two each on average), and the day's digests planned
    for them: the number of messages planned."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE outbox_outboxmessage, tasks_taskevent, tasks_preparationtask CASCADE")
    today = timezone.localdate()
    people = users_create(prefix=f"snd{time.monotonic_ns()}", count=messages)
    plan = plan_create(year=2093 + time.monotonic_ns() % 1000, sessions=1, items_per_session=1, people=people[:1],
                       today=today)
    tasks_create(item=plan.items.get(), people=people, count=2 * messages, today=today, state="assigned", prefix="snd")
    with connection.cursor() as cursor:  # every task due today: one digest per person
        cursor.execute("UPDATE tasks_preparationtask SET due_date = %s", [today])
    planned = reminders_plan(day=today)
    return planned.queued


def _replan() -> None:
    """The same rows back to unsent and unrendered, for the next measurement."""
    OutboxMessage.objects.update(status="pending", subject="", body_text="", body_html="", attachments=[],
                                 sent_at=None, attempts=0, claim_token="", claimed_at=None,
                                 next_attempt_at=timezone.now())


def _payloads() -> list[tuple[str, bytes]]:
    """The messages as the sender would send them, rendered and turned into bytes beforehand."""
    rows = list(OutboxMessage.objects.order_by("pk"))
    messages_render(rows)
    return [(row.to_email, outbox_message_bytes(row)) for row in rows]


def _smtplib_send(port: int, payloads: list[tuple[str, bytes]], barrier=None) -> tuple[float, float]:
    """Raw smtplib over one connection: (start, end) on the machine's monotonic clock."""
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        if barrier is not None:
            barrier.wait()
        started = time.perf_counter()
        for to, payload in payloads:
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], payload)
        return started, time.perf_counter()


def ceiling_rate(port: int, payloads: list[tuple[str, bytes]]) -> float:
    """Raw smtplib over one connection, the messages' bytes made beforehand."""
    started, ended = _smtplib_send(port, payloads)
    return len(payloads) / (ended - started)


def parallel_ceiling_rate(port: int, payloads: list[tuple[str, bytes]], count: int) -> float:
    """``count`` raw smtplib processes, each over its own connection with a share of the same
    bytes, started together: what the machine and the server give ``count`` senders that do
    nothing else (the ceiling of the workers' scaling on this machine)."""
    context = multiprocessing.get_context("fork")
    barrier, spans = context.Barrier(count), context.Queue()
    procs = [context.Process(target=lambda share: spans.put(_smtplib_send(port, share, barrier)),
                             args=(payloads[n::count],)) for n in range(count)]
    for proc in procs:
        proc.start()
    measured = [spans.get(timeout=120) for _proc in procs]
    for proc in procs:
        proc.join()
    return len(payloads) / (max(end for _s, end in measured) - min(start for start, _e in measured))


def workers_rate(count: int, port: int) -> dict:
    """``count`` drain processes started together; messages per second from the go to the last."""
    env = {**os.environ, "BENCH_SMTP_PORT": str(port)}
    procs = [subprocess.Popen([sys.executable, "-m", "bench.send", "--worker"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env) for _ in range(count)]
    for proc in procs:
        assert proc.stdout.readline() == "ready\n"
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write(GO)
        proc.stdin.flush()
    sent = [json.loads(proc.stdout.readline())["sent"] for proc in procs]
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.wait(timeout=60)
    return {"rate": sum(sent) / elapsed, "sent": sum(sent), "per_worker": sent, "seconds": round(elapsed, 2)}


def worker() -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(os.environ["BENCH_SMTP_PORT"])
    OutboxMessage.objects.exists()  # connected before the go
    print("ready", flush=True)
    sys.stdin.readline()
    result = outbox_drain()
    print(json.dumps({"sent": result.sent}), flush=True)


def arrivals(log: Path, expected: int) -> dict:
    counts = collections.Counter(log.read_text().split())
    return {"arrived": sum(counts.values()), "twice": sum(n - 1 for n in counts.values() if n > 1),
            "lost": expected - len(counts)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker()
    args.messages = _plan(args.messages)
    connections.close_all()
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        logs = {name: Path(tmp) / f"{name}.txt" for name in ("ceiling", "parallel", "one", "many")}
        payloads = _payloads()
        connections.close_all()  # before the pool forks
        results = {"messages": args.messages}
        for name, measure in (("ceiling_rate", lambda: ceiling_rate(port, payloads)),
                              ("parallel_ceiling_rate", lambda: parallel_ceiling_rate(port, payloads, args.workers))):
            sink = _sink(port, logs["ceiling" if name == "ceiling_rate" else "parallel"])
            try:
                results[name] = round(measure())
            finally:
                sink.terminate()
                sink.wait(timeout=10)
        for name, count in (("one", 1), ("many", args.workers)):
            _replan()
            connections.close_all()
            sink = _sink(port, logs[name])
            try:
                measured = workers_rate(count, port)
            finally:
                sink.terminate()
                sink.wait(timeout=10)
            results[name] = {**measured, **arrivals(logs[name], args.messages), "workers": count}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
