from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from awards import services
from competition.enums import Role
from competition.models import CompetitionYear


class Command(BaseCommand):
    help = (
        "开启新年度：按上一年度的规则（评比标准、活动数要求、报送期、评选设置）开启新的竞赛年度。"
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="新年度，如 2020")
        parser.add_argument("--from", dest="source", type=int, required=True, help="上一年度")

    def handle(self, *args, year, source, **options):
        source_year = CompetitionYear.objects.filter(year=source).first()
        if source_year is None:
            raise CommandError(f"{source}年度不存在。")
        actor = (
            get_user_model().objects.filter(membership__role=Role.ADMIN).order_by("pk").first()
            or get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("需要一个管理员账号作为操作人。")
        try:
            opened = services.year_open(actor=actor, source=source_year, number=year)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(
            f"{opened.year}年度已开启：{opened.periods.count()}个报送期，"
            f"{opened.criteria.count()}项评比标准。"
        )
