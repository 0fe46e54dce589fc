"""The confirmation page of every destructive action (works without JavaScript).

A destructive view answers GET with `confirm_page(...)`, whose form POSTs back to the same
address; only the POST acts. Buttons on other pages are plain links to the GET.
"""

from django.shortcuts import render


def confirm_page(
    request,
    *,
    title: str,
    question: str,
    cancel_url: str,
    action_label: str,
    details: list[tuple[str, str]] = (),
    warning: str = "",
    reason_label: str = "",
    hidden: dict | None = None,
):
    """The page asking `question`, naming what is affected (`details`: label, value) and
    offering `action_label` (POST to this URL) or going back to `cancel_url`. With
    `reason_label`, the form asks for a reason, posted as `reason`; `hidden` carries the values
    a first form already gave (e.g. a date) into the confirming POST."""
    context = {
        "title": title,
        "question": question,
        "details": details,
        "warning": warning,
        "action_label": action_label,
        "cancel_url": cancel_url,
        "reason_label": reason_label,
        "hidden": sorted((hidden or {}).items()),
    }
    return render(request, "common/confirm.html", context)


def confirmed(request) -> bool:
    """The POST came from the confirmation page's button."""
    return request.method == "POST" and "confirm" in request.POST
