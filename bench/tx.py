"""``python -m bench.tx``: only the parts of ``python -m bench`` that measure the API under load
and the assignment (no reminder sweep, no chase), with the same data, server and wrk runs
(it calls ``bench.__main__``'s own functions), so a change to a transition or to the
assignment can be measured in a minute. Same options and ``BENCH_DATABASE_URL``.

``--cpu``: instead, the CPU a transition costs under load, which other work on the machine
disturbs less than req/s: the same gunicorn and wrk script, with the CPU time of the gunicorn
workers and of the bench database's PostgreSQL backends read from ``/proc`` around the run,
alternating with the ceiling's POST (two rounds each)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import (
    ROOT,
    TRANSITION_LUA,
    _args,
    _database_recreate,
    _environment,
    api_bench,
    assignment_bench,
    gunicorn_serving,
    wrk,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/po_bench"
TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _backends(database: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", f"postgres: .* {database} "], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def cpu_rounds(args, world: dict, database: str) -> None:
    with gunicorn_serving(args) as (base, server):
        with tempfile.TemporaryDirectory() as tmp:
            ceiling_lua = Path(tmp) / "ceiling.lua"
            ceiling_lua.write_text('wrk.method = "POST"\nwrk.body = "{}"\nwrk.headers["Content-Type"] = "application/json"\n')
            per_round = world["start_count"] // 2
            for round_number in range(2):
                first = world["start_first"] + round_number * per_round
                lua = Path(tmp) / f"transition{round_number}.lua"
                lua.write_text(TRANSITION_LUA % {"first": first, "per_thread": per_round // args.threads,
                                                 "token": world["assignee_token"]})
                if round_number == 0:  # warm up every worker (imports, connections) on the ceiling
                    wrk(f"{base}/bench/ceiling/", args=args, token=world["head_token"], script=str(ceiling_lua))
                for label, url, token, script in (
                    ("transition", f"{base}/api/tasks/0/start/", world["assignee_token"], lua),
                    ("ceiling POST", f"{base}/bench/ceiling/", world["head_token"], ceiling_lua),
                ):
                    app, db = _children(server.pid), _backends(database)
                    app_before, db_before = _cpu_seconds(app), _cpu_seconds(db)
                    measured = wrk(url, args=args, token=token, script=str(script))
                    app_ms = 1000 * (_cpu_seconds(app) - app_before) / measured["requests"]
                    db_ms = 1000 * (_cpu_seconds(_backends(database)) - db_before) / measured["requests"]
                    print(f"| {label} | {measured['rps']:,.0f} | {measured['p50']:.1f} | {app_ms:.2f} | {db_ms:.2f} | "
                          f"{measured['errors']} |", flush=True)


def main() -> None:
    cpu = "--cpu" in sys.argv
    if cpu:
        sys.argv.remove("--cpu")  # an option of this script, not of python -m bench's parser
    args = _args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: scripts/system-deps installs it")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    var_dir = tempfile.mkdtemp(prefix="po-bench-")
    _environment(url, var_dir)
    sys.path.insert(0, str(ROOT))
    _database_recreate(url)
    try:
        import django

        django.setup()
        from bench.__main__ import build_world

        started = time.perf_counter()
        world = build_world(args)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
        if cpu:
            print("| run | req/s | p50 ms | app CPU ms/request | PostgreSQL CPU ms/request | errors |")
            print("|---|---:|---:|---:|---:|---:|")
            cpu_rounds(args, world, url.rsplit("/", 1)[1])
            return
        print("| endpoint | req/s | p50 ms | p99 ms | errors | ceiling req/s | API/ceiling |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for row in api_bench(args, world):
            c = row["ceiling"]
            print(f"| {row['what']} | {row['rps']:,.0f} | {row['p50']:.1f} | {row['p99']:.1f} | {row['errors']} | "
                  f"{c['rps']:,.0f} | {row['rps'] / c['rps']:.0%} |", flush=True)
        result = assignment_bench(args)
        for run in ("first", "again"):
            r = result[run]
            print(f"assignment {run}: {r['seconds']} s, {r['queries']} queries, {r['created']:,} tasks, "
                  f"{r['notices']:,} notices", flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _database_recreate(url, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
