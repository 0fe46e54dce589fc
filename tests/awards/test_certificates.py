"""PDF certificates: the text a reader finds in them (pypdf), their numbers, the batch of a
run, the refusal before a decision, who may download them, and a missing font."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from awards import selectors, services, tasks
from awards.models import AwardDecision, Certificate, CertificateBatch, ShortlistItem
from common import pdf
from competition.models import CompetitionYear
from tests.awards import factories as af
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db


def texts(content: bytes) -> list[str]:
    """Each page's text without white space (a line may break inside a phrase)."""
    return ["".join(page.extract_text().split()) for page in PdfReader(BytesIO(content)).pages]


def embedded_fonts(content: bytes) -> set[str]:
    """The fonts of the PDF that carry their glyphs (FontFile2: TrueType)."""
    found = set()
    for page in PdfReader(BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                found.add(str(font["/BaseFont"]))
    return found


@pytest.fixture
def run(admin_user, unit_a, unit_b, year, reviewers):
    """A finished run of 2019 with one collective (unit_a), one individual (unit_b) and the
    units on the shortlist, none decided yet."""
    collective = af.nomination(unit_a, year, entry=scoring.entry(unit_a, year, number=1))
    individual = af.nomination(
        unit_b,
        year,
        entry=scoring.entry(unit_b, year, number=6),
        category="individual",
        person_name="李先锋",
    )
    for nomination in (collective, individual):
        scoring.sheet(nomination.entry, reviewers[0], 20, 20, 20, 20)
        af.accepted_application(nomination.unit, year)  # the unit candidates applied
    run = services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )
    for category in ("collective", "individual", "unit"):
        services.shortlist_build(actor=admin_user, run=run, category=category, top_n=1)
    return run


def item_of(run, category) -> ShortlistItem:
    return selectors.shortlist_items_for_user(run.created_by).get(run=run, category=category)


def decide(run, category, admin_user, *, publish=True) -> ShortlistItem:
    """The award of the category's item, published (approved, 公示, decision) unless not."""
    item = item_of(run, category)
    award = selectors.year_awards(run.year)[category].code
    services.shortlist_decide(actor=admin_user, item=item, award=award)
    if publish:
        af.published(run)
    return item_of(run, category)


@pytest.fixture
def decided(run, admin_user):
    categories = ("collective", "individual", "unit")
    for category in categories:
        decide(run, category, admin_user, publish=False)
    af.published(run)
    return {c: item_of(run, c) for c in categories}


def run_decision(item):
    return AwardDecision.objects.get(run=item.run_id)


def download(client, item):
    return client.get(reverse("awards:certificate", args=[item.pk]))


# --- wording ---------------------------------------------------------------------------------


def test_collective_certificate_reads_as_a_vanguard_collective(client_for, staff_a, decided, year):
    item = decided["collective"]
    response = download(client_for(staff_a), item)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    [page] = texts(b"".join(response.streaming_content))
    certificate = Certificate.objects.get(item=item)
    assert certificate.label == "〔2019〕第1号"
    assert "证书编号：〔2019〕第1号" in page
    assert "荣誉证书" in page
    assert "相山区总工会：" in page
    project = item.nomination_ranking.nine_project.name
    assert f"在{year.title}中成绩突出，被评为{project}先锋集体，特授予" in page
    assert "淮北市五一劳动奖状" in page
    assert "淮北市总工会脱贫攻坚竞赛办公室" in page
    # The date of the published decision, not of the office's proposal.
    day = run_decision(item).published_on
    assert day == timezone.localdate()
    assert f"{day.year}年{day.month}月{day.day}日" in page


def test_individual_certificate_names_the_person_and_the_unit(client_for, staff_b, decided):
    item = decided["individual"]
    [page] = texts(b"".join(download(client_for(staff_b), item).streaming_content))
    project = item.nomination_ranking.nine_project.name
    assert "李先锋同志（濉溪县总工会）：" in page
    assert f"被评为{project}先锋个人，特授予" in page
    assert "淮北市五一劳动奖章" in page
    assert "先锋集体" not in page


def test_unit_certificate_is_for_organising_not_a_title(client_for, office_user, decided):
    item = decided["unit"]
    [page] = texts(b"".join(download(client_for(office_user), item).streaming_content))
    assert f"{item.recipient}：" in page
    assert "暨“跟着劳模去扶贫”活动中组织工作成绩突出，特授予" in page
    assert "淮北市五一劳动奖状" in page
    assert "被评为" not in page and "参赛单位" not in page


def test_the_years_award_name_is_on_the_certificate(admin_user, run, year):
    services.evaluation_settings_save(
        actor=admin_user, year=year, data={"award_names": {"collective": "工人先锋号"}}
    )
    item = decide(run, "collective", admin_user)
    certificate = services.certificate_issue(actor=admin_user, item=item)
    [page] = texts(certificate.file.read())
    assert "工人先锋号" in page and "五一劳动奖状" not in page


def test_the_chinese_font_is_embedded(admin_user, decided):
    certificate = services.certificate_issue(actor=admin_user, item=decided["collective"])
    fonts = embedded_fonts(certificate.file.read())
    assert fonts and all("NotoSansSC" in name for name in fonts)


# --- numbers ---------------------------------------------------------------------------------


def test_numbers_are_the_years_own_and_kept(admin_user, decided, run):
    issued = [
        services.certificate_issue(actor=admin_user, item=decided[c])
        for c in ("unit", "collective", "individual")
    ]
    assert [c.number for c in issued] == [1, 2, 3]
    again = services.certificate_issue(actor=admin_user, item=decided["collective"])
    assert (again.pk, again.number) == (issued[1].pk, 2)
    # A lost file is drawn again with the same number.
    again.file.delete(save=True)
    redrawn = services.certificate_issue(actor=admin_user, item=decided["collective"])
    assert redrawn.number == 2 and "〔2019〕第2号" in texts(redrawn.file.read())[0]
    assert Certificate.objects.count() == 3


def test_another_year_counts_from_one(admin_user, decided, run):
    services.certificate_issue(actor=admin_user, item=decided["collective"])
    later = CompetitionYear.objects.get(pk=run.year_id)
    y2020 = scoring.factories.competition_year(2020)
    assert later != y2020
    unit = decided["unit"].unit
    nomination = af.nomination(unit, y2020, entry=scoring.entry(unit, y2020))
    scoring.sheet(nomination.entry, scoring.reviewer("judge2020"), 20, 20, 20, 20)
    run_2020 = services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=y2020)
    )
    services.shortlist_build(actor=admin_user, run=run_2020, category="collective", top_n=1)
    item = decide(run_2020, "collective", admin_user)
    assert services.certificate_issue(actor=admin_user, item=item).label == "〔2020〕第1号"


def test_the_database_refuses_a_number_twice(admin_user, decided):
    first = services.certificate_issue(actor=admin_user, item=decided["collective"])
    with pytest.raises(ValidationError):
        Certificate(item=decided["unit"], year=first.year, number=first.number).full_clean()


def test_an_issued_award_cannot_be_withdrawn_or_removed(admin_user, decided):
    item = decided["collective"]
    services.certificate_issue(actor=admin_user, item=item)
    # A published decision is frozen for good (the leading group cannot return it).
    with pytest.raises(ValidationError, match="当前为“已发布”，入围名单和表彰决定已冻结"):
        services.shortlist_decide(actor=admin_user, item=item, award="")
    with pytest.raises(ValidationError, match="已冻结"):
        services.shortlist_remove(actor=admin_user, item=item)
    assert ShortlistItem.objects.filter(pk=item.pk).exclude(award="").exists()


# --- before the decision ---------------------------------------------------------------------


REFUSED = "表彰决定尚未发布（须经领导小组批准、公示期满后发布），还不能颁发证书。"


def test_no_certificate_before_the_decision(client_for, admin_user, office_user, run):
    item = item_of(run, "collective")
    assert not selectors.certificate_available(item)
    with pytest.raises(ValidationError, match="表彰决定尚未发布"):
        services.certificate_issue(actor=admin_user, item=item)
    response = download(client_for(office_user), item)
    assert response.status_code == 409
    assert REFUSED in response.content.decode()
    assert not Certificate.objects.exists()


def test_no_certificate_before_publication(client_for, admin_user, office_user, run):
    """Decided, approved, even under 公示 or with the 公示 over: still no certificate."""
    from awards import approval

    item = decide(run, "collective", admin_user, publish=False)
    leader, proposer = af.leading_group_member(), af.office_member()
    steps = [
        lambda: approval.decision_submit(actor=proposer, run=run),
        lambda: approval.decision_approve(actor=leader, run=run),
        lambda: approval.publicity_start(actor=proposer, run=run),
    ]
    for step in [lambda: None, *steps]:
        step()
        assert not selectors.certificate_available(item_of(run, "collective"))
        with pytest.raises(ValidationError, match="表彰决定尚未发布"):
            services.certificate_issue(actor=admin_user, item=item_of(run, "collective"))
    response = download(client_for(office_user), item)
    assert response.status_code == 409 and REFUSED in response.content.decode()
    assert not Certificate.objects.exists()


def test_certificate_available_follows_the_published_decision(admin_user, run):
    item = decide(run, "collective", admin_user, publish=False)
    assert not selectors.certificate_available(item)
    af.published(run)
    assert selectors.certificate_available(item_of(run, "collective"))
    assert selectors.certificate_date(item_of(run, "collective")) == timezone.localdate()


# --- permissions -----------------------------------------------------------------------------


def test_unit_staff_download_only_their_own_units(client_for, staff_a, staff_b, decided):
    assert download(client_for(staff_a), decided["collective"]).status_code == 200
    assert download(client_for(staff_b), decided["collective"]).status_code == 404
    assert download(client_for(staff_a), decided["individual"]).status_code == 404
    assert download(client_for(None), decided["collective"]).status_code == 302
    # Refused before issuing: no number was taken for the other unit.
    assert list(Certificate.objects.values_list("item", flat=True)) == [decided["collective"].pk]


def test_office_and_admin_download_every_certificate(client_for, office_user, admin_user, decided):
    for user in (office_user, admin_user):
        for item in decided.values():
            assert download(client_for(user), item).status_code == 200
    assert Certificate.objects.count() == 3


def test_the_service_asks_the_permission(staff_b, decided):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.certificate_issue(actor=staff_b, item=decided["collective"])


# --- the batch of a run ----------------------------------------------------------------------


def test_batch_has_one_page_per_award_with_the_kept_numbers(
    client_for, office_user, admin_user, decided, run, django_capture_on_commit_callbacks
):
    first = services.certificate_issue(actor=admin_user, item=decided["individual"])
    client = client_for(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("awards:certificate_batch_start", args=[run.pk]))
    assert response.status_code == 302
    batch = CertificateBatch.objects.get()
    assert (batch.status, batch.count, batch.created_by) == ("done", 3, office_user)
    pages = texts(
        b"".join(
            client.get(
                reverse("awards:certificate_batch_download", args=[batch.pk])
            ).streaming_content
        )
    )
    assert len(pages) == 3
    numbers = {c.item_id: c.label for c in Certificate.objects.all()}
    assert numbers[first.item_id] == "〔2019〕第1号"
    for page, category in zip(pages, ("collective", "individual", "unit"), strict=True):
        item = decided[category]
        assert numbers[item.pk] in page and item.recipient in page
    # The task again is a no-op; a new batch reuses the numbers.
    assert services.certificate_batch_build(batch=batch).count == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_batch_start(actor=admin_user, run=run)
    assert Certificate.objects.count() == 3


def test_batch_leaves_out_undecided_items(admin_user, run, django_capture_on_commit_callbacks):
    decide(run, "unit", admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.certificate_batch_start(actor=admin_user, run=run)
    batch.refresh_from_db()
    assert batch.count == 1 and len(texts(batch.file.read())) == 1


def test_batch_refused_without_decisions(client_for, admin_user, run):
    with pytest.raises(ValidationError, match="尚无可颁发证书的表彰决定"):
        services.certificate_batch_start(actor=admin_user, run=run)
    response = client_for(admin_user).post(
        reverse("awards:certificate_batch_start", args=[run.pk]), follow=True
    )
    assert "本次评选尚无可颁发证书的表彰决定。" in response.content.decode()
    assert not CertificateBatch.objects.exists()


def test_batch_is_for_the_office_and_admins(
    client_for, staff_a, office_user, decided, run, django_capture_on_commit_callbacks
):
    start = reverse("awards:certificate_batch_start", args=[run.pk])
    assert client_for(staff_a).post(start).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_batch_start(actor=office_user, run=run)
    url = reverse("awards:certificate_batch_download", args=[CertificateBatch.objects.get().pk])
    assert client_for(staff_a).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert client_for(office_user).get(url).status_code == 200


def test_shortlist_page_offers_the_batch(client_for, office_user, staff_a, decided, run):
    page = client_for(office_user).get(reverse("awards:shortlist", args=[run.pk]))
    assert "生成全部证书（PDF）" in page.content.decode()


# --- the font --------------------------------------------------------------------------------


def test_missing_font_is_said_clearly(client_for, settings, tmp_path, admin_user, decided):
    settings.PDF_FONT_DIR = tmp_path / "nofonts"
    with pytest.raises(pdf.FontMissing, match="make install"):
        services.certificate_issue(actor=admin_user, item=decided["collective"])
    response = download(client_for(admin_user), decided["collective"])
    assert response.status_code == 503
    assert "未安装PDF证书所用的中文字体" in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_batch_without_the_font_fails_and_says_why(
    client_for, settings, tmp_path, office_user, decided, run, django_capture_on_commit_callbacks
):
    settings.PDF_FONT_DIR = tmp_path / "nofonts"
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_batch_start(actor=office_user, run=run)
    batch = CertificateBatch.objects.get()
    assert batch.status == "failed" and "make install" in batch.error
    page = client_for(office_user).get(reverse("awards:shortlist", args=[run.pk]))
    assert "未安装PDF证书所用的中文字体" in page.content.decode()
    assert not batch.file and not Certificate.objects.exists()


def test_the_task_leaves_a_missing_or_built_batch_alone(
    office_user, decided, run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.certificate_batch_start(actor=office_user, run=run)
    assert tasks.build_certificate_batch(batch_id=batch.pk) == "done"
    assert tasks.build_certificate_batch(batch_id=batch.pk + 1000) == "missing"
    assert Certificate.objects.count() == 3
