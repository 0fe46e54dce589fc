"""How a request to /api/v1/ says who it is: an API token, and nothing else (no session, no
password), with throttling per token and errors as JSON in Chinese."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from . import selectors, services
from .models import ApiToken

KEYWORD = "Bearer"


class TokenClient:
    """`request.user` of an API request: the client a token was issued to."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, token: ApiToken):
        self.token = token

    def __str__(self):
        return self.token.name


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <secret>`. An unknown, revoked or expired token is refused with
    401 and the reason; a valid one has its use recorded."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Authorization 请求头格式有误，应为“Bearer 令牌”。"), code="malformed"
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("访问令牌无效。"), code="invalid") from None
        token = selectors.token_by_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("访问令牌无效。"), code="invalid")
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("访问令牌已被撤销。"), code="revoked")
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("访问令牌已过期。"), code="expired")
        services.api_token_record_use(token=token, path=request.path)
        return TokenClient(token), token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class HasScope(BasePermission):
    """The token's scopes include the view's `required_scope`."""

    message = _("该令牌无权访问此接口。")
    code = "scope"

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        return getattr(view, "required_scope", None) in token.scopes


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (API_THROTTLE_RATE, e.g. "120/min"), counted in the default cache."""

    scope = "api_token"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
