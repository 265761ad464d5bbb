"""``python -m bench`` (``make bench``): build data in a dedicated PostgreSQL database, measure,
print a table. Nothing here touches another database; the bench database is dropped at the end
(``--keep`` keeps it).

1. API under gunicorn on loopback, loaded by wrk at fixed concurrency for a fixed duration:
   plan detail, task list and a transition (``start`` on a fresh task per request), each beside
   a bare Django view returning constant JSON on the same server (the ceiling; bench/urls.py).
2. The reminder sweep (``tasks.reminders.reminders_plan``) at 10k, 100k and 1M tasks: time,
   SQL queries, peak memory growth, each in a process of its own (bench/sweep.py).
3. Assignment (``tasks.assignment.tasks_assign``) for an approved plan of 1,000 items.
4. bench/chase.py (the tasks app's own bench: planning and SMTP sending rates), unless
   ``--skip-chase``.

    python -m bench [--duration 10] [--connections 16] [--sweep 10000,100000,1000000]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/po_bench (default)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/po_bench"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default 2 x nproc)")
    parser.add_argument("--sweep", default="10000,100000,1000000", help="task counts for the reminder sweep")
    parser.add_argument("--list-tasks", type=int, default=10_000, help="tasks behind the task list (default 10k)")
    parser.add_argument("--assign-items", type=int, default=1000, help="items in the plan to assign (default 1000)")
    parser.add_argument("--send-messages", type=int, default=2000, help="digests to send (default 2000)")
    parser.add_argument("--only", default="", help="comma-separated parts: api,assign,sweep,send (default all)")
    parser.add_argument("--skip-chase", action="store_true", help="do not run bench/chase.py")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return parser.parse_args()


def _environment(url: str, var_dir: str) -> None:
    """Production-like settings, before Django is imported: DEBUG off, no query log."""
    os.environ.update({
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING", "CONN_MAX_AGE": "600", "AXES_ENABLED": "1",
    })


def _database_recreate(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if not re.fullmatch(r"po_bench\w*", name):
        raise SystemExit(f"refusing to drop {name!r}: the bench database's name must start with po_bench")
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Load ------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, *, args, token: str, method: str = "GET", script: str | None = None) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
               "-H", f"Authorization: Token {token}", "-H", "Accept: application/json"]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": _ms(latency["50"]),
            "p99": _ms(latency["99"]), "errors": errors, "requests": total}


TRANSITION_LUA = """
-- Each wrk thread walks its own slice of consecutive task ids: one fresh task per request.
local first, per_thread, token = %(first)d, %(per_thread)d, "%(token)s"
local next_thread = 0
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end
function init(args)
  n = 0
end
function request()
  local id = first + tid * per_thread + n
  n = n + 1
  local headers = {}
  headers["Authorization"] = "Token " .. token
  headers["Content-Type"] = "application/json"
  headers["Accept"] = "application/json"
  return wrk.format("POST", "/api/tasks/" .. id .. "/start/", headers, "{}")
end
"""


@contextlib.contextmanager
def gunicorn_serving(args) -> Iterator[tuple[str, subprocess.Popen]]:
    """The project (bench URLs) under gunicorn on a free loopback port, once it accepts
    connections: (base URL, server process); stopped on leaving."""
    port = _free_port()
    workers = args.workers or 2 * (os.cpu_count() or 1)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "--no-control-socket", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(timeout=20)


def api_bench(args, world: dict) -> list[dict]:
    with gunicorn_serving(args) as (base, _server):
        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        for path in ("/bench/ceiling/", f"/api/plans/{world['plan']}/", "/api/tasks/"):
            wrk(base + path, args=warm, token=world["head_token"])  # every worker imports and connects first
        rows = []
        ceiling_get = wrk(f"{base}/bench/ceiling/", args=args, token=world["head_token"])
        for label, path in (("plan detail", f"/api/plans/{world['plan']}/"), ("task list", "/api/tasks/")):
            rows.append({"what": f"{label} GET {path}", **wrk(base + path, args=args, token=world["head_token"]),
                         "ceiling": ceiling_get})
        per_thread = world["start_count"] // args.threads
        with tempfile.TemporaryDirectory() as tmp:
            lua = Path(tmp) / "transition.lua"
            lua.write_text(TRANSITION_LUA % {"first": world["start_first"], "per_thread": per_thread,
                                             "token": world["assignee_token"]})
            measured = wrk(f"{base}/api/tasks/0/start/", args=args, token=world["assignee_token"], script=str(lua))
            ceiling_lua = Path(tmp) / "ceiling.lua"
            ceiling_lua.write_text('wrk.method = "POST"\nwrk.body = "{}"\n'
                                   'wrk.headers["Content-Type"] = "application/json"\n')
            ceiling_post = wrk(f"{base}/bench/ceiling/", args=args, token=world["head_token"],
                               script=str(ceiling_lua))
        if measured["requests"] > world["start_count"]:
            raise SystemExit("the transition run used up its tasks: raise start_count")
        rows.append({"what": "transition POST /api/tasks/{id}/start/", **measured, "ceiling": ceiling_post})
        return rows


# --- Data and in-process measurements -----------------------------------------------------------


def build_world(args) -> dict:
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from bench import data
    from tasks.models import PreparationTask

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    head = data.person_create("bench-office-head", Role.OFFICE_HEAD, "Сергеева О.А.")
    assignee = data.person_create("bench-assignee", Role.RESPONSIBLE, "Петров П.П.")
    people = data.users_create(prefix="api", count=2000)
    plan = data.plan_create(year=2090, sessions=12, items_per_session=10, people=people, group_size=8, today=today)
    item = plan.items.order_by("id").first()
    data.tasks_create(item=item, people=people, count=args.list_tasks, today=today, prefix="list")
    # Tasks to start, one per request, for the bench assignee (the only one who may start them).
    start_count = 60_000
    data.tasks_create(item=plan.items.order_by("id").last(), people=[assignee.pk], count=start_count, today=today,
                      state="assigned", prefix="start")
    starts = PreparationTask.objects.filter(kind_key__startswith="start:").order_by("pk")
    first, last = starts.first().pk, starts.last().pk
    assert last - first + 1 == start_count, "the tasks to start must have consecutive ids"
    # The reminder sweep's people and plan (tasks are made per scale by bench/sweep.py).
    sweep_people = max(int(n) for n in args.sweep.split(",")) // 50
    data.users_create(prefix="sw", count=sweep_people)
    data.plan_create(year=2091, sessions=1, items_per_session=1, people=people[:1], today=today)
    from workflow.models import Plan

    Plan.objects.filter(year=2091).update(title="План заседаний (напоминания)")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "plan": plan.pk, "items": plan.items.count(), "head_token": Token.objects.create(user=head).key,
        "assignee_token": Token.objects.create(user=assignee).key, "start_first": first,
        "start_count": start_count,
    }


def assignment_bench(args) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench import data
    from tasks.assignment import tasks_assign
    from tasks.models import PreparationTask

    today = timezone.localdate()
    people = data.users_create(prefix="asg", count=400)
    plan = data.plan_create(year=2092, sessions=10, items_per_session=args.assign_items // 10, people=people,
                            group_size=5, today=today)
    item_ids = list(plan.items.values_list("pk", flat=True))
    results = {}
    for run in ("first", "again"):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            result = tasks_assign(today=today, item_ids=item_ids)
            elapsed = time.perf_counter() - started
        results[run] = {"seconds": round(elapsed, 2), "queries": queries, "created": result.created,
                        "notices": result.notices}
    results["tasks"] = PreparationTask.objects.filter(item__plan=plan).count()
    results["items"] = len(item_ids)
    return results


def sweep_bench(args) -> list[dict]:
    rows = []
    for count in (int(n) for n in args.sweep.split(",")):
        out = subprocess.run([sys.executable, "-m", "bench.sweep", "--tasks", str(count), "--people",
                              str(max(200, count // 50))], cwd=ROOT, env=os.environ.copy(), capture_output=True,
                             text=True)
        if out.returncode:
            raise SystemExit(f"sweep at {count} failed:\n{out.stderr[-3000:]}")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  sweep {count:>9,} tasks: {rows[-1]['seconds']} s", flush=True)
    return rows


def send_bench(args) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.send", "--messages", str(args.send_messages)], cwd=ROOT,
                         env=os.environ.copy(), capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"the sending bench failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    args = _args()
    parts = set(args.only.split(",")) if args.only else {"api", "assign", "sweep", "send"}
    if "api" in parts and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: scripts/system-deps installs it (apt-get install wrk)")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    var_dir = tempfile.mkdtemp(prefix="po-bench-")
    _environment(url, var_dir)
    sys.path.insert(0, str(ROOT))
    _database_recreate(url)
    try:
        import django

        django.setup()
        from bench.report import machine, report

        print(f"building data in {url.rsplit('/', 1)[1]}…", flush=True)
        started = time.perf_counter()
        world = build_world(args)
        results = {"world": world}
        if "api" in parts:
            print(f"  built in {time.perf_counter() - started:.0f} s; loading the API…", flush=True)
            results["api_rows"] = api_bench(args, world)
        if "assign" in parts:
            print("assignment…", flush=True)
            results["assignment"] = assignment_bench(args)
        if "sweep" in parts:
            print("reminder sweep…", flush=True)
            results["sweep_rows"] = sweep_bench(args)
        if "send" in parts:
            print("sending…", flush=True)
            results["send"] = send_bench(args)
        env = machine()
        from django.db import connections

        connections.close_all()
        print("\n" + report(args, env, **results) + "\n", flush=True)
        if not args.skip_chase:
            print("bench/chase.py (planning at 100k tasks, SMTP sending rates):", flush=True)
            subprocess.run([sys.executable, str(ROOT / "bench" / "chase.py")], cwd=ROOT, check=True,
                           env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"})
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _database_recreate(url, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
