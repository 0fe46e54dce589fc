"""The main pages measured by bench/run.py: (label, username, url), resolved on the bench data."""

from django.urls import reverse


def main_pages():
    return [
        ("unit dashboard (staff home)", "xiangshan", reverse("home")),
        ("office home", "office1", reverse("home")),
        ("unit list (50/page)", "office1", reverse("competition:unit_list")),
    ]
