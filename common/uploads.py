"""Checks for uploaded files: size, and type by content as well as by name.

Every app that takes attachments (reports, activity photos, spot checks, nominations) uses
`validate_upload`; files are stored under server-made names (`upload_path`) and handed out
only by `file_response`, after the caller's view has checked permission.
"""

import mimetypes
import uuid
import zipfile
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}
DOCUMENT_EXTENSIONS = {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et"}
ALL_EXTENSIONS = IMAGE_EXTENSIONS | DOCUMENT_EXTENSIONS

# Office Open XML files are zips with a known member; old Office/WPS files are OLE2.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _sniff(upload) -> str | None:
    """Return the extension family the bytes really are: a key of the checks below."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(_OLE2):
        return "ole2"
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
            sniffed == extension or {sniffed, extension} <= {"jpg", "jpeg"}
        )
    if extension == "pdf":
        return sniffed == "pdf"
    if extension in ("docx", "xlsx"):
        return sniffed == extension
    # .doc, .xls and WPS (.wps, .et) documents are OLE2 compound files.
    if extension in ("doc", "xls", "wps", "et"):
        return sniffed == "ole2"
    return False


def validate_upload(upload, *, allowed=ALL_EXTENSIONS) -> None:
    """Raise ValidationError (in Chinese) unless the file's size, name and content agree."""
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
                "文件“%(name)s”的内容与扩展名不符，已拒绝。请上传真实的图片、PDF 或 Office/WPS 文档。"
            )
            % {"name": upload.name},
            code="bad_content",
        )


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
