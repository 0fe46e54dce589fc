"""Sections (b)–(d) of the benchmark, each in its own module with `run() -> dict`.

(b) bench/rankings.py, (c) bench/export.py, (d) bench/reminders.py. A section whose module is
not there yet is reported as missing, never as a figure.
"""

from importlib import import_module

SECTIONS = {"rankings": "bench.rankings", "export": "bench.export", "reminders": "bench.reminders"}


def run_all():
    results = {}
    for key, name in SECTIONS.items():
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            results[key] = {"status": "not written yet"}
            continue
        results[key] = module.run()
    return results
