from django.core.management.base import BaseCommand, CommandError

from awards import export, selectors
from competition.models import CompetitionYear


class Command(BaseCommand):
    help = "导出最近一次已完成的评选排名及入围名单（.xlsx）。Exports the latest finished run."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, year, out, **options):
        competition_year = CompetitionYear.objects.filter(year=year).first()
        if competition_year is None:
            raise CommandError(f"没有 {year} 年度 / no competition year {year}")
        run = selectors.latest_done_run(competition_year)
        if run is None:
            raise CommandError(
                f"{year} 年度还没有已完成的评选排名；请先运行 build_rankings --year {year}"
            )
        export.export_run(run, out)
        self.stdout.write(f"已导出评选排名 #{run.pk} → {out}")
