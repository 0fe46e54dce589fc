import pytest
from django.conf import settings as project_settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HASHERS = list(project_settings.PASSWORD_HASHERS)  # before the tests' MD5 is put first


def test_argon2_is_the_portals_first_hasher():
    assert HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_an_older_hash_is_upgraded_to_argon2_at_login(client, settings):
    settings.PASSWORD_HASHERS = HASHERS
    user = UserFactory(username="older")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post(reverse("login"), {"username": "older", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
