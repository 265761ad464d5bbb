from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.exceptions import PlanImportError
from documents.importing import plan_import_file, plan_import_size_check


class Command(BaseCommand):
    help = "Загрузить план заседаний из текстовой выгрузки или .docx (один план, в одной транзакции)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="файл плана: текстовая выгрузка (.txt) или документ Word (.docx)")
        parser.add_argument("--dry-run", action="store_true", help="показать, что будет создано, ничего не записывая")
        parser.add_argument("--numbering", choices=("sequential", "document"), default="sequential",
                            help="номера заседаний: по порядку (по умолчанию) или как в документе")

    def handle(self, *args, path: str, dry_run: bool, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Файл не найден: {path}")
        try:
            plan_import_size_check(size=file.stat().st_size)  # before the file is read into memory
            result = plan_import_file(content=file.read_bytes(), filename=file.name, dry_run=dry_run,
                                      numbering=options["numbering"])
        except PlanImportError as exc:
            lines = [f"{path}:{d['line']}: {d['message']}" if d["line"] else f"{path}: {d['message']}"
                     for d in (exc.details or [])] or [exc.message]
            raise CommandError("план не загружен, ничего не записано.\n" + "\n".join(lines)) from exc
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"Предупреждение: {warning}"))
        for line in result.summary:
            self.stdout.write(line)
        if result.plan and result.created:
            self.stdout.write(self.style.SUCCESS(f"Создан план № {result.plan.pk} (черновик)."))
