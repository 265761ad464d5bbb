"""``python -m bench.tx``: only the parts of ``python -m bench`` that measure the API under load
and the assignment (no reminder sweep, no chase), with the same data, server and wrk runs
(it calls ``bench.__main__``'s own functions), so a change to a transition or to the
assignment can be measured in a minute. Same options and ``BENCH_DATABASE_URL``."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time

from bench.__main__ import ROOT, _args, _database_recreate, _environment, api_bench, assignment_bench

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/po_bench"


def main() -> None:
    import os

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
