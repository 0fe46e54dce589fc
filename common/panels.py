"""Pages that several apps contribute to (the home dashboard, a unit's page).

Each app may define `<app>/dashboard.py` with `home_panels(request)` and/or
`unit_panels(request, unit)`, returning a list of `Panel`s; the page shows them in app
order. An app adds its part of the page without touching another app's views.

The home page's 待办 (to-do) list is gathered the same way: `todo_items(request)` in an app's
dashboard returns `TodoItem`s (what the user has to do next, each a link), computed by the
app's selectors in a bounded number of queries.
"""

import datetime
from dataclasses import dataclass, field
from importlib import import_module

from django.utils import timezone
from django.utils.translation import gettext as _

PANEL_APPS = ("competition", "volunteers", "reports", "awards")


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass
class TodoItem:
    """One thing to do: `label` links to `url`; `detail` (e.g. the office's comment) and
    `due` (a deadline) are shown beside it; `urgent` items are marked."""

    label: str
    url: str
    detail: str = ""
    due: datetime.date | None = None
    urgent: bool = False
    order: int = 100

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - timezone.localdate()).days

    @property
    def when(self) -> str:
        """How far the deadline is, in the reminders' words."""
        days = self.days_left
        if days is None:
            return ""
        if days > 0:
            return _("距截止还有%(days)s天") % {"days": days}
        if days == 0:
            return _("今天截止")
        return _("已逾期%(days)s天") % {"days": -days}


def _modules():
    for app in PANEL_APPS:
        name = f"{app}.dashboard"
        try:
            yield import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def collect(hook: str, *args) -> list[Panel]:
    panels = []
    for module in _modules():
        function = getattr(module, hook, None)
        if function is not None:
            panels.extend(function(*args))
    return sorted(panels, key=lambda panel: panel.order)
