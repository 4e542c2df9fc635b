"""Reads for timesheets; `sheets` builds the timesheets themselves."""

from worklens_server.timesheets.selectors.sheets import (
    NO_PROJECT,
    Line,
    Timesheet,
    get_member_timesheet,
    get_team_timesheet,
    get_visible_team,
    list_visible_teams,
)

__all__ = [
    "NO_PROJECT",
    "Line",
    "Timesheet",
    "get_member_timesheet",
    "get_team_timesheet",
    "get_visible_team",
    "list_visible_teams",
]
