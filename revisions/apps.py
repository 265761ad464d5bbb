from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RevisionsConfig(AppConfig):
    name = "revisions"

    def ready(self) -> None:
        from .triggers import install_after_migrate

        # After every migrate: a migration that rebuilds a table (SQLite does for most changes)
        # drops its triggers, so they are put back each time, not only once.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="revisions_install_triggers")
