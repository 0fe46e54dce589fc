from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from common.panels import PANEL_APPS


class Command(BaseCommand):
    help = "创建演示数据（可重复运行，不会重复创建）。Creates the demo data; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="N>0: add a city at N times the demo size, for benchmarks (bench/).",
        )

    def handle(self, *args, scale, **options):
        # Each app seeds its own part, in dependency order, in <app>/demo.py.
        with transaction.atomic():
            for app in PANEL_APPS:
                name = f"{app}.demo"
                try:
                    module = import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                module.seed(stdout=self.stdout, scale=scale)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready"))
