from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """Every list of /api/v1/: pages of 50 rows (`?page=`), `?page_size=` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = _("页码，从 1 起。")
    page_size_query_description = _("每页行数，默认 50，最多 200。")
    invalid_page_message = _("页码无效。")
