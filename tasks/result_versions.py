"""Earlier versions of a task's result: what a new result replaced is kept, not deleted.

``tasks.uploads.task_result_attach`` writes a version of the result it replaces (its file stays
on disk, referred to by the version, so the orphan sweep keeps it); the task page lists them."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskResultVersion(models.Model):
    """A result the assignee replaced: its file and text as they were, and when it was saved."""

    task = models.ForeignKey("tasks.PreparationTask", verbose_name=_("задача"), on_delete=models.CASCADE,
                             related_name="result_versions")
    number = models.PositiveSmallIntegerField(_("версия"))
    result_file = models.FileField(_("файл результата"), max_length=255, blank=True)
    result_text = models.TextField(_("текст результата"), blank=True)
    saved_at = models.DateTimeField(_("сохранена"), default=timezone.now)
    replaced_at = models.DateTimeField(_("заменена"), default=timezone.now)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кем заменена"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("прежняя версия результата")
        verbose_name_plural = _("прежние версии результата")
        ordering = ["task", "-number"]
        constraints = [models.UniqueConstraint(fields=["task", "number"], name="task_result_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.task_id} v{self.number}"

    @property
    def filename(self) -> str:
        return PurePosixPath(self.result_file.name).name if self.result_file else ""


def result_version_keep(*, locked, by) -> TaskResultVersion | None:
    """Keep ``locked``'s current result (the task row is locked by the caller) as its next
    version, before it is replaced; None when there is no result yet."""
    if not locked.has_result:
        return None
    last = locked.result_versions.order_by("-number").values_list("number", flat=True).first() or 0
    return TaskResultVersion.objects.create(
        task=locked, number=last + 1, result_file=locked.result_file.name, result_text=locked.result_text,
        saved_at=locked.updated_at, replaced_by=by,
    )
