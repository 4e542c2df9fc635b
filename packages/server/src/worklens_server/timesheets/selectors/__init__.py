"""Reads for timesheets: the timesheets themselves (`sheets`), approved changes as the counts see
them (`counted`), changes and who may decide them (`changes`), and submitted weeks (`weeks`)."""

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
