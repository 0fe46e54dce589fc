from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
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
