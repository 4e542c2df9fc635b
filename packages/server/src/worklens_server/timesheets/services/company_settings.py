"""The company's timesheet settings, changed by its owners."""

from __future__ import annotations

from worklens_server.companies.models import Member
from worklens_server.timesheets.models import TimesheetSettings
from worklens_server.timesheets.services.errors import NotPermitted


def set_timesheet_settings(*, by: Member, changes_need_approval: bool) -> TimesheetSettings:
    """`by`'s company: whether manual time and edits wait for approval. Changes asked for before
    keep their status: pending ones still wait for a decision when approval is switched off."""
    if by.role != Member.Role.OWNER:
        raise NotPermitted("Only an owner changes the timesheet settings.")
    settings, _ = TimesheetSettings.objects.update_or_create(
        company_id=by.company_id,
        defaults={"changes_need_approval": changes_need_approval, "updated_by": by},
    )
    return settings
