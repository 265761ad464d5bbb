"""One measurement of the reminder sweep, in a process of its own so its peak memory is its own:
``python -m bench.sweep --tasks N`` (run by ``python -m bench``; expects the bench's
environment). Prints one JSON line: time, SQL queries, peak RSS growth, digests."""

from __future__ import annotations

import argparse
import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.data import tasks_create  # noqa: E402
from tasks.models import ReminderPolicy  # noqa: E402
from tasks.reminders import reminders_plan  # noqa: E402
from workflow.models import AgendaItem  # noqa: E402


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--people", type=int, required=True)
    args = parser.parse_args()
    today = timezone.localdate()

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE outbox_outboxmessage, tasks_taskresultversion, tasks_taskevent, tasks_preparationtask")
    people = list(User.objects.filter(username__startswith="sw-").order_by("pk").values_list("pk", flat=True))
    people = people[: args.people]
    item = AgendaItem.objects.filter(plan__title__endswith="(напоминания)").select_related("session").first()
    started = time.perf_counter()
    tasks_create(item=item, people=people, count=args.tasks, today=today, prefix="sw")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_preparationtask")
    built = time.perf_counter() - started
    policy = ReminderPolicy.current()

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with open("/proc/self/clear_refs", "w") as refs:  # reset the RSS high-water mark
        refs.write("5")
    rss_before = _rss_kib("VmRSS")
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        plan = reminders_plan(day=today, policy=policy)
        elapsed = time.perf_counter() - started
    peak = _rss_kib("VmHWM")
    print(json.dumps({
        "tasks": args.tasks, "people": len(people), "built_s": round(built, 1), "seconds": round(elapsed, 2),
        "queries": queries, "peak_mib": round((peak - rss_before) / 1024, 1), "digests": plan.reminders,
        "tasks_in_digests": plan.tasks_in_digests, "escalations": plan.escalations, "queued": plan.queued,
    }))


if __name__ == "__main__":
    main()
