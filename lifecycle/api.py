"""One transition action factory for every API resource with a life cycle.

``class PlanViewSet(transition_actions(PLAN, what="план", response=PlanSerializer), ModelViewSet)``
adds ``POST /…/{id}/<name>/`` for each declared transition: the body is ``{"comment": "…"}`` (or
the transition's own body serializer, e.g. a session's new date), the action fires
``lifecycle.kernel.fire`` as the requesting user and answers with the object as the viewset's
``transition_response`` shows it. Refusals come back as the API's error shape: 403 ``forbidden``,
409 ``invalid_state`` / ``blocked`` / ``conflict``, 400 ``comment_required`` or a condition's code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api_schema import error_responses

from .kernel import Lifecycle, available, fire


class TransitionCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        help_text=_("Комментарий к решению; обязателен при возврате на доработку."),
    )


COMMENT_EXAMPLES = [
    OpenApiExample("Без комментария", value={"comment": ""}, request_only=True),
    OpenApiExample(
        "Возврат на доработку",
        value={"comment": "Уточните сроки и ответственных по пункту 3."},
        request_only=True,
    ),
]


def _action(lifecycle: Lifecycle, name: str, *, what: str, response, body, examples, every_role: bool):
    declared = lifecycle.by_name[name]

    def fire_action(self, request, pk=None):
        data = body(data=request.data)
        data.is_valid(raise_exception=True)
        arguments = dict(data.validated_data)
        comment = arguments.pop("comment", "")
        return self.transition_fire(name, comment=comment, arguments=arguments)

    fire_action.__name__ = f"transition_{name}"
    # Every role may try (the kernel answers 403 for the wrong one, see accounts.api), unless
    # only the office staff may ever fire this life cycle: then the API's write rule answers first.
    fire_action.role_checked_by_service = every_role
    fire_action.__doc__ = declared.description
    fire_action = action(detail=True, methods=["post"], url_path=name, url_name=name)(fire_action)
    return extend_schema(
        summary=f"{declared.label}: {what}",
        description=declared.description,
        request=body,
        responses={200: response, **error_responses(400, 403, 404, 409)},
        examples=examples,
    )(fire_action)


def transition_actions(lifecycle: Lifecycle, *, what: str, response, bodies: dict | None = None,
                       examples: dict | None = None, every_role: bool = True) -> type:
    """A viewset mixin with one POST action per transition of ``lifecycle`` and the default
    ``transition_response`` (the object re-read through ``get_queryset``). ``every_role=False``:
    the viewset's own write permission applies to the actions too."""
    bodies, examples = bodies or {}, examples or {}
    attrs = {
        f"transition_{name}": _action(
            lifecycle, name, what=what, response=response, body=bodies.get(name, TransitionCommentSerializer),
            examples=examples.get(name, COMMENT_EXAMPLES if name not in bodies else []), every_role=every_role,
        )
        for name in lifecycle.names()
    }

    def transition_fire(self, name, *, comment, arguments):
        """Find the object as the viewset does (404 when the user may not see it), fire, answer.
        A viewset may read the object locked itself and fire it in place (``fire(locked=True)``)."""
        obj = self.get_object()
        fire(obj=obj, name=name, by=self.request.user, comment=comment, **arguments)
        return self.transition_response(obj)

    def transition_response(self, obj):
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data)

    attrs["transition_fire"] = transition_fire
    attrs["transition_response"] = transition_response
    attrs["transition_action_names"] = frozenset(f"transition_{name}" for name in lifecycle.names())
    return type(f"{lifecycle.name.title().replace('_', '')}TransitionActions", (), attrs)


class _AvailableTransitionsField(serializers.ReadOnlyField):
    """The transitions the requesting user may fire on the object right now (``kernel.available``)."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs.setdefault("help_text", _("Действия, которые текущий пользователь может выполнить сейчас."))
        super().__init__(**kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        return available(obj=obj, user=request.user if request else None) if request else []


def available_transitions_field(lifecycle: Lifecycle, **kwargs) -> serializers.Field:
    """``available_transitions`` for a serializer of ``lifecycle``'s objects, its values listed in the schema."""
    field_class = extend_schema_field({"type": "array", "items": {"type": "string", "enum": lifecycle.names()}})(
        type(f"{lifecycle.name.title().replace('_', '')}AvailableTransitionsField", (_AvailableTransitionsField,), {})
    )
    return field_class(**kwargs)
