import datetime

from django.core.management.base import BaseCommand, CommandError

from tasks.chase import chase_run


class Command(BaseCommand):
    help = (
        "Выполнить синхронно то же, что ежедневное расписание: назначение задач, планирование "
        "напоминаний и эскалации, отправку писем. Повторный запуск безопасен."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="День, на который выполняется рассылка (ГГГГ-ММ-ДД); по умолчанию сегодня.")
        parser.add_argument("--no-send", action="store_true", help="Только записать письма в очередь, не отправлять.")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Неверная дата «{options['date']}»: нужен формат ГГГГ-ММ-ДД.") from exc
        report = chase_run(day=day, send=not options["no_send"])
        out = self.stdout
        out.write(f"Дата: {report.day:%d.%m.%Y}")
        out.write(f"Назначено задач: {report.assigned.created} (уведомлений о назначении: {report.assigned.notices})")
        plan = report.reminders
        out.write(
            f"Напоминаний: {plan.reminders} (задач в них: {plan.tasks_in_digests}), эскалаций: {plan.escalations}; "
            f"новых в очереди: {plan.queued}"
        )
        if report.drained is None:
            out.write("Отправка пропущена (--no-send).")
            return
        drained = report.drained
        if report.released:
            out.write(f"Возвращено зависших писем: {report.released}")
        out.write(
            f"Отправлено писем: {drained.sent}; отложено до повтора: {drained.retried}; не доставлено: {drained.failed}"
        )
        for error in dict.fromkeys(drained.errors):
            self.stderr.write(f"Ошибка отправки: {error}")
