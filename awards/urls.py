from django.urls import path

from . import application_views, approval_views, views

app_name = "awards"
urlpatterns = [
    path("", views.nomination_list, name="nomination_list"),
    path("new/", views.nomination_create, name="nomination_create"),
    path("<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("<int:pk>/edit/", views.nomination_edit, name="nomination_edit"),
    path("<int:pk>/override/", views.nomination_override, name="nomination_override"),
    path("<int:pk>/delete/", views.nomination_delete, name="nomination_delete"),
    path("applications/", application_views.application_list, name="application_list"),
    path("applications/apply/", application_views.application_apply, name="application_apply"),
    path(
        "applications/<int:pk>/",
        application_views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/review/",
        application_views.application_review,
        name="application_review",
    ),
    path("<int:pk>/findings/", views.finding_create, name="finding_create"),
    path("<int:pk>/work-starts/", views.work_start_create, name="work_start_create"),
    path(
        "<int:pk>/findings/<int:finding_pk>/withdraw/",
        views.finding_withdraw,
        name="finding_withdraw",
    ),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("years/open/", views.year_open, name="year_open"),
    path("evaluation/settings/", views.settings_save, name="settings_save"),
    path("evaluation/award-limits/", views.award_limit_set, name="award_limit_set"),
    path("evaluation/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/xlsx/", views.export_run, name="export"),
    path("runs/<int:pk>/priority.xlsx", views.priority_export, name="priority_export"),
    path("runs/<int:pk>/shortlist/", views.shortlist, name="shortlist"),
    path("runs/<int:pk>/shortlist/build/", views.shortlist_build, name="shortlist_build"),
    path("shortlist/<int:pk>/decide/", views.shortlist_decide, name="shortlist_decide"),
    path("shortlist/<int:pk>/remove/", views.shortlist_remove, name="shortlist_remove"),
    path("shortlist/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("runs/<int:pk>/decision/", approval_views.decision, name="decision"),
    path("runs/<int:pk>/decision/submit/", approval_views.decision_submit, name="decision_submit"),
    path(
        "runs/<int:pk>/decision/approve/", approval_views.decision_approve, name="decision_approve"
    ),
    path("runs/<int:pk>/decision/return/", approval_views.decision_return, name="decision_return"),
    path(
        "runs/<int:pk>/decision/publicity/", approval_views.publicity_start, name="publicity_start"
    ),
    path(
        "runs/<int:pk>/decision/publicity/close/",
        approval_views.publicity_close,
        name="publicity_close",
    ),
    path(
        "runs/<int:pk>/decision/publish/", approval_views.decision_publish, name="decision_publish"
    ),
    path("publicity/", approval_views.publicity_list, name="publicity_list"),
    path("publicity/<int:pk>/", approval_views.publicity, name="publicity"),
    path(
        "publicity/<int:pk>/objections/new/",
        approval_views.objection_create,
        name="objection_create",
    ),
    path("publicity/<int:pk>/objections/", approval_views.objection_list, name="objection_list"),
    path("objections/<int:pk>/answer/", approval_views.objection_answer, name="objection_answer"),
    path(
        "runs/<int:pk>/certificates/",
        views.certificate_batch_start,
        name="certificate_batch_start",
    ),
    path(
        "certificates/<int:pk>/",
        views.certificate_batch_download,
        name="certificate_batch_download",
    ),
]
