"""The portal's error pages: Chinese, inside the site's layout, saying why and the way back
(config/urls.py names them as Django's handlers; CSRF_FAILURE_VIEW the CSRF one)."""

import sys

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def _back(request) -> str:
    """The page the user came from, when it is one of ours."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 for a foreign Host header itself
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}):
        return referer
    return ""


def _page(request, status: int, title: str, reason: str, tone: str = "warning"):
    context = {
        "error_code": status,
        "error_title": title,
        "error_reason": reason,
        "error_tone": tone,
        "error_back": _back(request),
    }
    return render(request, "error.html", context, status=status)


def refusal(request, reason: str, *, title: str = "", status: int = 409):
    """A view's refusal of something not possible now (not a matter of rights), in the same
    layout as the error pages."""
    return _page(request, status, title or _("暂不能办理"), reason)


@requires_csrf_token
def bad_request(request, exception=None):
    return _page(
        request, 400, _("请求有误"), _("提交的内容无法识别。请返回上一页，检查后重新提交。")
    )


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(
        request,
        403,
        _("没有权限"),
        _("您的账号无权查看或进行此项操作。如需开通，请联系本单位管理员或竞赛办公室。"),
    )


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(
        request,
        404,
        _("页面不存在"),
        _("您要找的页面或记录不存在，可能已被删除，或链接有误。"),
    )


@requires_csrf_token
def csrf_failure(request, reason=""):
    return _page(
        request,
        403,
        _("页面已过期"),
        _(
            "为保护您的账号，页面停留过久或在别处退出后需要重新提交。请刷新页面后再试一次；已填写的内容请先复制保存。"
        ),
    )


# What a database that is down, restarting or unreachable raises (Django wraps psycopg's).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 15


def server_error(request):
    """No database, no context processors: the page must render even when they failed.

    Django calls this inside its handler of the uncaught exception, wherever it was raised (a
    view, the session or login middleware, the session's save after the view): a database
    that is unavailable answers 503 稍后重试 instead of 500, and the next request after it is
    back succeeds (CONN_HEALTH_CHECKS replaces the dead connection)."""
    context = {
        "OFFICE_NAME": settings.OFFICE_NAME,
        "OFFICE_PHONE": settings.OFFICE_PHONE,
        "OFFICE_EMAIL": settings.OFFICE_EMAIL,
    }
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render(context))
