"""Sections (b)–(d) of the benchmark; filled in as rankings, export and reminders land."""


def run_all():
    return {}
