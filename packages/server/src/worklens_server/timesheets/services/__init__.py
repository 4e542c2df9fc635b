"""Writes for timesheets: the weekly summary e-mail (`summaries`), changes to a member's time
(`changes`), submitted weeks and their decisions (`weeks`), the company's timesheet settings
(`settings`), and the e-mails these send (`notices`). Domain errors are in `errors`."""

from worklens_server.timesheets.services.summaries import (
    WEEKLY_SUMMARY,
    last_week,
    send_weekly_summaries,
)

__all__ = ["WEEKLY_SUMMARY", "last_week", "send_weekly_summaries"]
