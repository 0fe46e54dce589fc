from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from common import panels

from . import permissions, selectors


@login_required
def home(request):
    return render(
        request, "competition/home.html", {"panels": panels.collect("home_panels", request)}
    )


@login_required
def unit_list(request):
    units = selectors.units_for_user(request.user)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "competition/unit_list.html", {"page": page})


@login_required
def unit_detail(request, pk):
    unit = selectors.unit_for_user(request.user, pk)
    permissions.require(request.user, "competition.view_unit", unit)
    return render(
        request,
        "competition/unit_detail.html",
        {"unit": unit, "panels": panels.collect("unit_panels", request, unit)},
    )
