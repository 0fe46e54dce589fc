"""Template access to the one permission module: `{% may "reports.edit_report" report as ok %}`."""

from django import template
from django.urls import reverse

from common import history, permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action, obj=None):
    return permissions.may(context["request"].user, action, obj)


@register.simple_tag(takes_context=True)
def history_url(context, obj):
    """The URL of the object's history page when it has one and the user may see it, else ""."""
    key = history.history_key(obj) if obj is not None else None
    if key is None:
        return ""
    subject = history.history_subject(key)
    if not permissions.may(context["request"].user, subject.rule, obj):
        return ""
    return reverse("history:object_history", kwargs={"key": key, "pk": obj.pk})


@register.simple_tag(takes_context=True)
def querystring_page(context, page, key="page"):
    """The current query string with `page` (or another pager's `key`) replaced: filters and
    the other pagers survive pagination."""
    params = context["request"].GET.copy()
    params[key] = page
    return "?" + params.urlencode()


@register.filter
def item(mapping, key):
    """`mapping[key]`, None when the mapping or the key is missing (criterion means by code)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def score(value, digits=2):
    """A score or rate with fixed decimals, "—" when there is none.

    What `floatformat` prints for the portal's two languages (both write "." and no
    thousands separator), at a tenth of its cost: the standings and rankings tables print
    six of them per row.
    """
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}f}"


@register.filter
def minutes(value):
    """A timedelta as whole minutes (at least 1): "locked for 15 minutes"."""
    if not value:
        return ""
    return max(1, round(value.total_seconds() / 60))
