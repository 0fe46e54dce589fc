"""The Chinese font every PDF of the portal embeds, so a certificate prints the same anywhere.

reportlab embeds (a subset of) a TrueType font only when its outlines are TrueType (`glyf`):
the Noto CJK OpenType fonts (Debian's fonts-noto-cjk, most PyPI CJK packages) have CFF
outlines, which reportlab refuses, and its built-in STSong-Light is not embedded at all.

The font comes from PyPI with the project's dependencies: the package `justmytype-intl-cjk`
carries Google Fonts' Noto Sans SC (SIL Open Font License 1.1) as a variable TrueType font.
Its default instance is the thinnest weight, so `install_fonts` (run by `make install`, or
`python manage.py install_pdf_fonts`) cuts a static regular and bold weight out of it with
fontTools into `settings.PDF_FONT_DIR` (var/fonts by default), once, with the licence text
beside them. Any other TrueType-outline font with Chinese glyphs can be put there under the
same names instead.
"""

import os
import shutil
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# style → (file name in PDF_FONT_DIR, weight on the variable font's wght axis)
STYLES = {"regular": ("NotoSansSC-Regular.ttf", 400), "bold": ("NotoSansSC-Bold.ttf", 700)}
SOURCE_PACKAGE = "justmytype_intl_cjk"
SOURCE_DIR = "fonts/ofl/notosanssc"
SOURCE_FONT = "NotoSansSC[wght].ttf"
LICENCE = "OFL.txt"
INSTALL_HINT = "make install"


class FontMissing(RuntimeError):
    """The PDF font is not installed: a set-up step was skipped (not a user's mistake)."""


def font_dir() -> Path:
    return Path(settings.PDF_FONT_DIR)


def font_path(style: str) -> Path:
    return font_dir() / STYLES[style][0]


def missing_fonts() -> list[Path]:
    return [font_path(style) for style in STYLES if not font_path(style).is_file()]


def missing_message(paths) -> str:
    return _(
        "未安装PDF证书所用的中文字体（%(paths)s）。请运行 make install"
        "（或 python manage.py install_pdf_fonts）后重试。"
    ) % {"paths": "、".join(str(path) for path in paths)}


_registered: dict[str, Path] = {}


def register_fonts() -> dict[str, str]:
    """The reportlab names of the portal's fonts by style, registered once per process.

    Raises FontMissing (with the command that installs them) when a file is absent.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    missing = missing_fonts()
    if missing:
        raise FontMissing(missing_message(missing))
    names = {}
    for style in STYLES:
        name, path = f"PortalSans-{style}", font_path(style)
        if _registered.get(name) != path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
            _registered[name] = path
        names[style] = name
    return names


def source_font() -> Path:
    """The variable Noto Sans SC of the installed PyPI package."""
    try:
        folder = resources.files(SOURCE_PACKAGE) / SOURCE_DIR
    except ModuleNotFoundError as exc:
        raise FontMissing(
            f"The Python package {SOURCE_PACKAGE} is not installed; run {INSTALL_HINT}."
        ) from exc
    return Path(str(folder / SOURCE_FONT))


def install_fonts(*, force: bool = False) -> list[Path]:
    """Write the static weights into PDF_FONT_DIR (each atomically); returns those written.

    About 20 seconds per weight: done once, by `make install`.
    """
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    source = source_font()
    target = font_dir()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source.with_name(LICENCE), target / LICENCE)
    written = []
    for filename, weight in STYLES.values():
        path = target / filename
        if path.is_file() and not force:
            continue
        font = instancer.instantiateVariableFont(
            TTFont(str(source)), {"wght": weight}, updateFontNames=True
        )
        partial = path.with_suffix(".part")
        font.save(str(partial))
        os.replace(partial, path)
        written.append(path)
    return written
