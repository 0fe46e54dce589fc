"""What the database holds, to assert that a refused request changed nothing.

`snapshot()` reads every row of every table of our apps (and users), ordered by primary key:
cheap on a test database, and exact (a changed field shows, not only a changed row count).
Sessions, login attempts and the admin log are left out: logging in writes them.
"""

from django.apps import apps

APPS = ("competition", "reports", "volunteers", "awards", "common", "api", "auth")
SKIPPED = {"auth.permission", "auth.group"}


def snapshot() -> dict[str, list[tuple]]:
    state = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label_lower
            if label in SKIPPED:
                continue
            fields = [f.attname for f in model._meta.concrete_fields]
            state[label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return state


def changes(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ, with their row counts before → after."""
    return [
        f"{label}: {len(before[label])} → {len(after[label])} rows"
        for label in before
        if before[label] != after[label]
    ]
