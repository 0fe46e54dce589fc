from django.urls import path

from . import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.token_list, name="token_list"),
    path("new/", token_views.token_create, name="token_create"),
    path("<int:pk>/", token_views.token_detail, name="token_detail"),
    path("<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
