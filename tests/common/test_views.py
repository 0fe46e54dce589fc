import pytest
from django.urls import reverse
from django.utils import timezone

from common.models import Notification
from tests.common.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_list_shows_own_unread_first(client_for, staff_a, staff_b):
    old_read = NotificationFactory(recipient=staff_a, title="旧的已读", read_at=timezone.now())
    unread = NotificationFactory(recipient=staff_a, title="新的未读")
    NotificationFactory(recipient=staff_b, title="别人的通知")
    old_read.created = timezone.now() + timezone.timedelta(minutes=1)  # newer, yet read
    old_read.save()
    response = client_for(staff_a).get(reverse("common:notification_list"))
    assert list(response.context["page"]) == [unread, old_read]
    body = response.content.decode()
    assert "别人的通知" not in body and "全部标为已读" in body


def test_navbar_shows_unread_count(client_for, staff_a):
    NotificationFactory.create_batch(3, recipient=staff_a)
    NotificationFactory(recipient=staff_a, read_at=timezone.now())
    body = client_for(staff_a).get(reverse("home")).content.decode()
    assert '<span class="badge text-bg-warning">3</span>' in body


@pytest.mark.parametrize("count", [3, 60])
def test_list_queries_bounded(count, client_for, staff_a, django_assert_max_num_queries):
    NotificationFactory.create_batch(count, recipient=staff_a)
    client = client_for(staff_a)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("common:notification_list"))
    assert len(response.context["page"]) == min(count, 50)


def test_read_marks_own_and_redirects(client_for, staff_a):
    notification = NotificationFactory(recipient=staff_a)
    response = client_for(staff_a).post(reverse("common:notification_read", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("common:notification_list")
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_read_open_follows_portal_link_only(client_for, staff_a):
    inside = NotificationFactory(recipient=staff_a, link="/reports/7/")
    outside = NotificationFactory(recipient=staff_a, link="https://evil.example.com/")
    client = client_for(staff_a)
    url = reverse("common:notification_read", args=[inside.pk])
    assert client.post(url, {"open": "1"})["Location"] == "/reports/7/"
    url = reverse("common:notification_read", args=[outside.pk])
    assert client.post(url, {"open": "1"})["Location"] == reverse("common:notification_list")


def test_read_foreign_is_404_and_unchanged(client_for, staff_a, office_user):
    notification = NotificationFactory(recipient=staff_a)
    url = reverse("common:notification_read", args=[notification.pk])
    assert client_for(office_user).post(url).status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_read_by_get_is_refused(client_for, staff_a):
    notification = NotificationFactory(recipient=staff_a)
    url = reverse("common:notification_read", args=[notification.pk])
    assert client_for(staff_a).get(url).status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_anonymous_sent_to_login(client):
    response = client.get(reverse("common:notification_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_read_all_marks_own_with_message(client_for, staff_a, staff_b):
    NotificationFactory.create_batch(2, recipient=staff_a)
    other = NotificationFactory(recipient=staff_b)
    response = client_for(staff_a).post(reverse("common:notification_read_all"), follow=True)
    assert "已将 2 条通知标为已读。" in response.content.decode()
    assert not Notification.objects.filter(recipient=staff_a, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
