"""What API views that answer with a file share (plan documents, calendars)."""

from __future__ import annotations

from rest_framework.negotiation import BaseContentNegotiation


class FileDownloadNegotiation(BaseContentNegotiation):
    """For views that answer with a file: ``?format=`` names the file format, not a DRF renderer,
    and an ``Accept`` of the file type is fine. Errors (the only DRF responses) are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
