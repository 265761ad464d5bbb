"""The counters: one row per (counter, shard), only ever increased, by the database's triggers."""

from django.db import models


class Counter(models.Model):
    """A share of a revision counter; the counter is the sum of its shards (``revisions.triggers``).

    PostgreSQL bumps the shard of the connection (``pg_backend_pid() % SHARDS``), so concurrent
    writers seldom wait for each other's row lock; SQLite has one writer at a time and one shard.
    """

    pk = models.CompositePrimaryKey("name", "shard")
    name = models.CharField(max_length=40)
    shard = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.name}[{self.shard}] = {self.value}"
