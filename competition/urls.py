from django.urls import path

from . import views, year_views

app_name = "competition"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("entries/", views.entry_list, name="entry_list"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/score/", views.sheet_edit, name="sheet_edit"),
    path("standings/", views.standings, name="standings"),
    path("standings/publish/", views.results_publish, name="results_publish"),
    path("progress/", views.progress, name="progress"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/spread/", views.assignment_spread, name="assignment_spread"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("spot-checks/", views.spot_check_list, name="spot_check_list"),
    path("spot-checks/new/", views.spot_check_create, name="spot_check_create"),
    path("spot-checks/<int:pk>/", views.spot_check_detail, name="spot_check_detail"),
    path("spot-checks/photos/<int:pk>/", views.spot_check_photo, name="spot_check_photo"),
    path("spot-checks/draw/", views.draw_create, name="draw_create"),
    path("spot-checks/draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("years/", views.year_list, name="year_list"),
    path("years/<int:pk>/close/", views.year_close, name="year_close"),
    path("years/<int:pk>/reopen/", views.year_reopen, name="year_reopen"),
    path("years/<int:pk>/projects/", views.project_list, name="project_list"),
    path("years/<int:pk>/projects/new/", views.project_create, name="project_create"),
    path("years/<int:pk>/projects/<int:project_pk>/", views.project_edit, name="project_edit"),
    path(
        "years/<int:pk>/projects/<int:project_pk>/delete/",
        views.project_delete,
        name="project_delete",
    ),
    path("years/<int:pk>/activity-types/", views.activity_type_list, name="activity_type_list"),
    path(
        "years/<int:pk>/activity-types/new/",
        views.activity_type_create,
        name="activity_type_create",
    ),
    path(
        "years/<int:pk>/activity-types/<int:type_pk>/",
        views.activity_type_edit,
        name="activity_type_edit",
    ),
    path(
        "years/<int:pk>/activity-types/<int:type_pk>/delete/",
        views.activity_type_delete,
        name="activity_type_delete",
    ),
    path("years/<int:pk>/criteria/", year_views.year_criteria, name="year_criteria"),
    path(
        "years/<int:pk>/criteria/<int:criterion_pk>/edit/",
        year_views.criterion_edit,
        name="criterion_edit",
    ),
    path(
        "years/<int:pk>/criteria/<int:criterion_pk>/delete/",
        year_views.criterion_delete,
        name="criterion_delete",
    ),
    path("years/<int:pk>/quotas/", year_views.year_quotas, name="year_quotas"),
    path("years/<int:pk>/quotas/unit/", year_views.unit_quota_set, name="unit_quota_set"),
    path("years/<int:pk>/units/", year_views.year_units, name="year_units"),
    path("years/<int:pk>/units/start/", year_views.participation_start, name="participation_start"),
    path("years/<int:pk>/units/end/", year_views.participation_end, name="participation_end"),
    path("years/<int:pk>/periods/", year_views.year_periods, name="year_periods"),
    path(
        "years/<int:pk>/periods/<int:period_pk>/edit/", year_views.period_edit, name="period_edit"
    ),
    path(
        "years/<int:pk>/periods/<int:period_pk>/delete/",
        year_views.period_delete,
        name="period_delete",
    ),
    path("years/<int:pk>/periods/replace/", year_views.periods_replace, name="periods_replace"),
]
