"""The one history page, for every record type an app registered (common.history)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .history import history_events, history_subject
from .paging import page_of
from .permissions import require


@login_required
def object_history(request, key, pk):
    subject = history_subject(key)
    if subject is None:
        raise Http404
    obj = get_object_or_404(subject.scope(request.user), pk=pk)
    require(request.user, subject.rule, obj)
    events = history_events(subject, request.user, obj)
    page = page_of(request, events)
    context = {"object": obj, "verbose_name": subject.model._meta.verbose_name, "page": page}
    return render(request, "common/history.html", context)
