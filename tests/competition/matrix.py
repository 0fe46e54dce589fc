import datetime

from common.uploads import thumbnail_of
from competition.models import (
    ActivityType,
    Criterion,
    NineProject,
    Notice,
    ReportingPeriod,
    ReviewerAssignment,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckPhoto,
)
from tests import factories
from tests.competition import factories as scoring
from tests.matrix import (
    Case,
    admin_only,
    conflicted,
    everyone,
    office_only,
    own_unit_and_office,
)

PNG = (  # a 1×1 PNG that decodes (uploads are decoded in full: common/uploads.py)
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdacd`\xf8_\x0f\x00\x02\x87\x01\x80\xebG\xba\x92"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _confirm(world, kwargs):  # the POST of the confirmation page
    return {"confirm": ""}


def _year(w):
    return {"pk": w.year.pk}


def _project(w):
    """A fresh project of the year (each role may delete its own)."""
    number = w.year.projects.count() + 1
    project = NineProject.objects.create(
        year=w.year, number=number, name=f"矩阵工程{number}", short_name="矩阵"
    )
    return {"pk": w.year.pk, "project_pk": project.pk}


def _activity_type(w):
    number = w.year.activity_types.count() + 1
    activity_type = ActivityType.objects.create(
        year=w.year, number=number, code=f"matrix{number}", name=f"矩阵类型{number}"
    )
    return {"pk": w.year.pk, "type_pk": activity_type.pk}


def _entry(w):
    return {"pk": scoring.entry(w.unit_a, w.year).pk}


def _spot_check(w):
    return SpotCheck.objects.create(
        year=w.year,
        unit=w.unit_a,
        date=datetime.date(2019, 6, 1),
        inspectors="许文华",
        findings="台账齐全",
        rating="good",
    )


def _photo(w):
    from django.core.files.base import ContentFile

    photo = SpotCheckPhoto(spot_check=_spot_check(w), original_name="现场.png")
    photo.file.save("现场.png", ContentFile(PNG), save=False)
    photo.thumbnail.save("现场.jpg", thumbnail_of(ContentFile(PNG, name="现场.png")), save=True)
    return {"pk": photo.pk}


def _assignment(w):
    entry = scoring.entry(w.unit_a, w.year)
    reviewer = scoring.reviewer(f"assigned{entry.pk}")
    return {"pk": ReviewerAssignment.objects.create(entry=entry, reviewer=reviewer).pk}


def _notice(w, published):
    notice = Notice.objects.create(
        year=w.year,
        title="通报",
        body="正文",
        published=published,
        published_at=datetime.datetime(2019, 6, 1, tzinfo=datetime.UTC) if published else None,
    )
    return {"pk": notice.pk}


def _draw(w):
    return {
        "pk": SpotCheckDraw.objects.create(
            year=w.year, seed=1, count=1, pool=[[w.unit_a.pk, 3]], result=[w.unit_a.pk]
        ).pk
    }


def _spot_check_data(w, kwargs):
    return {
        "unit": w.unit_a.pk,
        "date": "2019-06-01",
        "inspectors": "许文华",
        "findings": "台账齐全",
        "rating": "good",
    }


def _entry_data(w, kwargs):
    return {
        "nine_project": factories.nine_project(1, w.year).pk,
        "title": f"新项目{kwargs.get('pk', '')}",
        "description": "简介",
        "target_villages": "桃园村",
        "target_households": 10,
    }


def _score_data(w, kwargs):
    return {"work": 20, "effect": 20, "income": 20, "satisfaction": 20, "comment": "好"}


# A year's rule pages: read on the world's year, written on 2021 (so that the other cases
# keep the world year's four criteria and quarters).
def _rules_year(w):
    return factories.competition_year(2021)


def _year_pk(w):
    return {"pk": w.year.pk}


def _rules_pk(w):
    return {"pk": _rules_year(w).pk}


def _criterion(w):
    year = _rules_year(w)
    n = Criterion.objects.filter(year=year).count() + 10
    criterion = Criterion.objects.create(
        year=year, code=f"x{n}", number=n, name=f"比创新{n}", rubric="-", max_points=10, weight=1
    )
    return {"pk": year.pk, "criterion_pk": criterion.pk}


def _period(w):
    year = _rules_year(w)
    return {"pk": year.pk, "period_pk": year.periods.order_by("number").last().pk}


def _free_q4(w):
    year = _rules_year(w)
    ReportingPeriod.objects.filter(year=year, number=4).delete()
    return {"pk": year.pk}


def _q4_data(w, kwargs):
    return {
        "number": 4,
        "name": "第四季度",
        "start": "2021-10-01",
        "end": "2021-12-31",
        "deadline": "2022-01-10",
    }


def _criterion_data(w, kwargs):
    return {"number": 7, "name": "比作风", "rubric": "作风", "max_points": 10, "weight": 1}


def _quality_rule(w):
    year = _rules_year(w)
    rule = year.quality_rules.order_by("-number").first()
    return {"pk": year.pk, "rule_pk": rule.pk}


def _quality_rule_data(w, kwargs):
    return {
        "target": "report", "kind": "bound", "field": "jobs_arranged", "high": 900,
        "min_peers": 4, "severity": "warn", "active": "on",
    }  # fmt: skip


def _self_assessment_data(w, kwargs):
    data = {"save": "1"}
    for code in ("work", "effect", "income", "satisfaction"):
        data |= {f"points_{code}": "10", f"justification_{code}": "落实", f"evidence_{code}": ""}
    return data


def _self_assessment_cases():
    def unit_a(w):
        w.year.self_assessment_deadline = datetime.date.today() + datetime.timedelta(days=30)
        w.year.save()
        return {"pk": w.unit_a.pk}

    return [
        # Other units' staff never find another unit's self-assessment.
        Case("competition:self_assessment", own_unit_and_office(200, 404), kwargs=unit_a),
        Case(
            "competition:self_assessment",
            {"staff_a": 302, "staff_b": 404, "office": 403, "admin": 403},
            kwargs=unit_a,
            method="post",
            data=_self_assessment_data,
            label="only the unit's staff fill it in",
        ),
    ]


def _year_rules_cases():
    get, post = admin_only(200), admin_only(302)
    return [
        Case("competition:year_quality", get, kwargs=_year_pk),
        Case(
            "competition:year_quality",
            post,
            kwargs=_rules_pk,
            method="post",
            data=_quality_rule_data,
            label="post",
        ),
        Case("competition:quality_rule_edit", get, kwargs=_quality_rule),
        Case(
            "competition:quality_rule_edit",
            post,
            kwargs=_quality_rule,
            method="post",
            data=_quality_rule_data,
            label="post",
        ),
        Case("competition:quality_rule_delete", post, kwargs=_quality_rule, method="post"),
        Case("competition:year_settings", get, kwargs=_year_pk),
        Case(
            "competition:year_settings",
            post,
            kwargs=_rules_pk,
            method="post",
            data=lambda w, k: {
                "title": "2021年度劳动竞赛",
                "theme": "主题",
                "start_date": "2021-01-01",
                "end_date": "2021-12-31",
                "evaluation_date": "2022-04-20",
                "disagreement_threshold": "10",
            },
            label="post",
        ),
        Case("competition:year_criteria", get, kwargs=_year_pk),
        Case(
            "competition:year_criteria",
            post,
            kwargs=_rules_pk,
            method="post",
            data=_criterion_data,
            label="post",
        ),
        Case("competition:criterion_edit", get, kwargs=_criterion),
        Case(
            "competition:criterion_edit",
            post,
            kwargs=_criterion,
            method="post",
            data=lambda w, k: {
                "number": 50,
                "name": f"比改{k['criterion_pk']}",
                "rubric": "改",
                "max_points": 20,
                "weight": 2,
            },
            label="post",
        ),
        Case("competition:criterion_delete", post, kwargs=_criterion, method="post", data=_confirm),
        Case("competition:criterion_delete", get, kwargs=_criterion, label="asks first"),
        Case("competition:year_quotas", get, kwargs=_year_pk),
        Case(
            "competition:year_quotas",
            post,
            kwargs=_rules_pk,
            method="post",
            data=lambda w, k: {
                "quota_county": 3,
                "quota_system": 3,
                "quota_direct": 2,
                "quota_poverty_office": 0,
            },
            label="post",
        ),
        Case(
            "competition:unit_quota_set",
            post,
            kwargs=_rules_pk,
            method="post",
            data=lambda w, k: {"unit": w.unit_a.pk, "quota": 5},
        ),
        Case("competition:year_units", get, kwargs=_year_pk),
        Case(
            "competition:participation_start",
            post,
            kwargs=_rules_pk,
            method="post",
            data=lambda w, k: {"unit": w.unit_b.pk, "date": "2099-01-01"},
        ),
        Case(
            "competition:participation_end",
            post,
            kwargs=_rules_pk,
            method="post",
            data=lambda w, k: {"unit": w.unit_b.pk, "date": "2099-01-01", "reason": "撤并"},
        ),
        Case("competition:year_periods", get, kwargs=_year_pk),
        Case(
            "competition:year_periods",
            post,
            kwargs=_free_q4,
            method="post",
            data=_q4_data,
            label="post",
        ),
        Case("competition:period_edit", get, kwargs=_period),
        Case(
            "competition:period_edit",
            post,
            kwargs=_period,
            method="post",
            data=_q4_data,
            label="post",
        ),
        Case("competition:period_delete", post, kwargs=_period, method="post", data=_confirm),
        Case("competition:period_delete", get, kwargs=_period, label="asks first"),
        Case(
            "competition:periods_replace",
            post,
            kwargs=_rules_pk,
            method="post",
            data=lambda w, k: {"scheme": "monthly", "deadline_days": 10},
        ),
    ]


def cases(world):
    staff_edit = {"staff_a": 200, "staff_b": 404, "office": 403, "admin": 403}
    office_scores = conflicted({"staff_a": 403, "staff_b": 404, "office": 200, "admin": 403})
    staff_only = {"staff_a": 200, "staff_b": 200, "office": 403, "admin": 403}
    office_post = {"staff_a": 403, "staff_b": 403, "office": 302, "admin": 302}
    return [
        Case("home", everyone(200)),
        Case("competition:unit_list", everyone(200)),
        Case(
            "competition:unit_detail",
            own_unit_and_office(200, 404),
            kwargs=lambda w: {"pk": w.unit_a.pk},
        ),
        Case("competition:entry_list", everyone(200)),
        Case("competition:entry_create", staff_only),
        Case(
            "competition:entry_create",
            {**staff_only, "staff_a": 302, "staff_b": 302},
            method="post",
            data=_entry_data,
            label="post",
        ),
        Case("competition:entry_detail", own_unit_and_office(200, 404), kwargs=_entry),
        # The one history page (common.history), for each kind the competition registers.
        Case(
            "history:object_history",
            {**own_unit_and_office(200, 404), "staff_parent": 200},  # a parent reads its units
            kwargs=lambda w: {"key": "competition.entry", **_entry(w)},
            label="entry",
        ),
        Case(
            "history:object_history",
            {**own_unit_and_office(200, 404), "staff_parent": 200},  # a parent reads its units
            kwargs=lambda w: {"key": "competition.unit", "pk": w.unit_a.pk},
            label="unit",
        ),
        Case(
            "history:object_history",
            office_only(200, 403),
            kwargs=lambda w: {"key": "competition.competitionyear", "pk": w.year.pk},
            label="year",
        ),
        Case(
            "history:object_history",
            {**own_unit_and_office(200, 404), "staff_parent": 200},
            kwargs=lambda w: {"key": "competition.spotcheck", "pk": _spot_check(w).pk},
            label="spot check",
        ),
        Case("competition:entry_edit", staff_edit, kwargs=_entry),
        Case(
            "competition:entry_edit",
            {**staff_edit, "staff_a": 302},
            kwargs=_entry,
            method="post",
            data=_entry_data,
            label="post",
        ),
        Case("competition:sheet_edit", office_scores, kwargs=_entry),
        Case(
            "competition:sheet_edit",
            {**office_scores, "office": 302},
            kwargs=_entry,
            method="post",
            data=_score_data,
            label="post",
        ),
        Case("competition:standings", office_only(200, 403)),
        Case(
            "competition:results_publish",
            admin_only(302),
            method="post",
            data=lambda w, k: {"published": "0"},
        ),
        Case("competition:progress", office_only(200, 403)),
        Case("competition:assignment_list", admin_only(200)),
        Case(
            "competition:assignment_spread",
            admin_only(302),
            method="post",
            data=lambda w, k: {"per_entry": 1, "seed": 7},
        ),
        Case("competition:assignment_delete", admin_only(302), kwargs=_assignment, method="post"),
        Case("competition:conflict_list", office_only(200, 403)),
        Case(
            "competition:conflict_list",
            {"staff_a": 403, "staff_b": 403, "office": 302, "admin": 403},
            method="post",
            data=lambda w, k: {"unit": w.unit_b.pk, "reason": "亲属任职"},
            label="post",
        ),
        Case("competition:spot_check_list", everyone(200)),
        Case("competition:spot_check_create", office_only(200, 403)),
        Case(
            "competition:spot_check_create",
            # A conflict is the unit field's error: the form again, saying why.
            conflicted(office_only(302, 403), 200),
            method="post",
            data=_spot_check_data,
            label="post",
        ),
        Case(
            "competition:spot_check_detail",
            own_unit_and_office(200, 404),
            kwargs=lambda w: {"pk": _spot_check(w).pk},
        ),
        Case("competition:spot_check_photo", own_unit_and_office(200, 404), kwargs=_photo),
        Case(
            "competition:spot_check_photo_thumbnail", own_unit_and_office(200, 404), kwargs=_photo
        ),
        Case(
            "competition:draw_create",
            office_post,
            method="post",
            data=lambda w, k: {"count": 1, "seed": 5},
        ),
        Case("competition:draw_detail", office_only(200, 404), kwargs=_draw),
        Case("competition:notice_list", everyone(200)),
        Case("competition:notice_create", office_only(200, 403)),
        Case("competition:notice_detail", everyone(200), kwargs=lambda w: _notice(w, True)),
        Case(
            "competition:notice_detail",
            office_only(200, 404),
            kwargs=lambda w: _notice(w, False),
            label="draft",
        ),
        Case(
            "competition:notice_publish",
            office_only(302, 404),
            kwargs=lambda w: _notice(w, False),
            method="post",
        ),
        Case(
            "competition:notice_delete",
            office_only(200, 404),
            kwargs=lambda w: _notice(w, False),
            label="asks first",
        ),
        Case(
            "competition:notice_delete",
            office_only(302, 404),
            kwargs=lambda w: _notice(w, False),
            method="post",
            data=lambda w, k: {"confirm": ""},
        ),
        *_year_rules_cases(),
        *_self_assessment_cases(),
        Case("competition:year_list", admin_only(200)),
        Case("competition:project_list", admin_only(200), kwargs=_year),
        Case("competition:project_create", admin_only(200), kwargs=_year),
        Case(
            "competition:project_create",
            admin_only(302),
            kwargs=_year,
            method="post",
            data=lambda w, k: {"name": f"新工程{NineProject.objects.count()}", "short_name": "新"},
            label="post",
        ),
        Case("competition:project_edit", admin_only(200), kwargs=_project),
        Case(
            "competition:project_delete",
            admin_only(302),
            kwargs=_project,
            method="post",
            data=_confirm,
        ),
        Case("competition:project_delete", admin_only(200), kwargs=_project, label="asks first"),
        Case("competition:activity_type_list", admin_only(200), kwargs=_year),
        Case("competition:activity_type_create", admin_only(200), kwargs=_year),
        Case(
            "competition:activity_type_create",
            admin_only(302),
            kwargs=_year,
            method="post",
            data=lambda w, k: {
                "code": f"new{ActivityType.objects.count()}",
                "name": f"新类型{ActivityType.objects.count()}",
            },
            label="post",
        ),
        Case("competition:activity_type_edit", admin_only(200), kwargs=_activity_type),
        Case(
            "competition:activity_type_delete",
            admin_only(302),
            kwargs=_activity_type,
            method="post",
            data=_confirm,
        ),
        Case(
            "competition:activity_type_delete",
            admin_only(200),
            kwargs=_activity_type,
            label="asks first",
        ),
        Case(
            "competition:year_close",
            admin_only(302),
            kwargs=lambda w: {"pk": w.year.pk},
            method="post",
        ),
        Case(
            "competition:year_reopen",
            admin_only(302),
            kwargs=lambda w: {"pk": w.year.pk},
            method="post",
            data=lambda w, k: {"reason": "补录"},
        ),
    ]
