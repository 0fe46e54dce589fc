"""Pages of 50 rows, with the heavy part of a row computed for the page only."""

from collections.abc import Callable, Iterable

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def page_of(
    request: HttpRequest,
    rows,
    *,
    details: Callable[[list], Iterable] | None = None,
    count: int | None = None,
    per_page: int = PAGE_SIZE,
) -> Page:
    """The page of `rows` that the request's `?page=` asks for (the last one when too large).

    With `details`, `rows` lists only primary keys, already in the page order (cheap to
    count, sort and cut), and `details(keys)` returns the rows (objects, or dicts with a
    "pk") of one page's keys in any order; the page shows them in the keys' order. Joins
    and per-row aggregates then run for the rows shown, not for every row of the city.
    `count`, when the caller can count the rows more cheaply than `rows.count()` (a query
    with every annotation built), saves that work.
    """
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: the instance value takes its place
    page = paginator.get_page(request.GET.get("page"))
    if details is not None:
        keys = list(page.object_list)
        by_key = {_key(row): row for row in details(keys)}
        page.object_list = [by_key[key] for key in keys if key in by_key]
    return page


def _key(row):
    return row["pk"] if isinstance(row, dict) else row.pk
