from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from awards import services
from competition.models import CompetitionYear


class Command(BaseCommand):
    help = "立即计算某年度的评选排名（不经任务队列）。Builds an evaluation run synchronously."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        competition_year = CompetitionYear.objects.filter(year=year).first()
        if competition_year is None:
            raise CommandError(f"没有 {year} 年度 / no competition year {year}")
        try:
            run = services.evaluation_run_create(actor=None, year=competition_year)
        except ValidationError as exc:  # a closed year is sealed: its runs stay as they are
            raise CommandError(" ".join(exc.messages)) from exc
        run = services.evaluation_run_build(run=run)
        self.stdout.write(
            f"评选排名 #{run.pk} ({run.get_status_display()}): "
            f"{run.entry_rankings.count()} 个参赛项目, {run.unit_rankings.count()} 个单位, "
            f"{run.nomination_rankings.count()} 项申报"
        )
        for row in run.entry_rankings.order_by("rank")[:5]:
            total = "—" if row.total is None else f"{row.total:.2f}"
            self.stdout.write(
                f"  {row.rank}. {row.title} · {row.unit_name} · {total} {row.tie_note}"
            )
