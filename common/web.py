"""What views do with a service's refusal: shown on the next page, or put on the form.

With `common.paging.page_of` (a page of rows) and `competition.web` (the year and unit a
request is about), the one way every app's views read a request and answer a refusal;
`once_per_request`, the one memo of a figure several panels of a page ask for.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm


def once_per_request(request, name: str, compute):
    """`compute()`, asked once per request: the panels of one page need the same figures
    (the current year and period, the reports waiting, the year's run); kept on the request
    under `name`."""
    memo = request.__dict__.setdefault("_once_per_request", {})
    if name not in memo:
        memo[name] = compute()
    return memo[name]


def show_errors(request, error: ValidationError | BaseForm) -> None:
    """Each message of a service's ValidationError, or of a bound form's errors, as an error
    message on the page the view redirects to."""
    if isinstance(error, BaseForm):
        texts = [text for errors in error.errors.values() for text in errors]
    else:
        texts = error.messages
    for text in texts:
        messages.error(request, text)


def put_errors(form: BaseForm, error: ValidationError, *, field_of=lambda name: name) -> None:
    """Put a service's ValidationError on the form: beside its field when it names one of
    the form's, above the form otherwise. `field_of` turns the service's name for a field
    into the form's (the self-assessment's criterion code `c1` is the field `points_c1`)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = field_of(name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
