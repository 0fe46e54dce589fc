from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from common.panels import PANEL_APPS


def _demo_modules():
    for app in PANEL_APPS:
        name = f"{app}.demo"
        try:
            yield import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


class Command(BaseCommand):
    help = (
        "创建演示数据：已结束并封存的2019年度，及由其开启、正在进行的本年度（可重复运行，不会重复创建）。"
        "Creates the demo data: 2019 closed and sealed, the current year opened from it and "
        "under way; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="N>0: add a city at N times the demo size to the current year, for benchmarks "
            "(bench/).",
        )

    def handle(self, *args, scale, **options):
        # Each app seeds its own part, in dependency order, in <app>/demo.py, in three rounds:
        # 2019 (`seed`), the turn of the year (`seed_turn`: 2019 evaluated and closed, the
        # current year opened from it), then the live year (`seed_live`, with the scaled city).
        today = timezone.localdate()
        modules = list(_demo_modules())
        with transaction.atomic():
            for module in modules:
                module.seed(stdout=self.stdout)
            for module in modules:
                if hasattr(module, "seed_turn"):
                    module.seed_turn(stdout=self.stdout, today=today)
            for module in modules:
                if hasattr(module, "seed_live"):
                    module.seed_live(stdout=self.stdout, scale=scale, today=today)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready"))
