"""Timesheet views; `pages` holds the timesheet pages and their files."""
