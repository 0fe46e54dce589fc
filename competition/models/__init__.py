"""The competition core's models: `core` (units, years, periods, roles, reference data) and
`scoring` (四比双争 entries, score sheets, conflicts, assignments, spot checks, notices)."""

from .core import (
    CompetitionYear,
    Criterion,
    Membership,
    NineProject,
    ReportingPeriod,
    Unit,
    UnitKind,
    default_evaluation_date,
    period_label,
)
from .scoring import (
    ConflictDeclaration,
    Entry,
    EntryScore,
    Notice,
    ReviewerAssignment,
    ScoreSheet,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckPhoto,
    criterion_pairs,
    spot_check_photo_path,
)

__all__ = [
    "CompetitionYear",
    "ConflictDeclaration",
    "Criterion",
    "Entry",
    "EntryScore",
    "Membership",
    "NineProject",
    "Notice",
    "ReportingPeriod",
    "ReviewerAssignment",
    "ScoreSheet",
    "SpotCheck",
    "SpotCheckDraw",
    "SpotCheckPhoto",
    "Unit",
    "UnitKind",
    "criterion_pairs",
    "default_evaluation_date",
    "period_label",
    "spot_check_photo_path",
]
