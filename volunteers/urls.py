from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("workers/", views.model_worker_list, name="model_worker_list"),
    path("workers/new/", views.model_worker_create, name="model_worker_create"),
    path("workers/export/", views.model_worker_export, name="model_worker_export"),
    path("workers/template/", views.model_worker_template, name="model_worker_template"),
    path("workers/import/", views.model_worker_import, name="model_worker_import"),
    path("workers/<int:pk>/", views.model_worker_detail, name="model_worker_detail"),
    path("workers/<int:pk>/edit/", views.model_worker_edit, name="model_worker_edit"),
    path("workers/<int:pk>/join/", views.team_join, name="team_join"),
    path("team/", views.team_list, name="team_list"),
    path("team/<int:pk>/leave/", views.team_leave, name="team_leave"),
    path("team/<int:pk>/records/new/", views.service_record_create, name="service_record_create"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/export/", views.activity_export, name="activity_export"),
    path("activities/template/", views.activity_template, name="activity_template"),
    path("activities/import/", views.activity_import, name="activity_import"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("photos/<int:pk>/", views.photo_download, name="photo_download"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail"),
    path("quota/", views.quota, name="quota"),
    path("quota/export/", views.quota_export, name="quota_export"),
]
