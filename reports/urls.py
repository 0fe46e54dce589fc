from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("start/<int:period_pk>/", views.report_start, name="report_start"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/review/", views.report_review, name="report_review"),
    path("<int:pk>/reopen/", views.report_reopen, name="report_reopen"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/showcase/", views.showcase_mark, name="showcase_mark"),
    path("<int:pk>/showcase/remove/", views.showcase_unmark, name="showcase_unmark"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path(
        "attachments/<int:pk>/thumbnail/", views.attachment_thumbnail, name="attachment_thumbnail"
    ),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("review/", views.review_queue, name="review_queue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/xlsx/", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("overdue/", views.overdue, name="overdue"),
    path("quality/", views.quality, name="quality"),
    path("showcase/", views.showcase, name="showcase"),
]
