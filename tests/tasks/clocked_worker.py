"""Run a Celery worker with its clock set (time-machine, ticking): the worker-side half of
"move the clock" in the integration tests. Usage: clocked_worker.py ISO-DATETIME celery-args…"""

import datetime
import sys

import time_machine

if __name__ == "__main__":
    start = datetime.datetime.fromisoformat(sys.argv[1])
    with time_machine.travel(start, tick=True):
        from celery.__main__ import main

        sys.argv = ["celery", *sys.argv[2:]]
        main()
