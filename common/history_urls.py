from django.urls import path

from . import history_views

app_name = "history"
urlpatterns = [
    path("<str:key>/<int:pk>/", history_views.object_history, name="object_history"),
]
