from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .paging import page_of


@login_required
def notification_list(request):
    notifications = selectors.notifications_for_user(request.user)
    page = page_of(request, notifications)
    return render(request, "common/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    notification = selectors.notification_for_user(request.user, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    # "Open" marks read and follows the link; only links into the portal are followed.
    if "open" in request.POST and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link)
    return redirect("common:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return redirect("common:notification_list")
