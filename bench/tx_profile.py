"""``python -m bench.tx_profile``: one request at a time, in process (Django's test client, no
server), on the bench's data: the CPU and SQL queries of a task transition (``start`` as the
assignee, token authentication) and of an assignment, optionally under cProfile. For deciding
what to change; ``python -m bench`` / ``python -m bench.tx`` measure the load.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/po_bench_prof \
        python -m bench.tx_profile [--requests 300] [--profile transition|assignment] [--keep]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time

from bench.__main__ import ROOT, _database_recreate, _environment

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/po_bench_prof"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.tx_profile")
    parser.add_argument("--requests", type=int, default=300, help="transitions to time (default 300)")
    parser.add_argument("--profile", choices=["transition", "assignment"], help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", help="also write the profile's statistics to this file (pstats)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def _world() -> dict:
    from bench.__main__ import build_world

    bench_args = argparse.Namespace(list_tasks=10_000, sweep="1000", assign_items=1000)
    return build_world(bench_args)


def transitions(args, world: dict) -> None:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {world['assignee_token']}", HTTP_HOST="127.0.0.1")
    ids = iter(range(world["start_first"], world["start_first"] + world["start_count"]))

    def one() -> None:
        response = client.post(f"/api/tasks/{next(ids)}/start/", "{}", content_type="application/json")
        assert response.status_code == 200, response.content[:500]

    for _ in range(20):  # warm up: imports, connection, catalogues
        one()
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: (queries.append(sql), execute(sql, *rest))[1]):
        one()
    print(f"transition: {len(queries)} SQL statements per request")
    for sql in queries:
        print("   ", sql[:150])
    profiler = cProfile.Profile(time.process_time) if args.profile == "transition" else None
    if profiler:
        profiler.enable()
    # Five rounds: other work on the machine inflates some; the least is the steadiest figure.
    per_round = max(1, args.requests // 5)
    rounds = []
    for _ in range(5):
        started_cpu, started = time.process_time(), time.perf_counter()
        for _ in range(per_round):
            one()
        rounds.append(((time.process_time() - started_cpu) / per_round, (time.perf_counter() - started) / per_round))
    if profiler:
        profiler.disable()
    cpu = sorted(r[0] for r in rounds)
    print(f"transition: {1000 * cpu[0]:.2f} ms CPU (this process) per request, least of 5 rounds of {per_round} "
          f"(median {1000 * cpu[2]:.2f}); wall {1000 * min(r[1] for r in rounds):.2f} ms")
    if profiler:
        _print(profiler, args)
    ceiling_cpu = time.process_time()
    for _ in range(args.requests):
        client.post("/bench/ceiling/", "{}", content_type="application/json")
    ceiling_cpu = time.process_time() - ceiling_cpu
    print(f"ceiling (the bare view, POST): {1000 * ceiling_cpu / args.requests:.2f} ms CPU per request")


def _print(profiler: cProfile.Profile, args) -> None:
    if args.dump:
        profiler.dump_stats(args.dump)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


def assignment(args) -> None:
    from bench.__main__ import assignment_bench

    bench_args = argparse.Namespace(assign_items=1000)
    profiler = cProfile.Profile(time.process_time) if args.profile == "assignment" else None
    if profiler:
        import tasks.assignment as module

        original = module.tasks_assign

        def profiled(**kwargs):
            profiler.enable()
            try:
                return original(**kwargs)
            finally:
                profiler.disable()

        import bench.__main__ as main_module  # noqa: F401 - assignment_bench imports tasks_assign itself

        module.tasks_assign = profiled
    result = assignment_bench(bench_args)
    for run in ("first", "again"):
        r = result[run]
        print(f"assignment {run}: {r['seconds']} s, {r['queries']} queries, {r['created']:,} tasks, "
              f"{r['notices']:,} notices")
    if profiler:
        _print(profiler, args)


def main() -> None:
    args = _args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    var_dir = tempfile.mkdtemp(prefix="po-bench-")
    _environment(url, var_dir)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    sys.path.insert(0, str(ROOT))
    _database_recreate(url)
    try:
        import django

        django.setup()
        world = _world()
        transitions(args, world)
        assignment(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _database_recreate(url, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
