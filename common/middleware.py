from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise with the language switch.

    The browser's Accept-Language is ignored on purpose: on shared office machines it often
    says English while every user expects the portal in Chinese.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SealedYearMiddleware:
    """A write refused because its competition year is sealed answers with the message.

    Most views show a service's ValidationError themselves; this catches the ones that do not
    (one-click POSTs such as deleting an attachment), so the refusal is never a server error.
    The code is `competition.services.SEALED_CODE` (common imports no app).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if getattr(exception, "code", None) != "year_sealed" or not isinstance(
            exception, ValidationError
        ):
            return None
        for message in exception.messages:
            messages.error(request, message)
        back = request.META.get("HTTP_REFERER", "")
        allowed = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(back if back and allowed else "home")


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy (CONTENT_SECURITY_POLICY: no inline script or
    style anywhere), with one narrow addition on the Django admin's pages only:
    CSP_ADMIN_UPDATE allows, by their exact hashes, the few inline attributes that
    third-party admin pages carry. Overriding `get_policy_parts` is django-csp's documented
    way to vary the policy per request."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.update is None:
            if request.path_info.startswith(reverse("admin:index")):
                parts.update = settings.CSP_ADMIN_UPDATE
        return parts
