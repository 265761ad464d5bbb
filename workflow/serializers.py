"""Plans, sessions, agenda items and projects as the API shows and accepts them.

Serializers only shape data: writes go through ``workflow.edit_services`` (drafts) and
the transition kernel (``lifecycle``); states change only through transitions.
Nesting (sessions → items → sub-items) is built in Python from one query of the plan's
items (``workflow.selectors.attach_tree``), so the number of queries does not depend on the number of items.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ResponsibleGroup, User
from approvals.serializers import ApprovalStateMixin
from lifecycle.api import available_transitions_field
from lifecycle.kernel import available

from .edit_services import MAX_SESSION_NUMBER
from .lifecycles import SESSION
from .models import AgendaItem, Plan, Project, ProjectKind, Session, SessionState

SESSION_TRANSITIONS = SESSION.names()


# --- Responsible persons and groups ---------------------------------------------------------


class ResponsibleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("person", "человек"), ("group", "группа")])
    id = serializers.IntegerField()
    name = serializers.CharField()


class ResponsibleIdsField(serializers.ManyRelatedField):
    """Ids of the item's responsible persons (or groups): read from ``responsibilities``,
    written as a list of ids that replaces them."""

    def __init__(self, *, kind: str, queryset, **kwargs):
        self.kind = kind
        kwargs.setdefault("required", False)
        super().__init__(child_relation=serializers.PrimaryKeyRelatedField(queryset=queryset), **kwargs)

    def get_attribute(self, instance):
        return [getattr(r, self.kind) for r in instance.responsibilities.all() if getattr(r, f"{self.kind}_id")]


# --- Agenda items --------------------------------------------------------------------------


class AgendaItemSerializer(ApprovalStateMixin, serializers.ModelSerializer):
    responsible_persons = ResponsibleIdsField(
        kind="person",
        queryset=User.objects.filter(is_active=True),
        help_text=_("Ответственные люди (id из /api/people/)."),
    )
    responsible_groups = ResponsibleIdsField(
        kind="group",
        queryset=ResponsibleGroup.objects.all(),
        help_text=_("Ответственные группы (id из /api/groups/)."),
    )
    responsibles = serializers.SerializerMethodField(help_text=_("Ответственные в порядке документа."))
    project_name = serializers.CharField(source="project.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "plan",
            "session",
            "parent",
            "order",
            "text",
            "project",
            "project_name",
            "needs_preparation",
            "is_amendment",
            "responsible_persons",
            "responsible_groups",
            "responsibles",
            "state",
            "state_display",
            "available_transitions",
        ]
        read_only_fields = ["plan", "is_amendment"]
        extra_kwargs = {
            "session": {"queryset": Session.objects.all()},
            "parent": {"queryset": AgendaItem.objects.all()},
            "order": {"required": False},
        }

    @extend_schema_field(ResponsibleSerializer(many=True))
    def get_responsibles(self, item) -> list[dict]:
        return [
            {"kind": "person", "id": r.person_id, "name": str(r.person)}
            if r.person_id
            else {"kind": "group", "id": r.group_id, "name": r.group.name}
            for r in item.responsibilities.all()
        ]


class AgendaItemUpdateSerializer(AgendaItemSerializer):
    class Meta(AgendaItemSerializer.Meta):
        extra_kwargs = {
            **AgendaItemSerializer.Meta.extra_kwargs,
            "session": {"required": False, "queryset": Session.objects.all()},
        }


class AgendaItemNodeSerializer(AgendaItemSerializer):
    """An item with its sub-items, as nested in a plan."""

    class Meta(AgendaItemSerializer.Meta):
        fields = [f for f in AgendaItemSerializer.Meta.fields if f not in ("plan", "session")] + ["children"]
        read_only_fields = fields
        extra_kwargs = {}

    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = AgendaItemNodeSerializer(many=True, read_only=True, source="tree_children")
        return fields

    def to_representation(self, item) -> dict:
        """The dict the declared fields would give (the schema still comes from them; a test
        holds the two equal), built directly: a plan holds hundreds of items, and DRF's
        per-field work for each of them was most of a plan's response time."""
        request = self.context.get("request")
        user = request.user if request else None
        responsibles = getattr(item, "tree_responsibles", None)
        if responsibles is None:
            responsibles = self.get_responsibles(item)
        project = item.project
        return {
            "id": item.pk,
            "parent": item.parent_id,
            "order": item.order,
            "text": item.text,
            "project": item.project_id,
            "project_name": project.name if project is not None else None,
            "needs_preparation": bool(item.needs_preparation),
            "is_amendment": bool(item.is_amendment),
            "responsible_persons": [r["id"] for r in responsibles if r["kind"] == "person"],
            "responsible_groups": [r["id"] for r in responsibles if r["kind"] == "group"],
            "responsibles": responsibles,
            "state": item.state,
            "state_display": item.state_display,
            "available_transitions": available(obj=item, user=user),
            "children": [self.to_representation(child) for child in item.tree_children],
        }


# --- Sessions ------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=SessionState.choices, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    due_label = serializers.CharField(
        read_only=True, help_text=_("Срок, как в документе: «Февраль 2023 г.», «I квартал 2025 г.», «в течение года»")
    )
    title = serializers.CharField(read_only=True, help_text=_("Название заседания везде: по дате или сроку."))
    expected_date = serializers.DateField(
        read_only=True, allow_null=True,
        help_text=_("Точная дата или условный день месяца; пусто, пока у срока длиннее месяца нет даты."),
    )
    available_transitions = available_transitions_field(
        SESSION, help_text=_("Действия с заседанием, доступные текущему пользователю сейчас.")
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "plan",
            "number",
            "source_number",
            "planned_month",
            "period_start",
            "period_end",
            "due_label",
            "title",
            "starts_at",
            "expected_date",
            "place",
            "state",
            "state_display",
            "available_transitions",
        ]
        read_only_fields = ["starts_at", "period_start", "period_end"]
        extra_kwargs = {
            "plan": {"queryset": Plan.objects.all()},
            "number": {"required": False, "min_value": 1, "max_value": MAX_SESSION_NUMBER},
            "source_number": {"required": False},
            "planned_month": {
                "help_text": _("Любой день месяца; хранится первое число. Пусто, если срок длиннее месяца."),
                "required": True, "allow_null": False,
            },
        }
        # The number's uniqueness in the plan is checked by the service (and numbered there when omitted).
        validators = []


class SessionUpdateSerializer(SessionSerializer):
    class Meta(SessionSerializer.Meta):
        read_only_fields = ["starts_at", "plan", "period_start", "period_end"]
        extra_kwargs = {k: v for k, v in SessionSerializer.Meta.extra_kwargs.items() if k != "plan"}


class SessionNodeSerializer(SessionSerializer):
    """A session nested in its plan, with its items as a tree."""

    items = AgendaItemNodeSerializer(many=True, read_only=True, source="tree_items")

    class Meta(SessionSerializer.Meta):
        fields = [f for f in SessionSerializer.Meta.fields if f != "plan"] + ["items"]
        read_only_fields = fields
        extra_kwargs = {}


class SessionScheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text=_("Дата и время заседания."))
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class SessionPostponeSerializer(serializers.Serializer):
    planned_month = serializers.DateField(help_text=_("Новый месяц (любой его день)."))
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


# --- Plans ---------------------------------------------------------------------------------


class PlanSerializer(ApprovalStateMixin, serializers.ModelSerializer):
    sessions_count = serializers.IntegerField(read_only=True)
    items_count = serializers.IntegerField(read_only=True)
    approver_acting = serializers.BooleanField(
        read_only=True, help_text=_("Утверждающий подписывает как исполняющий обязанности («И.о. …»).")
    )
    agreer_acting = serializers.BooleanField(
        read_only=True, help_text=_("Согласующий подписывает как исполняющий обязанности («И.о. …»).")
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "office",
            "year",
            "title",
            "approver_position",
            "approver_name",
            "approver_acting",
            "agreer_position",
            "agreer_name",
            "agreer_acting",
            "source_name",
            "created_at",
            "updated_at",
            "sessions_count",
            "items_count",
            "state",
            "state_display",
            "available_transitions",
        ]
        read_only_fields = ["source_name", "created_at", "updated_at"]
        extra_kwargs = {
            "year": {"min_value": 2000, "max_value": 2100},
            "title": {"required": False},
            "office": {"required": False},
        }
        # The (office, year) uniqueness is checked by the service with a Russian message.
        validators = []


class PlanDetailSerializer(PlanSerializer):
    sessions = SessionNodeSerializer(many=True, read_only=True, source="tree_sessions")

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "sessions"]

    def to_representation(self, plan):
        # The API hangs the tree on the plan first (workflow.selectors.plan_tree, a fixed number
        # of queries); a bare plan is given the whole tree the same way.
        if not hasattr(plan, "tree_sessions"):
            from .selectors import plan_tree

            plan_tree(plan=plan, user=None)
        return super().to_representation(plan)




# --- Projects ------------------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    kind = serializers.ChoiceField(choices=ProjectKind.choices, required=False)
    leads = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=User.objects.filter(is_active=True),
        help_text=_("Руководители проекта (id из /api/people/)."),
    )

    class Meta:
        model = Project
        fields = ["id", "name", "kind", "kind_display", "leads"]
        extra_kwargs = {"name": {"max_length": 1000}}
