.PHONY: run test bench bench-chase lint
SHELL := /bin/bash
run:
	scripts/run
test:
	scripts/test
bench:
	scripts/bench
bench-chase:
	source scripts/_venv.sh && venv_install requirements-dev.txt && \
	  (psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname='po_bench_chase'" | grep -q 1 || \
	   createdb -h 127.0.0.1 -U postgres po_bench_chase) && \
	  DATABASE_URL=postgres://postgres@127.0.0.1:5432/po_bench_chase python bench/chase.py
lint:
	.venv/bin/ruff check .
