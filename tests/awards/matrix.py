import datetime

from django.core.files.base import ContentFile

from awards import services
from awards.models import (
    AwardDecision,
    DisciplinaryFinding,
    NominationAttachment,
    Objection,
    UnitApplication,
)
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


def _staged(w, until):
    """A run of unit A's award at the stage `until` of the procedure (af.STAGES; "" for a
    draft). Only one decision of a year goes beyond a draft: the earlier cases' are put back
    to "returned" straight in the database."""
    AwardDecision.objects.filter(run__year=w.year).update(
        stage="returned", publicity_start=None, publicity_end=None
    )
    run = _run(w)
    item = services.shortlist_build(actor=w.admin, run=run, category="collective", top_n=1)[0]
    services.shortlist_decide(actor=w.admin, item=item, award="certificate")
    decision = af.staged(run, until) if until else None
    return run, item, decision


def _published_item(w):
    return {"pk": _staged(w, "published")[1].pk}


def _batch(w):
    run = _staged(w, "published")[0]
    batch = services.certificate_batch_start(actor=w.admin, run=run)
    services.certificate_batch_build(batch=batch)
    return {"pk": batch.pk}


def _decided_run(w):
    return {"pk": _staged(w, "published")[0].pk}


def _run_at(until):
    return lambda w: {"pk": _staged(w, until)[0].pk}


def _publicity_at(until):
    return lambda w: {"pk": _staged(w, until)[2].pk}


def _objection(w):
    """An objection to unit A's award under 公示 (written straight to the database)."""
    _run, item, decision = _staged(w, "publicity")
    objection = Objection.objects.create(decision=decision, item=item, text="事迹不实。")
    return {"pk": objection.pk}


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
    runs_office = {"staff_a": 404, "staff_b": 404, "office": 302, "admin": 302}
    proposal = {"staff_a": 404, "staff_b": 404, "office": 302, "admin": 403}
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
            "history:object_history",
            own_unit_and_office(200, 404),
            kwargs=lambda w: {"key": "awards.nomination", **_pk(w)},
            label="nomination",
        ),
        Case(
            "history:object_history",
            own_unit_and_office(200, 404),
            kwargs=lambda w: {"key": "awards.unitapplication", **_application(w)},
            label="application",
        ),
        Case(
            "history:object_history",
            own_unit_and_office(200, 404) | {"staff_a": 404},  # the office's record
            kwargs=lambda w: {"key": "awards.shortlistitem", **_item(w)},
            label="shortlist item",
        ),
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
            "awards:work_start_create",
            conflicted({"staff_a": 302, "staff_b": 404, "office": 302, "admin": 302}),
            kwargs=_pk,
            method="post",
            data=lambda w, k: {"started_on": "2016-03-01", "evidence": "派驻文件"},
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
            runs_office,
            kwargs=_run_pk,
            method="post",
            data=lambda w, k: {"category": "collective", "top_n": 3},
        ),
        # The office proposes the decisions, never on a unit it has a conflict with.
        Case(
            "awards:shortlist_decide",
            conflicted(runs_office),
            kwargs=_item,
            method="post",
            data=lambda w, k: {"award": "certificate"},
        ),
        Case(
            "awards:shortlist_remove",
            conflicted(runs_office),
            kwargs=_item,
            method="post",
            data=lambda w, k: {"confirm": ""},
        ),
        Case(
            "awards:shortlist_remove",
            conflicted({**runs_office, "office": 200, "admin": 200}),
            kwargs=_item,
            label="asks first",
        ),
        Case("awards:certificate", own_unit_and_office(200, 404), kwargs=_published_item),
        # The procedure: the office submits, the leading group (admin) approves, returns and
        # publishes; the office runs the 公示 and answers objections; everyone sees the 公示
        # and may object.
        Case("awards:decision", runs, kwargs=_run_at("")),
        Case("awards:decision_submit", proposal, kwargs=_run_at(""), method="post"),
        Case("awards:decision_approve", runs_admin, kwargs=_run_at("submitted"), method="post"),
        Case(
            "awards:decision_return",
            runs_admin,
            kwargs=_run_at("submitted"),
            method="post",
            data=lambda w, k: {"comment": "请补充材料。"},
        ),
        Case("awards:publicity_start", runs_office, kwargs=_run_at("approved"), method="post"),
        Case("awards:publicity_close", runs_office, kwargs=_run_at("publicity"), method="post"),
        Case(
            "awards:decision_publish",
            runs_admin,
            kwargs=_run_at("final"),
            method="post",
            data=lambda w, k: {"number": "淮工字〔2020〕9号"},
        ),
        Case("awards:publicity_list", everyone(200)),
        Case("awards:publicity", everyone(200), kwargs=_publicity_at("publicity")),
        Case(
            "awards:objection_create",
            everyone(302),
            kwargs=_publicity_at("publicity"),
            method="post",
            data=lambda w, k: {"text": "有异议。"},
        ),
        Case("awards:objection_list", office_only(200, 403), kwargs=_publicity_at("publicity")),
        Case(
            "awards:objection_answer",
            conflicted({"staff_a": 404, "staff_b": 404, "office": 302, "admin": 302}),
            kwargs=_objection,
            method="post",
            data=lambda w, k: {f"o{k['pk']}-answer": "已核实。"},
        ),
        Case(
            "awards:certificate_batch_start",
            {"staff_a": 404, "staff_b": 404, "office": 302, "admin": 302},
            kwargs=_decided_run,
            method="post",
        ),
        Case("awards:certificate_batch_download", office_only(200, 404), kwargs=_batch),
    ]
