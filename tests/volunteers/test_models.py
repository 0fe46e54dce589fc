import pytest

from volunteers.models import mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        ("138-1234-1234", "138****1234"),
        ("0561-3021532", "056****1532"),
        ("05613021532123", "056*******2123"),
        ("12345", "12***"),
        ("", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked
