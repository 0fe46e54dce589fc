"""Checks for uploaded files: size, and type by content as well as by name.

Every app that takes attachments (reports, activity photos, spot checks, nominations) uses
`validate_upload`, and stores what it returns: a document as sent, an image decoded in full
by Pillow and re-encoded (only its pixels are kept: no trailing bytes, no metadata such as
the GPS position of a phone photo). A phone's HEIC/HEIF photo is decoded by pillow-heif and
stored as a JPEG. `thumbnail_of` makes the small JPEG that pages show, once, on upload. A PDF must end with its end-of-file marker, so that
nothing (HTML, a script) rides behind it. `check_record_room` caps the number and total size
of the files of one record (a report, an activity, a nomination, a spot check). Files are
stored under server-made names (`upload_path`), the user's name is kept shortened with its
extension (`display_name`), and they are handed out only by `file_response`, after the
caller's view has checked permission.
"""

import mimetypes
import uuid
import warnings
import zipfile
from collections.abc import Sequence
from io import BytesIO
from pathlib import PurePath

import filetype
import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

from .text import SINGLE_LINE_CONTROL_RE

pillow_heif.register_heif_opener()

# HEIC/HEIF (the iPhone's default) is taken and stored as a JPEG: few browsers show HEIC.
HEIF_EXTENSIONS = {"heic", "heif"}
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"} | HEIF_EXTENSIONS
DOCUMENT_EXTENSIONS = {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et"}
ALL_EXTENSIONS = IMAGE_EXTENSIONS | DOCUMENT_EXTENSIONS

# Office Open XML files are zips with a known member; old Office/WPS files are OLE2.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# The ISO base media file's major brands of still HEIF images (HEVC-coded or generic).
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"}


def _sniff(upload) -> str | None:
    """Return the extension family the bytes really are: a key of the checks below."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(_OLE2):
        return "ole2"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.extension == "zip" or kind.mime.startswith("application/vnd.openxmlformats"):
        try:
            with zipfile.ZipFile(upload) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        for ext, member in _OOXML_MEMBER.items():
            if member in names:
                return ext
        return "zip"
    return kind.extension


def _content_matches(extension: str, sniffed: str | None) -> bool:
    if extension in IMAGE_EXTENSIONS:
        return sniffed in IMAGE_EXTENSIONS and (
            sniffed == extension
            or {sniffed, extension} <= {"jpg", "jpeg"}
            or (sniffed == "heic" and extension in HEIF_EXTENSIONS)
        )
    if extension == "pdf":
        return sniffed == "pdf"
    if extension in ("docx", "xlsx"):
        return sniffed == extension
    # .doc, .xls and WPS (.wps, .et) documents are OLE2 compound files.
    if extension in ("doc", "xls", "wps", "et"):
        return sniffed == "ole2"
    return False


# Pillow's name of each image type we accept: an image is decoded only as what its name says.
_PILLOW_FORMATS = {
    "jpg": "JPEG",
    "jpeg": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "webp": "WEBP",
    "heic": "HEIF",
    "heif": "HEIF",
}
# What each type is stored as: itself, except HEIC/HEIF, stored as JPEG.
_STORED_AS = {"heic": "jpg", "heif": "jpg"}
THUMBNAIL_SIZE = (320, 320)
# What a PDF may carry after its last end-of-file marker (which must lie in its last 1024
# bytes): white space and padding, nothing else.
_PDF_EOF = b"%%EOF"
_PDF_PADDING = b" \t\r\n\x0c\x00"  # PDF's white-space characters


def _bad_image(upload) -> ValidationError:
    return ValidationError(
        _("图片“%(name)s”已损坏或不是完整的图片，无法打开，已拒绝。请重新拍摄或另存后再上传。")
        % {"name": upload.name},
        code="bad_image",
    )


def _save_image(image, extension: str, out) -> None:
    """Write only what is shown: pixels (every frame of an animation), the colour profile,
    the transparency; phone photos are turned upright first, then their metadata dropped
    (EXIF with its GPS position, XMP, comments: none is passed to the writer)."""
    kind = _PILLOW_FORMATS[_STORED_AS.get(extension, extension)]
    if kind == "JPEG":
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
    # Some writers carry these over from what was read (JPEG its comment).
    for key in ("comment", "exif", "xmp", "XML:com.adobe.xmp"):
        image.info.pop(key, None)
    icc = image.info.get("icc_profile")
    options = {"icc_profile": icc} if icc else {}
    if kind in ("GIF", "WEBP") and getattr(image, "n_frames", 1) > 1:
        options["save_all"] = True
    if kind in ("JPEG", "WEBP"):
        options["quality"] = 90
    image.save(out, kind, **options)


def _reencoded_image(upload, extension: str) -> ContentFile:
    """Decode the whole image (every frame) and encode it again, or refuse it."""
    limit = settings.UPLOAD_IMAGE_MAX_PIXELS
    out, size = BytesIO(), None
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[_PILLOW_FORMATS[extension]]) as image:
                if image.width * image.height * getattr(image, "n_frames", 1) > limit:
                    size = image.size
                else:
                    for frame in ImageSequence.Iterator(image):
                        frame.load()
                    image.seek(0)
                    _save_image(image, extension, out)
    except Exception as exc:  # Pillow raises many kinds on a truncated or malformed image
        raise _bad_image(upload) from exc
    finally:
        upload.seek(0)
    if size is not None:
        raise ValidationError(
            _(
                "图片“%(name)s”的像素过多（%(width)s×%(height)s），超过上限 %(limit)s 万像素。请缩小后再上传。"
            )
            % {"name": upload.name, "width": size[0], "height": size[1], "limit": limit // 10_000},
            code="too_many_pixels",
        )
    return ContentFile(out.getvalue(), name=stored_name(upload.name))


def stored_name(name: str) -> str:
    """The name a file is kept under: a HEIC/HEIF photo becomes a .jpg, others keep theirs."""
    path = PurePath(name)
    extension = path.suffix.lower().lstrip(".")
    if extension in _STORED_AS:
        return f"{path.stem}.{_STORED_AS[extension]}"
    return name


def is_image_name(name: str) -> bool:
    return PurePath(name).suffix.lower().lstrip(".") in IMAGE_EXTENSIONS


def thumbnail_of(stored: File) -> ContentFile | None:
    """A small JPEG (at most THUMBNAIL_SIZE) of a stored image, for pages to show; None for
    a document. Made once, on upload, from what `validate_upload` returned."""
    if not is_image_name(stored.name):
        return None
    stored.seek(0)
    try:
        with Image.open(stored) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "L"):
                # Transparency over white, as the page shows it.
                rgba = image.convert("RGBA")
                image = Image.new("RGB", rgba.size, "white")
                image.paste(rgba, mask=rgba.getchannel("A"))
            out = BytesIO()
            image.save(out, "JPEG", quality=80)
    except (OSError, ValueError):  # an odd mode Pillow cannot turn into RGB: no thumbnail
        return None
    finally:
        stored.seek(0)
    return ContentFile(out.getvalue(), name=f"{PurePath(stored.name).stem}-thumb.jpg")


def _check_pdf_end(upload) -> None:
    upload.seek(0, 2)
    end = upload.tell()
    upload.seek(max(0, end - 1024))
    tail = upload.read()
    upload.seek(0)
    marker = tail.rfind(_PDF_EOF)
    if marker < 0 or tail[marker + len(_PDF_EOF) :].strip(_PDF_PADDING):
        raise ValidationError(
            _(
                "PDF 文件“%(name)s”不完整，或在文件结尾之后还附带了其他内容，已拒绝。请重新导出或另存为 PDF 后再上传。"
            )
            % {"name": upload.name},
            code="bad_pdf_end",
        )


def validate_upload(upload, *, allowed=ALL_EXTENSIONS) -> File:
    """Raise ValidationError (in Chinese) unless the file's size, name and content agree;
    return what is to be stored (an image re-encoded, a document as sent).

    The form and the service of one request may both call it: the result is kept on the
    upload, so an image is decoded once."""
    checked = getattr(upload, "_portal_checked", None)
    if checked is not None and checked[0] == frozenset(allowed):
        return checked[1]
    stored = _validated(upload, allowed)
    upload._portal_checked = (frozenset(allowed), stored)
    return stored


def _validated(upload, allowed) -> File:
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size)s，超过上限 %(limit)s。")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空的。") % {"name": upload.name}, code="empty")
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    if extension not in allowed:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”。允许的类型：%(allowed)s。")
            % {"ext": extension or "?", "allowed": "、".join(sorted(allowed))},
            code="bad_extension",
        )
    if not _content_matches(extension, _sniff(upload)):
        raise ValidationError(
            _(
                "文件“%(name)s”的内容与扩展名不符（不是真正的 %(ext)s 文件），已拒绝。允许上传的类型：%(allowed)s。"
            )
            % {"name": upload.name, "ext": extension, "allowed": "、".join(sorted(allowed))},
            code="bad_content",
        )
    if extension in IMAGE_EXTENSIONS:
        return _reencoded_image(upload, extension)
    if extension == "pdf":
        _check_pdf_end(upload)
    return upload


def check_record_room(*, count: int, total: int, adding: Sequence[File]) -> None:
    """Refuse `adding` when the record, holding `count` files of `total` bytes, would go
    over the caps on files per record (UPLOAD_MAX_FILES_PER_RECORD) or bytes per record
    (UPLOAD_MAX_BYTES_PER_RECORD)."""
    max_files, max_bytes = (
        settings.UPLOAD_MAX_FILES_PER_RECORD,
        settings.UPLOAD_MAX_BYTES_PER_RECORD,
    )
    if count + len(adding) > max_files:
        raise ValidationError(
            _("每条记录最多上传 %(max)s 个文件，已有 %(count)s 个；请先删除不需要的文件。")
            % {"max": max_files, "count": count},
            code="too_many_files",
        )
    size = total + sum(upload.size for upload in adding)
    if size > max_bytes:
        raise ValidationError(
            _(
                "每条记录的文件合计不能超过 %(max)s，已有 %(total)s，加上本次将达 %(size)s；请先删除不需要的文件或压缩后再上传。"
            )
            % {
                "max": filesizeformat(max_bytes),
                "total": filesizeformat(total),
                "size": filesizeformat(size),
            },
            code="record_too_large",
        )


def stored_size(field_file) -> int:
    """The size of a stored file; 0 when the file is gone (it takes no room)."""
    try:
        return field_file.size
    except (OSError, ValueError):
        return 0


def display_name(name: str, max_length: int) -> str:
    """The user's file name as the record keeps it: no folders, no control characters, and
    at most `max_length` characters, shortened before its extension so that it keeps it."""
    name = SINGLE_LINE_CONTROL_RE.sub("", PurePath(name.replace("\\", "/")).name).strip()
    name = name or "file"
    if len(name) <= max_length:
        return name
    suffix = PurePath(name).suffix[:16]
    return name[: max_length - len(suffix)] + suffix


def upload_path(prefix: str, filename: str) -> str:
    """A server-made storage path; the user's file name is kept only in the model."""
    extension = PurePath(filename).suffix.lower()[:8]
    return f"{prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def file_response(field_file, download_name: str) -> FileResponse:
    """Send a stored file as a download: never inline, never sniffed as HTML."""
    # Only the types we accept on upload get their own type; anything else (a legacy or
    # truncated name ending in .html, .svg...) is opaque bytes, never markup or script.
    extension = PurePath(download_name).suffix.lower().lstrip(".")
    guessed = mimetypes.guess_type(download_name)[0] if extension in ALL_EXTENSIONS else None
    content_type = guessed or "application/octet-stream"
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def thumbnail_response(field_file) -> FileResponse:
    """Send a stored thumbnail (a JPEG we made, see `thumbnail_of`) for the page's <img>,
    after the caller's view has checked permission; 404 when there is none. Like every
    download it is an attachment (an <img> shows it all the same; opened by itself, it is
    saved, never rendered)."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename="thumbnail.jpg", content_type="image/jpeg"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response
