"""Install the Chinese font the PDF certificates embed (run by `make install`; see common/pdf.py)."""

from django.core.management.base import BaseCommand, CommandError

from common import pdf


class Command(BaseCommand):
    help = "Cut the static Noto Sans SC weights for PDFs into PDF_FONT_DIR (once)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rewrite fonts already there")

    def handle(self, *args, force=False, **options):
        try:
            written = pdf.install_fonts(force=force)
        except pdf.FontMissing as exc:
            raise CommandError(str(exc)) from exc
        for path in written:
            self.stdout.write(f"installed {path}")
        if not written:
            self.stdout.write(f"PDF fonts already installed in {pdf.font_dir()}")
