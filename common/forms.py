"""Form helpers shared by the apps."""

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
