import datetime

from django.core.files.base import ContentFile

from awards import services
from awards.models import DisciplinaryFinding, NominationAttachment, UnitApplication
from competition.selectors import current_year
from tests.awards import factories as af
from tests.competition import factories as scoring
from tests.matrix import (
    Case,
    admin_only,
    conflicted,
    everyone,
    office_only,
    own_unit_and_office,
)


def _nomination(w):
    return af.nomination(w.unit_a, w.year)


def _finding(w):
    nomination = _nomination(w)
    finding = DisciplinaryFinding.objects.create(
        nomination=nomination, found_on=datetime.date(2020, 3, 1), description="-", evidence="-"
    )
    return {"pk": nomination.pk, "finding_pk": finding.pk}


def _application(w):
    from django.utils import timezone

    application, _created = UnitApplication.objects.get_or_create(
        year=w.year,
        unit=w.unit_a,
        defaults={"statement": "-", "evidence": "-", "submitted_at": timezone.now()},
    )
    return {"pk": application.pk}


def _pk(w):
    return {"pk": _nomination(w).pk}


def _attachment(w):
    attachment = NominationAttachment(nomination=_nomination(w), original_name="事迹.pdf")
    attachment.file.save("事迹.pdf", ContentFile(b"%PDF-1.4\n%\xe2\xe3\n"), save=True)
    return {"pk": attachment.pk}


def _run(w):
    nomination = _nomination(w)
    scoring.sheet(nomination.entry, scoring.reviewer(f"m{nomination.pk}"), 20, 20, 20, 20)
    return services.evaluation_run_build(
        run=services.evaluation_run_create(actor=w.admin, year=w.year)
    )


def _run_pk(w):
    return {"pk": _run(w).pk}


def _item(w, award=""):
    run = _run(w)
    item = services.shortlist_build(actor=w.admin, run=run, category="collective", top_n=1)[0]
    if award:
        services.shortlist_decide(actor=w.admin, item=item, award=award)
    return {"pk": item.pk}


def _batch(w):
    run = _run(w)
    item = services.shortlist_build(actor=w.admin, run=run, category="collective", top_n=1)[0]
    services.shortlist_decide(actor=w.admin, item=item, award="certificate")
    batch = services.certificate_batch_start(actor=w.admin, run=run)
    services.certificate_batch_build(batch=batch)
    return {"pk": batch.pk}


def _decided_run(w):
    run = _run(w)
    item = services.shortlist_build(actor=w.admin, run=run, category="collective", top_n=1)[0]
    services.shortlist_decide(actor=w.admin, item=item, award="certificate")
    return {"pk": run.pk}


def _nomination_data(w, kwargs):
    # The form offers the entries of the current year (other apps' cases may add years).
    entry = scoring.entry(w.unit_a, current_year())
    return {
        "entry": entry.pk,
        "category": "collective",
        "collective_kind": "unit",
        "statement": "事迹",
        **af.COLLECTIVE_EVIDENCE,
    }


def cases(world):
    staff_only = {"staff_a": 200, "staff_b": 200, "office": 403, "admin": 403}
    staff_edit = {"staff_a": 200, "staff_b": 404, "office": 403, "admin": 403}
    runs = {"staff_a": 404, "staff_b": 404, "office": 200, "admin": 200}
    runs_admin = {"staff_a": 404, "staff_b": 404, "office": 403, "admin": 302}
    return [
        Case("awards:nomination_list", everyone(200)),
        Case("awards:nomination_create", staff_only),
        Case(
            "awards:nomination_create",
            {**staff_only, "staff_a": 302, "staff_b": 200},
            method="post",
            data=_nomination_data,
            label="post",
        ),
        Case("awards:nomination_detail", own_unit_and_office(200, 404), kwargs=_pk),
        Case("awards:nomination_edit", staff_edit, kwargs=_pk),
        Case("awards:nomination_delete", staff_edit, kwargs=_pk, label="asks first"),
        Case(
            "awards:nomination_delete",
            {**staff_edit, "staff_a": 302},
            kwargs=_pk,
            method="post",
            data=lambda w, k: {"confirm": ""},
        ),
        Case(
            "awards:nomination_override",
            conflicted({"staff_a": 403, "staff_b": 404, "office": 302, "admin": 302}),
            kwargs=_pk,
            method="post",
            data=lambda w, k: {"override": "on", "reason": "特批"},
        ),
        Case("awards:application_list", everyone(200)),
        Case(
            "awards:application_apply",
            {"staff_a": 200, "staff_b": 200, "office": 403, "admin": 403},
        ),
        Case("awards:application_detail", own_unit_and_office(200, 404), kwargs=_application),
        Case(
            "awards:application_review",
            conflicted({"staff_a": 403, "staff_b": 404, "office": 302, "admin": 302}),
            kwargs=_application,
            method="post",
            data=lambda w, k: {"decision": "accept"},
        ),
        Case(
            "awards:finding_create",
            conflicted({"staff_a": 302, "staff_b": 404, "office": 302, "admin": 302}),
            kwargs=_pk,
            method="post",
            data=lambda w, k: {"found_on": "2020-03-01", "evidence": "文号", "description": "情况"},
        ),
        Case(
            "awards:finding_withdraw",
            conflicted({"staff_a": 403, "staff_b": 404, "office": 302, "admin": 302}),
            kwargs=_finding,
            method="post",
            data=lambda w, k: {"reason": "录入有误"},
        ),
        Case(
            "awards:attachment_upload",
            {"staff_a": 302, "staff_b": 404, "office": 403, "admin": 403},
            kwargs=_pk,
            method="post",
            data=lambda w, k: {"file": ContentFile(b"%PDF-1.4\n%%EOF\n", name="a.pdf")},
        ),
        Case("awards:attachment_download", own_unit_and_office(200, 404), kwargs=_attachment),
        Case("awards:attachment_delete", staff_edit, kwargs=_attachment, label="asks first"),
        Case(
            "awards:attachment_delete",
            {**staff_edit, "staff_a": 302},
            kwargs=_attachment,
            method="post",
            data=lambda w, k: {"confirm": ""},
        ),
        Case("awards:evaluation", office_only(200, 403)),
        Case("awards:year_open", admin_only(200)),
        Case(
            "awards:settings_save",
            admin_only(302),
            method="post",
            data=lambda w, k: {
                "weight_entries": "0.6",
                "weight_timeliness": "0.2",
                "weight_quota": "0.2",
                "late_report_factor": "0.5",
                "min_service_years": "2",
                "rule_1": "effect",
                "award_collective": "淮北市五一劳动奖状",
                "award_individual": "淮北市五一劳动奖章",
                "award_unit": "淮北市五一劳动奖状",
            },
        ),
        Case(
            "awards:award_limit_set",
            admin_only(302),
            method="post",
            data=lambda w, k: {"unit": w.unit_a.pk, "max_awards": "2"},
        ),
        Case("awards:run_start", admin_only(302), method="post"),
        Case("awards:run_detail", runs, kwargs=_run_pk),
        Case("awards:export", {**runs, "office": 403}, kwargs=_run_pk),
        Case("awards:priority_export", runs, kwargs=_run_pk),
        Case("awards:shortlist", runs, kwargs=_run_pk),
        Case(
            "awards:shortlist_build",
            runs_admin,
            kwargs=_run_pk,
            method="post",
            data=lambda w, k: {"category": "collective", "top_n": 3},
        ),
        Case(
            "awards:shortlist_decide",
            runs_admin,
            kwargs=_item,
            method="post",
            data=lambda w, k: {"award": "certificate"},
        ),
        Case(
            "awards:shortlist_remove",
            runs_admin,
            kwargs=_item,
            method="post",
            data=lambda w, k: {"confirm": ""},
        ),
        Case(
            "awards:shortlist_remove",
            {**runs_admin, "admin": 200},
            kwargs=_item,
            label="asks first",
        ),
        Case(
            "awards:certificate",
            own_unit_and_office(200, 404),
            kwargs=lambda w: _item(w, "certificate"),
        ),
        Case(
            "awards:certificate_batch_start",
            {"staff_a": 404, "staff_b": 404, "office": 302, "admin": 302},
            kwargs=_decided_run,
            method="post",
        ),
        Case("awards:certificate_batch_download", office_only(200, 404), kwargs=_batch),
    ]
