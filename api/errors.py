"""Errors of /api/v1/ as JSON in Chinese: {"detail": <message>, "code": <code>}."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.views import exception_handler

MESSAGES = {
    exceptions.NotAuthenticated: (
        _("缺少访问令牌：请在 Authorization 请求头中提供“Bearer 令牌”。"),
        "not_authenticated",
    ),
    Http404: (_("未找到该数据。"), "not_found"),
    exceptions.MethodNotAllowed: (_("本接口只读，不支持该请求方法。"), "method_not_allowed"),
    exceptions.NotAcceptable: (_("不支持所要求的响应格式，本接口只返回 JSON。"), "not_acceptable"),
}


def api_exception_handler(exc, context):
    """DRF's answer, with the body always {"detail": <Chinese message>, "code": ...} (and
    "errors" by parameter for a bad query), so a client reads one shape."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    for kind, (message, code) in MESSAGES.items():
        if isinstance(exc, kind):
            response.data = {"detail": str(message), "code": code}
            return response
    if isinstance(exc, exceptions.NotFound):
        # DRF's own "Not found." (an object missing) in our words; a message of ours (an
        # invalid page) as it is.
        default = str(exc.detail) == str(exceptions.NotFound.default_detail)
        response.data = {
            "detail": str(_("未找到该数据。") if default else exc.detail),
            "code": "not_found",
        }
    elif isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        response.data = {
            "detail": str(_("请求过于频繁，请在 %(wait)s 秒后重试。") % {"wait": wait}),
            "code": "throttled",
        }
    elif isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": str(_("请求参数有误。")),
            "code": "invalid",
            "errors": exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail},
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response
