import os

from django.core.management.base import BaseCommand

from documents.demo import DEMO_ACCOUNTS, demo_load, demo_password_generate


class Command(BaseCommand):
    help = (
        "Загрузить демонстрационные данные: план 2023 года из документа, его копию на ближайший год "
        "и учётные записи (повторный запуск ничего не дублирует)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", help="пароль демо-пользователей (иначе DEMO_PASSWORD или случайный)")
        parser.add_argument("--no-upcoming", action="store_true",
                            help="не создавать копию плана, перенесённую на ближайший год")

    def handle(self, *args, password=None, no_upcoming=False, **options):
        generated = not (password or os.environ.get("DEMO_PASSWORD"))
        password = password or os.environ.get("DEMO_PASSWORD") or demo_password_generate()
        results = demo_load(password=password, upcoming=not no_upcoming)
        for result in results:
            plan = result.plan
            verb = "загружен" if result.created else "уже был загружен"
            self.stdout.write(f"План № {plan.pk} «{plan}» {verb} ({plan.state_display}).")
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(f"  Предупреждение: {warning}"))
        self.stdout.write("Учётные записи (логин — роль):")
        for account in DEMO_ACCOUNTS:
            role = account.role.label if account.role else "без роли"
            self.stdout.write(f"  {account.username:16} {account.short_name:16} {role}")
        note = " (сгенерирован)" if generated else ""
        self.stdout.write(self.style.SUCCESS(f"Пароль для всех учётных записей: {password}{note}"))
