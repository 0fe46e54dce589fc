"""The PDF of certificates (荣誉证书): one A4 landscape page per award, in Chinese, with the
portal's Chinese font embedded (common/pdf.py), so it prints the same on any machine.

The wording follows what was awarded: a 先锋集体 of one of the nine projects, a 先锋个人 (with
the unit), or a participating unit for its organisation of the competition and of
“跟着劳模去扶贫”, which is not "评为" anything. Drawing only: which awards may have a
certificate, and their numbers, are the services' and selectors' business.
"""

from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph
from reportlab.platypus.frames import Frame

from common.pdf import register_fonts

from .enums import ShortlistCategory
from .selectors import certificate_date, year_awards

PAGE = landscape(A4)
RED = colors.HexColor("#b3191f")
GOLD = colors.HexColor("#c9a23a")


def award_name(item) -> str:
    name = getattr(item, "award_name", None)
    return name or year_awards(item.run.year)[item.category].name


def project_name(item) -> str:
    ranking = item.nomination_ranking
    if ranking is not None and ranking.nine_project_id:
        return ranking.nine_project.name
    return _("九大工程")


def wording(item) -> tuple[str, str]:
    """(the salutation, the citation up to "特授予") of an award's certificate."""
    year = item.run.year
    title = year.title or _("%(year)s年度劳动竞赛") % {"year": year.year}
    if item.category == ShortlistCategory.INDIVIDUAL:
        salutation = _("%(name)s同志（%(unit)s）：") % {
            "name": item.recipient,
            "unit": item.unit.name,
        }
        citation = _("在%(title)s中成绩突出，被评为%(project)s先锋个人，特授予") % {
            "title": title,
            "project": project_name(item),
        }
    elif item.category == ShortlistCategory.COLLECTIVE:
        salutation = _("%(name)s：") % {"name": item.recipient}
        citation = _("在%(title)s中成绩突出，被评为%(project)s先锋集体，特授予") % {
            "title": title,
            "project": project_name(item),
        }
    else:
        salutation = _("%(name)s：") % {"name": item.recipient}
        citation = _("在%(title)s暨“跟着劳模去扶贫”活动中组织工作成绩突出，特授予") % {
            "title": title
        }
    return salutation, citation


def _centred(pdf, font, size, text, y, color=colors.black):
    pdf.setFillColor(color)
    pdf.setFont(font, size)
    pdf.drawCentredString(PAGE[0] / 2, y, text)


def _page(pdf, fonts, item, certificate) -> None:
    width, height = PAGE
    regular, bold = fonts["regular"], fonts["bold"]
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(1)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    pdf.setFont(regular, 11)
    pdf.setFillColor(colors.black)
    number = _("证书编号：%(number)s") % {"number": certificate.label}
    pdf.drawRightString(width - 26 * mm, height - 28 * mm, number)
    _centred(pdf, bold, 44, _("荣誉证书"), height - 52 * mm, RED)

    salutation, citation = wording(item)
    body = ParagraphStyle(
        "body", fontName=regular, fontSize=19, leading=32, wordWrap="CJK", alignment=TA_JUSTIFY
    )
    lead = ParagraphStyle("lead", parent=body, fontName=bold, fontSize=22)
    cited = ParagraphStyle("cited", parent=body, firstLineIndent=38)
    frame = Frame(40 * mm, 88 * mm, width - 80 * mm, 62 * mm, showBoundary=0)
    frame.addFromList([Paragraph(salutation, lead), Paragraph(citation, cited)], pdf)
    _centred(pdf, bold, 34, award_name(item), 70 * mm, RED)

    pdf.setFillColor(colors.black)
    pdf.setFont(regular, 16)
    date = certificate_date(item)
    pdf.drawRightString(width - 40 * mm, 42 * mm, settings.OFFICE_NAME)
    day = _("%(y)s年%(m)s月%(d)s日") % {"y": date.year, "m": date.month, "d": date.day}
    pdf.drawRightString(width - 40 * mm, 32 * mm, day)


def render(pages) -> bytes:
    """The PDF of `pages`, (ShortlistItem, Certificate) pairs, one page each.

    Always in the portal's language (Chinese): a stored certificate must not depend on the
    language of whoever asked for it first. `invariant` keeps the same input byte-identical.
    """
    fonts = register_fonts()
    buffer = BytesIO()
    with translation.override(settings.LANGUAGE_CODE):
        pdf = canvas.Canvas(
            buffer,
            pagesize=PAGE,
            invariant=1,
            pageCompression=1,
            initialFontName=fonts["regular"],  # else an unused, unembedded Helvetica
        )
        pdf.setTitle(_("荣誉证书"))
        pdf.setAuthor(settings.OFFICE_NAME)
        for item, certificate in pages:
            _page(pdf, fonts, item, certificate)
            pdf.showPage()
        pdf.save()
    return buffer.getvalue()


def certificate_filename(certificate, item) -> str:
    return _("荣誉证书%(number)s %(name)s.pdf") % {
        "number": certificate.label,
        "name": item.recipient,
    }


def batch_filename(batch) -> str:
    return _("%(year)s年度荣誉证书（%(n)s份）.pdf") % {
        "year": batch.run.year.year,
        "n": batch.count,
    }
