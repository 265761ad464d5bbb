.PHONY: run test bench bench-chase lint
run:
	scripts/run
test:
	scripts/test
bench:
	.venv/bin/python -m bench
bench-chase:
	.venv/bin/python bench/chase.py
lint:
	.venv/bin/ruff check .
