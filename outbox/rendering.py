"""Rendering e-mails: the templates in the site's language (``message_render``, used by every
builder), the stand-in's note (``stand_in_dress``), and rendering at send time: a row planned as data (who, which records, for which day) gets its
subject, text and attachments when it is sent, from the data as it is then.

A planner that writes many rows at once in set-based SQL (the daily reminder digests) cannot
render each e-mail as it writes it, and should not: by the time a row is sent a task may have
been submitted, handed over or moved. Such a row names a renderer in ``render_as`` and leaves
its text empty. The app that planned it registers the renderer (``renderer("tasks.reminder")``);
the sender calls ``messages_render`` on each claimed batch. A renderer fills each message it is
given with ``message_fill`` or leaves it empty when there is nothing left to say: the sender
marks such a row ``skipped`` instead of sending an empty e-mail.

The outbox still knows nothing of what the messages are about: it knows names and functions.
A stand-in's copy (key ``…@<replaced id>``, see ``outbox.services``) is rendered for the person
it was meant for (``message_addressee_id``) and then gets the stand-in's note on top.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import Substitution

from .attachments import Attachment
from .models import OutboxMessage

Renderer = Callable[[list[OutboxMessage]], None]
_RENDERERS: dict[str, Renderer] = {}


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register ``function(messages)`` as the renderer of rows planned with ``render_as=name``."""

    def register(function: Renderer) -> Renderer:
        _RENDERERS[name] = function
        return function

    return register


def message_addressee_id(message: OutboxMessage) -> int:
    """Whom the message is about: its recipient, or for a stand-in's copy the person replaced."""
    _key, _at, replaced = message.key.rpartition("@")
    return int(replaced) if _at and replaced.isdigit() else message.recipient_id


def _render_plain(name: str, context: dict) -> str:
    """A template rendered as plain text: nothing is HTML-escaped (a title «"A" & <B>» is
    written as it is), whatever the template says about autoescaping."""
    template = engines["django"].engine.get_template(name)
    return template.render(Context(context, autoescape=False))


def message_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) from ``<template>_subject.txt``, ``<template>_body.txt`` and
    ``<template>_body.html``, in the site's language (Russian) whatever language is active.

    The subject and the text are plain text: not escaped, the subject on one line (line breaks
    become spaces, at most 255 characters). Only the HTML part is escaped."""
    context = {"site_url": settings.SITE_URL, "office_name": settings.PROJECT_OFFICE_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _render_plain(f"{template}_subject.txt", context)
        text = _render_plain(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    return " ".join(subject.split())[:255], text.strip() + "\n", html


def message_fill(
    message: OutboxMessage, *, template: str, context: dict, attachments: Iterable[Attachment] = ()
) -> None:
    """Render ``template`` with ``context`` into ``message`` (subject, text, HTML, attachments)."""
    message.subject, message.body_text, message.body_html = message_render(template=template, context=context)
    message.attachments = [attachment.as_json() for attachment in attachments]


def messages_render(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Render the planned messages among ``messages`` in place (one renderer call per name);
    return those a renderer left empty: nothing is left to say, they are not to be sent."""
    planned: dict[str, list[OutboxMessage]] = defaultdict(list)
    for message in messages:
        if message.render_as and not message.body_text:
            planned[message.render_as].append(message)
    for name, group in planned.items():
        _RENDERERS[name](group)
    empty = [message for group in planned.values() for message in group if not message.body_text]
    _stand_in_notes([m for group in planned.values() for m in group if m.body_text and "@" in m.key])
    return empty


def _stand_in_notes(copies: list[OutboxMessage]) -> None:
    """Put the stand-in's note on each copy rendered for the person it replaces (one query for
    the batch: the substitutions of those people that cover the batch's days)."""
    if not copies:
        return
    days = [message.day for message in copies]
    subs = list(
        Substitution.objects.filter(person_id__in={m.recipient_id for m in copies},
                                    replaces_id__in={message_addressee_id(m) for m in copies},
                                    starts_on__lte=max(days), ends_on__gte=min(days))
        .select_related("replaces").order_by("-starts_on")
    )
    for message in copies:
        sub = next((s for s in subs if s.person_id == message.recipient_id
                    and s.replaces_id == message_addressee_id(message) and s.starts_on <= message.day <= s.ends_on),
                   None)
        if sub is not None:
            stand_in_dress(message, sub)


def stand_in_dress(message: OutboxMessage, sub: Substitution) -> None:
    """Mark the rendered ``message`` as the stand-in's copy: the subject's prefix, the note on top."""
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Письмо адресовано: %(name)s (%(position)s). Вы получаете его как исполняющий обязанности "
                 "с %(start)s по %(end)s.") % {
            "name": sub.replaces, "position": sub.replaces.position_label,
            "start": sub.starts_on.strftime("%d.%m.%Y"), "end": sub.ends_on.strftime("%d.%m.%Y"),
        }
        prefix = _("И.о.")
    message.subject = f"[{prefix}] {message.subject}"[:255]
    message.body_text = f"{note}\n\n{message.body_text}"
    message.body_html = f"<p><em>{escape(note)}</em></p>\n{message.body_html}"
