"""History in the portal: who changed what and when, old and new values, read from the one
audit mechanism (django-simple-history's historical records).

Apps register each record type that has a history page (`history_subject_register`, from
their AppConfig), saying which of them a user may see (`scope`) and the permission that opens
the page (`rule`); they may add the related records shown with it (`history_related_register`:
a year's criteria and quotas with the year, an entry's score sheets with the entry; an app
above adds its own, e.g. awards the year's evaluation settings). So `common` names no app above
it, and the one page (`common.history_views.object_history`) serves every record.
"""

import datetime
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The bookkeeping fields of every record, which a change list does not show.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "created", "modified"}

ACTIONS = {"+": _("创建"), "~": _("修改"), "-": _("删除")}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    who: object  # a User, or None (a command, the worker, the data migration)
    action: str
    label: str  # which record: the object itself ("") or a related one ("评分表 · 李审核")
    changes: list[Change]
    reason: str
    created: bool = False  # the first record: its changes are the values it was created with


@dataclass(frozen=True)
class HistorySubject:
    """A record type with a history page. `scope(user)` is the user-scoped queryset of the
    records (out of scope is 404); `rule` the permission asked of the record (403); each of
    `related` is `related(user, obj)` giving (label, historical records[, hidden fields])
    shown with it; the label names the record, so the fields that say which one it is (the
    sheet of a score) are hidden."""

    model: type[models.Model]
    scope: Callable
    rule: str
    hidden: frozenset = frozenset()
    related: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.model._meta.label_lower


_SUBJECTS: dict[str, HistorySubject] = {}


def history_subject_register(model, *, scope, rule, related=None, hidden=()) -> None:
    subject = HistorySubject(model, scope, rule, frozenset(hidden))
    _SUBJECTS[subject.key] = subject
    if related is not None:
        subject.related.append(related)


def history_related_register(model, related: Callable) -> None:
    """Show more related records with a registered subject's history."""
    _SUBJECTS[model._meta.label_lower].related.append(related)


def history_subject(key: str) -> HistorySubject | None:
    return _SUBJECTS.get(key)


def history_key(obj) -> str | None:
    """The URL key of an object's history page, or None when it has none."""
    key = obj._meta.label_lower
    return key if key in _SUBJECTS else None


def events_of(records: Iterable, *, label="", hidden=frozenset()) -> list[Event]:
    """The events of historical records of one or more objects: for each object, its
    records in order, each compared with the one before. `label` names the record, or is a
    function of the historical record (a sheet's score: its criterion)."""
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    by_object: dict = {}
    for record in records:
        pk = getattr(record, record.instance_type._meta.pk.attname)
        by_object.setdefault(pk, []).append(record)
    events, names = [], _related_names(records, hidden)
    for chain in by_object.values():
        previous = None
        for record in chain:
            events.append(_event(record, previous, label=label, hidden=hidden, names=names))
            previous = record
    return events


def _tracked(record, hidden) -> list:
    return [
        f
        for f in record.instance_type._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and f.name not in hidden and hasattr(record, f.attname)
    ]


def _related_names(records, hidden) -> dict:
    """The names of every related record the events show, one query per related model (a
    year's quotas name hundreds of units: not a query per change)."""
    wanted: dict = {}
    for record in records:
        for f in _tracked(record, hidden):
            value = getattr(record, f.attname)
            if f.is_relation and value is not None:
                wanted.setdefault(f.related_model, set()).add(value)
    names = {}
    for model, pks in wanted.items():
        found = model._default_manager.in_bulk(pks)
        names.update({(model, pk): str(found[pk]) if pk in found else f"#{pk}" for pk in pks})
    return names


def _event(record, previous, *, label, hidden, names) -> Event:
    fields = _tracked(record, hidden)
    changes = []
    for f in fields:
        new = getattr(record, f.attname)
        old = getattr(previous, f.attname) if previous is not None else None
        if record.history_type == "-" or (previous is not None and old == new):
            continue
        if previous is None and new in (None, "", [], {}):
            continue
        changes.append(Change(str(f.verbose_name), _shown(f, old, names), _shown(f, new, names)))
    return Event(
        at=record.history_date,
        who=record.history_user,
        action=str(ACTIONS.get(record.history_type, record.history_type)),
        label=str(label(record) if callable(label) else label),
        changes=changes,
        reason=record.history_change_reason or "",
        created=previous is None,
    )


def _shown(f, value, names: dict) -> str:
    """A field's value as a person reads it: the choice's name, yes/no, the related record's
    name (from `names`; "#pk" once it is deleted), local time."""
    if value is None or value == "":
        return "—"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return str(_("是") if value else _("否"))
    if f.is_relation:
        return names.get((f.related_model, value), f"#{value}")
    if isinstance(f, models.DateTimeField):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, decimal.Decimal):  # 25, 2.5: as typed, not 25.00
        return f"{value.normalize():f}"
    return str(value)


def history_events(subject: HistorySubject, user, obj) -> list[Event]:
    """The object's events and those of its related records, newest first."""
    events = events_of(obj.history.select_related("history_user"), hidden=subject.hidden)
    for related in subject.related:
        for label, records, *hidden in related(user, obj):
            records = records.select_related("history_user")
            events += events_of(records, label=label, hidden=frozenset(*hidden))
    return sorted(events, key=lambda e: e.at, reverse=True)
