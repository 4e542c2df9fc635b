from django.urls import path

from worklens_server.timesheets.views import approvals, changes, pages

app_name = "timesheets"

urlpatterns = [
    path("timesheets/", pages.home, name="home"),
    path("timesheets/team/", pages.team, name="team"),
    path("timesheets/teams/<uuid:team_id>/", pages.one_team, name="one_team"),
    path("timesheets/team/export.<str:fmt>", pages.team_export, name="team_export"),
    path(
        "timesheets/teams/<uuid:team_id>/export.<str:fmt>",
        pages.one_team_export,
        name="one_team_export",
    ),
    path("timesheets/members/<uuid:member_id>/", pages.member, name="member"),
    path(
        "timesheets/members/<uuid:member_id>/export.<str:fmt>",
        pages.member_export,
        name="member_export",
    ),
    # A member's own time: add forgotten time, trim an entry, withdraw, submit a week.
    path("timesheets/changes/add/", changes.add_time, name="add_time"),
    path("timesheets/changes/trim/", changes.trim_time, name="trim_time"),
    path("timesheets/changes/withdraw/", changes.withdraw, name="withdraw"),
    path("timesheets/weeks/submit/", changes.submit, name="submit_week"),
    # An approver's decisions, and what waits for them.
    path("timesheets/changes/decide/", changes.decide, name="decide_changes"),
    path("timesheets/weeks/decide/", changes.decide_a_week, name="decide_week"),
    path("timesheets/approvals/", approvals.approvals, name="approvals"),
    path("timesheets/settings/", approvals.timesheet_settings, name="settings"),
]
