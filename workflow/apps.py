from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the plan's API representation (PlanViewSet.retrieve) reads: the plan's rows, the names of
# people, groups and projects in it, and who the viewer acts as (role, substitutions). A change
# to any of these tables moves the "plans" revision counter (revisions.triggers).
PLAN_REPRESENTATION_READS = (
    "workflow.Plan", "workflow.Session", "workflow.AgendaItem", "workflow.Responsibility", "workflow.Project",
    "accounts.User", "accounts.ResponsibleGroup", "accounts.Substitution",
)


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("План заседаний")

    def ready(self) -> None:
        from revisions.triggers import watch

        watch("plans", *PLAN_REPRESENTATION_READS)
