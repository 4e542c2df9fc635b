"""Timesheet views: the pages and files (`pages`), actions on time and weeks (`changes`), what
waits for approval and the settings (`approvals`)."""
