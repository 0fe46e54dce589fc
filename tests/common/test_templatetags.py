"""The portal's template filters."""

from django.template.defaultfilters import floatformat
from django.utils import translation

from common.templatetags.portal import score


def test_score_prints_what_floatformat_prints_in_both_languages():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value in (0.0, 84.0, 49.999, 12.3456, 100, 3.14159):
                assert score(value) == floatformat(value, 2)
                assert score(value, 1) == floatformat(value, 1)


def test_score_of_nothing_is_a_dash():
    assert score(None) == "—"
    assert score("") == "—"
