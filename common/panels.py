"""Pages that several apps contribute to (the home dashboard, a unit's page).

Each app may define `<app>/dashboard.py` with `home_panels(request)` and/or
`unit_panels(request, unit)`, returning a list of `Panel`s; the page shows them in app
order. An app adds its part of the page without touching another app's views.
"""

from dataclasses import dataclass, field
from importlib import import_module

PANEL_APPS = ("competition", "volunteers", "reports", "awards")


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


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
