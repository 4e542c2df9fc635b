"""Writes for timesheets; `summaries` sends the weekly summary e-mail."""

from worklens_server.timesheets.services.summaries import (
    WEEKLY_SUMMARY,
    last_week,
    send_weekly_summaries,
)

__all__ = ["WEEKLY_SUMMARY", "last_week", "send_weekly_summaries"]
