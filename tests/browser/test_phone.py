"""Unit staff and the office on a phone (issue 16.4), in chromium at 390×844: photos chosen
several at once (one of them an iPhone HEIC) are uploaded from the activity page and their
thumbnails appear, each linking to the full image; the HEIC is stored as a JPEG; the activity,
nomination and unit lists and the office's review queue are cards, not a table squeezed to
one character a line; a unit nominates a collective and fills in its self-assessment (自查).
The staff's report and activity journey runs at this size too (test_journeys.py)."""

import io

import pillow_heif
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import ARTIFACTS, TIMEOUT_MS
from tests.factories import PASSWORD
from tests.volunteers.factories import ActivityFactory
from volunteers.models import ActivityPhoto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser, request, live_server, reference_data):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def staff(reference_data):
    factories.competition_year(2019)
    unit = factories.UnitFactory(name="相山区总工会", kind_code="county")
    factories.user_with_role("unit_staff", unit=unit, username="xiangshan")
    return unit


def log_in(page):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "xiangshan")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def jpeg() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (33.0, 57.0, 0.0)})  # where it was taken
    Image.new("RGB", (1600, 1200), (30, 140, 60)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def heic() -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (1200, 1600), (200, 80, 20))).save(out)
    return out.getvalue()


def test_photos_from_a_phone_become_thumbnails_on_the_activity(phone, staff):
    activity = ActivityFactory(unit=staff, title="入户走访")
    log_in(phone)
    phone.goto(f"/volunteers/activities/{activity.pk}/")
    gallery = phone.locator("input[type=file][name=file]")
    expect(gallery).to_have_attribute("accept", "image/*")
    expect(gallery).to_have_attribute("multiple", "")
    expect(phone.locator("input[name=camera]")).to_have_attribute("capture", "environment")
    gallery.set_input_files(
        [
            {"name": "村口.jpg", "mimeType": "image/jpeg", "buffer": jpeg()},
            {"name": "IMG_0001.HEIC", "mimeType": "image/heic", "buffer": heic()},
        ]
    )
    phone.fill("#id_caption", "入户走访现场")
    with phone.expect_navigation():
        phone.get_by_role("button", name="上传照片").click()
    expect(phone.get_by_text("已上传 2 张照片。")).to_be_visible()

    thumbnails = phone.locator("img.portal-thumb")
    expect(thumbnails).to_have_count(2)
    for index in range(2):
        thumbnail = thumbnails.nth(index)
        thumbnail.scroll_into_view_if_needed()
        expect(thumbnail).to_be_visible()
        # The image really arrived (decoded by the browser), at thumbnail size, and fits.
        phone.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
        )
        natural = thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert max(natural) == 320
        assert thumbnail.bounding_box()["width"] < 390
    names = [p.original_name for p in ActivityPhoto.objects.order_by("pk")]
    assert names == ["村口.jpg", "IMG_0001.jpg"]

    # The HEIC is a JPEG now, upright as taken, and each thumbnail links to its full image.
    heic_photo = ActivityPhoto.objects.get(original_name="IMG_0001.jpg")
    with heic_photo.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert (stored.format, stored.size) == ("JPEG", (1200, 1600))
    link = phone.locator(f'a[href="/volunteers/photos/{heic_photo.pk}/"]').first
    expect(link.locator("img.portal-thumb")).to_be_visible()
    with phone.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "IMG_0001.jpg"


def test_the_activity_list_is_cards_on_a_phone(phone, staff):
    ActivityFactory(unit=staff, title="劳模进村技能培训，面向全村贫困户的种植养殖实用技术")
    log_in(phone)
    phone.goto("/volunteers/activities/")
    card = phone.locator(".portal-activity-card").first
    expect(card).to_be_visible()
    expect(phone.locator("table")).to_be_hidden()
    title = card.get_by_role("link", name="劳模进村技能培训，面向全村贫困户的种植养殖实用技术")
    box = title.bounding_box()
    # Wide enough for words, not one character per line (the 8-column table did that).
    assert box["width"] > 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The filters are there, one above the other.
    expect(phone.get_by_label("活动类型")).to_be_visible()
    expect(phone.get_by_label("活动日期自")).to_be_visible()


def test_the_nomination_list_is_cards_on_a_phone(phone, staff):
    from tests.awards import factories as af

    year = factories.competition_year(2019)
    af.nomination(staff, year, category="individual", person_name="王先锋")
    log_in(phone)
    phone.goto("/awards/?year=2019")
    card = phone.locator(".portal-nomination-card").first
    expect(card).to_be_visible()
    expect(card.get_by_role("link", name="王先锋")).to_be_visible()
    expect(phone.locator("table")).to_be_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize(
    "path, card_class, shows",
    [
        ("/competition/units/", ".portal-unit-card", "相山区总工会"),
        ("/reports/review/", ".portal-queue-card", "2019年第1季度"),
    ],
    ids=["unit-list", "review-queue"],
)
def test_the_offices_unit_list_and_review_queue_are_cards_on_a_phone(
    phone, staff, path, card_class, shows
):
    from reports.enums import ReportStatus
    from tests.reports.factories import make_report, period

    year = factories.competition_year(2019)
    make_report(staff, period(year, 1), status=ReportStatus.SUBMITTED)
    factories.UnitFactory(name="淮北市总工会直属机关工会委员会（含退休职工服务中心）")
    factories.user_with_role("office", username="reviewer")
    phone.goto("/accounts/login/")
    phone.fill("input[name=username]", "reviewer")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    expect(phone.get_by_role("heading", name="工作台")).to_be_visible()

    phone.goto(path)
    card = phone.locator(card_class).filter(has_text=shows).first
    expect(card).to_be_visible()
    expect(card).to_contain_text("相山区总工会")
    expect(phone.locator("table")).to_be_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # Words on a line, not one character per line.
    assert card.locator(".fw-semibold").bounding_box()["width"] > 80


def test_staff_nominate_a_collective_on_a_phone(phone, staff):
    from awards.models import Nomination
    from tests.competition import factories as scoring

    year = factories.competition_year(2019)
    scoring.entry(staff, year, title="劳模领办食用菌合作社")
    log_in(phone)
    phone.goto("/awards/?year=2019")
    with phone.expect_navigation():
        phone.get_by_role("link", name="新增申报").click()
    phone.get_by_label("申报类别").select_option(label="先锋集体")
    entry = phone.locator("#id_entry option", has_text="劳模领办食用菌合作社")
    phone.get_by_label("依托的参赛项目").select_option(entry.get_attribute("value"))
    phone.get_by_label("集体类型").select_option(label="团队")
    phone.get_by_label("团队名称").fill("食用菌技术服务队")
    phone.get_by_label("主要事迹").fill("带动 40 户贫困户种植食用菌。")
    for criterion in ("积极参与", "大力推动", "模范践行"):
        phone.get_by_label(criterion).fill(f"{criterion}的事实材料。")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存申报").click()
    expect(phone.get_by_text("申报已保存。")).to_be_visible()
    expect(phone.get_by_role("main")).to_contain_text("食用菌技术服务队")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    nomination = Nomination.objects.get()
    assert (nomination.unit, nomination.team_name) == (staff, "食用菌技术服务队")


def test_staff_fill_and_submit_the_self_assessment_on_a_phone(phone, staff):
    from competition.models import CompetitionYear, SelfAssessment

    year = factories.competition_year(2019)
    CompetitionYear.objects.filter(pk=year.pk).update(self_assessment_deadline=None)
    log_in(phone)
    phone.goto(f"/competition/units/{staff.pk}/")
    with phone.expect_navigation():
        phone.get_by_role("link", name="2019年度自查").click()
    expect(phone.get_by_role("heading", name="相山区总工会 · 2019年度自查")).to_be_visible()
    phone.locator("#id_points_work").fill("22")
    phone.locator("#id_justification_work").fill("走访贫困户全覆盖。")
    phone.locator("#id_points_effect").fill("20.5")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交自查").click()
    # Unfinished: each criterion missing says so beside its field, and what was typed stays.
    expect(phone.get_by_text("请为“比经济收入”自评打分。")).to_be_visible()
    expect(phone.get_by_text("请填写“比项目成效”的自评理由。")).to_be_visible()
    expect(phone.locator("#id_justification_work")).to_have_value("走访贫困户全覆盖。")
    for code, points in (("effect", "20.5"), ("income", "18"), ("satisfaction", "24")):
        phone.locator(f"#id_points_{code}").fill(points)
        phone.locator(f"#id_justification_{code}").fill("有台账可查。")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交自查").click()
    expect(phone.get_by_text("自查已提交。")).to_be_visible()
    table = phone.locator("#self-assessment")
    expect(table.get_by_role("row").filter(has_text="比工作落实")).to_contain_text("22")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assessment = SelfAssessment.objects.get(unit=staff, year=year)
    assert assessment.submitted_at is not None
