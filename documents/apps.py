from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The office's documents: reading plans from .docx and text, writing .docx and PDF."""

    name = "documents"
