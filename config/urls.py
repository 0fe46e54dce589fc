from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from competition.views import home

admin.site.site_header = _("淮北市脱贫攻坚劳动竞赛管理平台")
admin.site.site_title = _("劳动竞赛管理")

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("competition/", include("competition.urls")),
    path("reports/", include("reports.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("awards/", include("awards.urls")),
    path("notifications/", include("common.urls")),
    path("history/", include("common.history_urls")),
    path("api/", include("api.urls")),
    path("api-tokens/", include("api.token_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "common.errors.bad_request"
handler403 = "common.errors.permission_denied"
handler404 = "common.errors.page_not_found"
handler500 = "common.errors.server_error"
