"""Statutory and working-day arithmetic for the strategic-plan cycle: election (general, re-run,
by-election) → legal deadline (5393 art. 41), council meetings (5393 art. 20, 5216 art. 13), target
meeting, Turkish official holidays and working days. Pure functions with explicit inputs: no database,
no app context."""

from .council import (
    DEFAULT_RECESS_MONTH,
    MUNICIPALITY_TYPES,
    WEEKDAYS,
    CouncilMeeting,
    council_meetings,
    meeting_of_month,
    meeting_week,
    rule_date,
)
from .election import (
    BY_ELECTION,
    ELECTION_KINDS,
    GENERAL,
    RERUN,
    ElectionError,
    deadline_counts_from,
    kind_label,
)
from .inputs import parse_date, parse_month, parse_municipality_type, parse_weekday
from .legal import add_months, deadline_warnings, legal_deadline
from .notices import CalendarWarning, describe, format_day, format_month
from .schedule import Schedule, build_schedule, recess_warnings
from .target import TargetMeeting, target_council_meeting
from .workdays import (
    DayKind,
    add_working_days,
    day_kind,
    half_day_name,
    holiday_name,
    is_half_day,
    is_working_day,
    next_working_day,
    official_holidays,
    working_days_between,
)

__all__ = [
    "BY_ELECTION", "ELECTION_KINDS", "GENERAL", "RERUN", "ElectionError", "deadline_counts_from", "kind_label",
    "recess_warnings",
    "DEFAULT_RECESS_MONTH", "MUNICIPALITY_TYPES", "WEEKDAYS", "CalendarWarning", "CouncilMeeting", "DayKind",
    "Schedule", "TargetMeeting", "add_months", "add_working_days", "build_schedule", "council_meetings",
    "day_kind", "deadline_warnings", "describe", "format_day", "format_month", "half_day_name", "holiday_name",
    "is_half_day", "is_working_day", "legal_deadline", "meeting_of_month", "meeting_week", "next_working_day",
    "official_holidays", "parse_date", "parse_month", "parse_municipality_type", "parse_weekday", "rule_date",
    "target_council_meeting", "working_days_between",
]
