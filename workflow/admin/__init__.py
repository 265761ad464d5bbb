"""Admin for the plan domain: plans, sessions, agenda items, projects.

One module per model. Thin by design: every write goes through ``workflow.edit_services``
(content of drafts) or the transition kernel's one admin view (``lifecycle.admin``: plan and
item approval, session life events). The permission methods only mirror those rules so that the
admin shows read-only pages and no buttons where a write would be refused; the services still
decide. States are read-only everywhere.
"""

from . import items, plans, projects, sessions  # noqa: F401  (each registers its ModelAdmin)
