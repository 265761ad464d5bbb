"""The meetings in the admin: protocols with their transitions (the kernel's buttons), questions,
assignments and attendees inline; sessions' added participants; the agenda mailings."""

from django.contrib import admin

from lifecycle.admin import TransitionAdminMixin

from .models import AgendaMailing, Assignment, Attendee, Entry, Protocol, SessionParticipant


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0
    autocomplete_fields = ["person"]


class EntryInline(admin.StackedInline):
    model = Entry
    extra = 0
    raw_id_fields = ["item"]


@admin.register(Protocol)
class ProtocolAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = ["number", "held_on", "session", "state"]
    list_filter = ["state"]
    raw_id_fields = ["session", "created_by"]
    inlines = [AttendeeInline, EntryInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["text", "protocol", "due_date", "control_person"]
    raw_id_fields = ["protocol", "entry", "control_person"]
    filter_horizontal = ["assignees", "groups"]


@admin.register(SessionParticipant)
class SessionParticipantAdmin(admin.ModelAdmin):
    list_display = ["session", "person", "added_at"]
    raw_id_fields = ["session", "person"]


@admin.register(AgendaMailing)
class AgendaMailingAdmin(admin.ModelAdmin):
    list_display = ["session", "sent_on", "recipients"]
    readonly_fields = ["session", "sent_on", "recipients"]
