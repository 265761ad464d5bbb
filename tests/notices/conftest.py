"""The notices tests use the tasks' fixtures: tasks built directly, a real SMTP server on loopback."""

from tests.tasks.conftest import make_task, smtp_server  # noqa: F401 - fixtures
