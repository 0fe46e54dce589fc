"""Form helpers shared by the apps."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator

# More people or households than the city has is a typing error; without a cap SQLite stores
# it and PostgreSQL fails on it (integer out of range) instead of answering with a form error.
MAX_COUNT = 10_000_000


def cap_counts(form, *names, maximum: int = MAX_COUNT) -> None:
    """Bound the form's count fields (people, households...) to a believable maximum."""
    for name in names:
        field = form.fields[name]
        field.validators.append(MaxValueValidator(maximum))
        field.widget.attrs["max"] = maximum


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: per field where it names one of the form's fields,
    otherwise as an error of the whole form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)
