"""Actions on time: a member adds or trims their own time, withdraws a change, submits a week; an
approver decides changes and weeks. Thin: find what the form names among what the viewer may see
(another company's or another team's ids are a 404, and nothing is stored), call one service,
show its message.

Forms with typed input (add, trim) come back with their errors on the member's page (400); a
button's refusal goes back to the page it came from as a message; NotPermitted is a 403."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from worklens_server.companies.access import is_htmx, viewer_required
from worklens_server.companies.models import Member
from worklens_server.formatting import clock
from worklens_server.timesheets.forms import (
    AddTimeForm,
    ChangeDecisionForm,
    TrimForm,
    WeekDecisionForm,
    WeekSubmitForm,
)
from worklens_server.timesheets.models import TimeChange
from worklens_server.timesheets.periods import BadPeriod, week_from, week_of
from worklens_server.timesheets.selectors.changes import find_own_entry, find_visible_changes
from worklens_server.timesheets.selectors.weeks import find_visible_week
from worklens_server.timesheets.services.changes import (
    decide_changes,
    request_added_time,
    request_trim,
    withdraw_change,
)
from worklens_server.timesheets.services.errors import NotPermitted, TimesheetRefused
from worklens_server.timesheets.services.weeks import decide_week, reopen_week, submit_week
from worklens_server.timesheets.views.pages import bad_period, member_page, period_of
from worklens_server.tracking.local_days import zone


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """To the timesheet page the form was on (`next`), else to `default`."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return redirect(target if safe and target.startswith("/timesheets/") else default)


def _week_url(member: Member, day: dt.date) -> str:
    path = reverse("timesheets:member", kwargs={"member_id": member.pk})
    return f"{path}?{week_of(day, starts_on=member.company.week_starts_on).query}"


def _local_day(member: Member, moment: dt.datetime) -> dt.date:
    return moment.astimezone(zone(member.timezone)).date()


def _refused(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    return render(request, "timesheets/refused.html", {"message": str(exc)}, status=403)


def _counts_text(change: TimeChange) -> str:
    if change.status == TimeChange.Status.APPROVED:
        return "It counts now, marked as manual." if change.kind == "add" else "It counts now."
    return "It counts once a manager approves it."


def _changed(
    request: HttpRequest,
    viewer: Member,
    form: AddTimeForm | TrimForm,
    ask: Callable[[], TimeChange],
) -> HttpResponse:
    try:
        period = period_of(request, viewer)
    except BadPeriod as exc:
        return bad_period(request, exc)
    if form.is_valid():
        try:
            change = ask()
        except TimesheetRefused as exc:
            form.add_error(None, str(exc))
        else:
            what = "Added" if change.kind == TimeChange.Kind.ADD else "Trimmed"
            messages.success(request, f"{what} {clock(change.seconds)}. {_counts_text(change)}")
            path = reverse("timesheets:member", kwargs={"member_id": viewer.pk})
            return redirect(f"{path}?{period.query}")
    if isinstance(form, AddTimeForm):
        return member_page(request, viewer, viewer, period, add_form=form, status=400)
    return member_page(request, viewer, viewer, period, trim_form=form, status=400)


@require_POST
@viewer_required
def add_time(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The signed-in member adds time they forgot to track (only ever their own)."""
    zone_name = viewer.timezone
    form = AddTimeForm(
        request.POST, zone_name=zone_name, member_id=viewer.pk, company_id=viewer.company_id
    )

    def ask() -> TimeChange:
        project, task = form.project_and_task()
        return request_added_time(
            member=viewer,
            started_at=form.cleaned_data["started_at"],
            ended_at=form.cleaned_data["ended_at"],
            project=project,
            task=task,
            notes=form.cleaned_data["notes"],
            reason=form.cleaned_data["reason"],
        )

    return _changed(request, viewer, form, ask)


@require_POST
@viewer_required
def trim_time(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The signed-in member trims one of their own tracked entries; anyone else's is a 404."""
    form = TrimForm(request.POST, zone_name=viewer.timezone)
    try:
        entry_id = uuid.UUID(request.POST.get("time_entry", ""))
    except ValueError:
        entry = None
    else:
        entry = find_own_entry(member=viewer, entry_id=entry_id)
        if entry is None:
            raise Http404("No such time entry.")

    def ask() -> TimeChange:
        assert entry is not None  # the form's time_entry is a UUID, found above
        return request_trim(
            member=viewer,
            entry=entry,
            started_at=form.cleaned_data["started_at"],
            ended_at=form.cleaned_data["ended_at"],
            reason=form.cleaned_data["reason"],
        )

    return _changed(request, viewer, form, ask)


def _ids(request: HttpRequest, name: str) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(value) for value in request.POST.getlist(name)]
    except ValueError:
        raise Http404(f"No such {name}.") from None


def _changes(request: HttpRequest, viewer: Member) -> list[TimeChange]:
    """The changes the form names, each one the viewer may see, or a 404 for all."""
    ids = set(_ids(request, "change"))
    found = find_visible_changes(viewer=viewer, change_ids=ids)
    if not ids or len(found) != len(ids):
        raise Http404("No such change.")
    return found


@require_POST
@viewer_required
def withdraw(request: HttpRequest, viewer: Member) -> HttpResponse:
    changes = _changes(request, viewer)
    try:
        for change in changes:
            withdraw_change(change=change, by=viewer)
    except NotPermitted as exc:
        return _refused(request, exc)
    except TimesheetRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Withdrawn: it will not count.")
    return _back(request, _week_url(viewer, _local_day(viewer, changes[0].started_at)))


@require_POST
@viewer_required
def decide(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Approve or refuse one or more changes (all or none), with an optional comment."""
    changes = _changes(request, viewer)
    form = ChangeDecisionForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Choose to approve or to refuse."
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            decide_changes(
                changes=changes, by=viewer, approve=approve, comment=form.cleaned_data["comment"]
            )
        except NotPermitted as exc:
            return _refused(request, exc)
        except TimesheetRefused as exc:
            error = str(exc)
    if is_htmx(request) and len(changes) == 1:
        change = changes[0]
        change.refresh_from_db()
        context = {"change": change, "viewer": viewer, "error": error, "page_path": ""}
        return render(request, "timesheets/_approval_change.html", context)
    if error:
        messages.error(request, error)
    else:
        count = len(changes)
        word = "Approved" if form.cleaned_data["decision"] == "approve" else "Refused"
        messages.success(request, f"{word} {count} change{'s' if count > 1 else ''}.")
    member = changes[0].member
    return _back(request, _week_url(member, _local_day(member, changes[0].started_at)))


@require_POST
@viewer_required
def submit(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The signed-in member submits one of their weeks for approval."""
    form = WeekSubmitForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "reports/bad_input.html",
            {"message": "week: a date of the form YYYY-MM-DD is needed"},
            status=400,
        )
    day = form.cleaned_data["week"]
    try:
        submit_week(member=viewer, day=day, comment=form.cleaned_data["comment"])
    except TimesheetRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Submitted for approval.")
    return redirect(_week_url(viewer, day))


@require_POST
@viewer_required
def decide_a_week(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Approve, reject or reopen a member's week, with a comment."""
    week_ids = _ids(request, "week")
    week = find_visible_week(viewer=viewer, week_id=week_ids[0]) if len(week_ids) == 1 else None
    if week is None:
        raise Http404("No such week.")
    form = WeekDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to approve, reject or reopen the week.")
        return _back(request, _week_url(week.member, week.week_start))
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    try:
        if action == "reopen":
            reopen_week(week=week, by=viewer, comment=comment)
        else:
            decide_week(week=week, by=viewer, approve=action == "approve", comment=comment)
    except NotPermitted as exc:
        return _refused(request, exc)
    except TimesheetRefused as exc:
        messages.error(request, str(exc))
    else:
        done = {"approve": "approved", "reject": "rejected", "reopen": "reopened"}[action]
        name = week.member.user.display_name
        period = week_from(week.week_start).title
        messages.success(request, f"The week of {period} of {name} is {done}.")
    return _back(request, _week_url(week.member, week.week_start))
