"""The admin's pages for API tokens (接口令牌): list, create (the secret shown once), detail
with the record of use, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from common.forms import add_service_errors
from common.paging import page_of
from competition.permissions import require

from . import selectors, services
from .forms import ApiTokenForm


@login_required
def token_list(request):
    require(request.user, "api.manage_tokens")
    page = page_of(request, selectors.tokens_for_user(request.user))
    return render(request, "api/token_list.html", {"page": page})


@never_cache
@login_required
def token_create(request):
    require(request.user, "api.manage_tokens")
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = services.api_token_create(
                actor=request.user,
                name=data["name"],
                scopes=data["scopes"],
                years=list(data["years"]),
                all_years=data["all_years"],
                expires_at=form.expires_at(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # The secret is rendered in this answer only (never stored, never redirected to).
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_form.html", {"form": form})


@login_required
def token_detail(request, pk):
    token = selectors.token_for_user(request.user, pk)
    uses = selectors.token_uses(token)
    return render(request, "api/token_detail.html", {"token": token, "uses": uses})


@require_POST
@login_required
def token_revoke(request, pk):
    token = selectors.token_for_user(request.user, pk)
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("api_tokens:token_detail", pk=token.pk)
