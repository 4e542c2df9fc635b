"""The domain errors of timesheet changes and weeks: each message says what is wrong, in words a
member or a manager can act on. Views turn them into pages (NotPermitted: 403, the rest: 400)."""

from __future__ import annotations


class TimesheetRefused(Exception):
    """A change, a week or a decision is not possible as asked."""


class WeekLocked(TimesheetRefused):
    """The time lies in an approved week: nothing changes there until it is reopened."""


class NotPermitted(TimesheetRefused):
    """The acting member may not do this (decide their own time, or another team's)."""
