"""The alert check (`worklens-server check_alerts`, run by cron every minute): each kind opens
one incident when its condition starts, e-mails the member's managers once (counted in a real
SMTP server), however often the check runs, and closes when the condition clears."""

from __future__ import annotations

import datetime as dt

import pytest
from alerts_kit import call_in, check, only, open_alerts, set_alerts, track_last_hour
from django.db import IntegrityError, transaction
from django.test import Client
from server_testkit import PINNED_NOW, EnrolledDevice, World, device_info
from time_machine import TimeMachineFixture

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.alerts.models import Alert
from worklens_server.devices.services import enroll_device, issue_enrollment_code

pytestmark = pytest.mark.django_db


def _every_minute(time_machine: TimeMachineFixture, minutes: int) -> None:
    for _ in range(minutes):
        time_machine.shift(dt.timedelta(minutes=1))
        check()


def test_a_silent_agent_is_one_incident_and_one_mail_however_often_checked(
    smtp: SmtpSink, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    only(world, "silent")
    _every_minute(time_machine, 29)  # seen at 12:00; silent for 29 minutes is not too long
    assert Alert.objects.count() == 0

    _every_minute(time_machine, 11)  # 12:30 to 12:40: eleven checks while it stays silent

    [alert] = open_alerts("silent")
    assert alert.member == world.employee
    assert alert.device is None
    assert "no contact from their agent since Wed 17 Jun 12:00" in alert.detail
    [message] = smtp.received_by(world.manager.user.email)
    assert message["Subject"] == "Agent silent: Eli Employee"
    assert "no contact from their agent since Wed 17 Jun 12:00" in text_body(message)
    assert f"{world.employee.pk}" in text_body(message)  # the link to their day
    assert [m["To"] for m in smtp.messages] == [world.manager.user.email]  # not the owner

    call_in(Client(), device)
    check()
    assert open_alerts("silent") == []
    assert Alert.objects.get(pk=alert.pk).closed_at is not None

    _every_minute(time_machine, 45)  # silent again: a new incident, a second mail
    assert Alert.objects.filter(kind="silent").count() == 2
    assert len(smtp.received_by(world.manager.user.email)) == 2


@pytest.mark.time_machine(dt.datetime(2026, 6, 17, 6, 0, tzinfo=dt.UTC), tick=True)
def test_silence_outside_working_hours_is_no_alert(
    smtp: SmtpSink, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    """Enrolled at 08:00 in Berlin; at 08:59 silent for 59 minutes but before working hours;
    the incident starts at 09:00 and closes at 17:00, when the working day ends."""
    only(world, "silent")
    time_machine.shift(dt.timedelta(minutes=59))
    check()
    assert Alert.objects.count() == 0
    time_machine.shift(dt.timedelta(minutes=2))
    check()
    assert len(open_alerts("silent")) == 1
    time_machine.move_to(dt.datetime(2026, 6, 17, 15, 1, tzinfo=dt.UTC))  # 17:01 in Berlin
    check()
    assert open_alerts("silent") == []
    assert len(smtp.messages) == 1


def test_not_tracking_by_the_set_time_until_they_track(
    smtp: SmtpSink, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    only(world, "not_tracking")
    set_alerts(
        world, silent_on=False, sources_on=False, low_activity_on=False, not_tracking_by="12:30"
    )
    check()  # 12:00: not yet
    assert Alert.objects.count() == 0
    _every_minute(time_machine, 35)

    [alert] = open_alerts("not_tracking")
    assert alert.detail == "no time tracked today by 12:30"
    [message] = smtp.received_by(world.manager.user.email)
    assert message["Subject"] == "Not tracking: Eli Employee"

    api = Client()
    track_last_hour(api, device, now=PINNED_NOW + dt.timedelta(minutes=35), active_seconds=50)
    check()
    assert open_alerts("not_tracking") == []
    assert len(smtp.messages) == 1


@pytest.mark.time_machine(dt.datetime(2026, 6, 20, 10, 0, tzinfo=dt.UTC), tick=True)
def test_a_weekend_day_is_not_a_working_day(
    smtp: SmtpSink, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    """Saturday: nobody is expected to track or to be online; a company working Saturdays
    ticks it."""
    time_machine.shift(dt.timedelta(hours=1))
    check()
    assert Alert.objects.count() == 0
    set_alerts(world, days=["0", "1", "2", "3", "4", "5"])
    check()
    assert {a.kind for a in Alert.objects.all()} == {"silent", "not_tracking"}
    assert len(smtp.received_by(world.manager.user.email)) == 2


def test_low_activity_over_the_day_so_far(
    smtp: SmtpSink, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    only(world, "low_activity")
    api = Client()
    track_last_hour(api, device, now=PINNED_NOW, active_seconds=6)  # 10 % of an hour
    _every_minute(time_machine, 5)

    [alert] = open_alerts("low_activity")
    assert alert.detail == "10 % active over 1:00:00 tracked today (below 20 %)"
    [message] = smtp.received_by(world.manager.user.email)
    assert message["Subject"] == "Low activity: Eli Employee"

    set_alerts(
        world, silent_on=False, sources_on=False, not_tracking_on=False, low_activity_percent="5"
    )
    check()
    assert open_alerts("low_activity") == []
    assert len(smtp.messages) == 1


def test_less_than_an_hour_tracked_is_not_judged(
    smtp: SmtpSink, world: World, device: EnrolledDevice
) -> None:
    only(world, "low_activity")
    track_last_hour(Client(), device, now=PINNED_NOW, active_seconds=0, minutes=59)
    check()
    assert Alert.objects.count() == 0
    track_last_hour(
        Client(), device, now=PINNED_NOW + dt.timedelta(minutes=1), active_seconds=0, minutes=1
    )
    check()
    assert len(open_alerts("low_activity")) == 1


def test_a_capture_source_the_policy_needs_failing_on_a_device(
    smtp: SmtpSink, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    only(world, "sources")
    api = Client()

    def report(sources: list[dict[str, object]]) -> None:
        info = device_info(hostname="eli-laptop", sources=sources)
        response = api.put(
            "/api/v1/device",
            data=info.model_dump_json(),
            content_type="application/json",
            **device.auth,
        )
        assert response.status_code == 204

    report([{"name": "browser", "available": False, "reason": "no extension"}])
    check()
    assert Alert.objects.count() == 0  # the browser bridge needs an extension: not a failure

    report([{"name": "screenshot", "available": False, "reason": "Wayland session"}])
    _every_minute(time_machine, 3)
    [alert] = open_alerts("sources")
    assert alert.device_id == device.device_id
    assert alert.detail == "on eli-laptop: Screenshots (Wayland session) not working"
    [message] = smtp.received_by(world.manager.user.email)
    assert message["Subject"] == "Capture failing: Eli Employee"

    report([{"name": "screenshot", "available": True}])
    check()
    assert open_alerts("sources") == []
    assert len(smtp.messages) == 1


def test_someone_in_no_team_is_reported_to_the_owners(
    smtp: SmtpSink, world: World, time_machine: TimeMachineFixture
) -> None:
    # The loner is in no team, so no manager looks after them.
    only(world, "silent")
    enroll_device(code=issue_enrollment_code(member=world.loner), info=device_info())
    _every_minute(time_machine, 31)
    assert [m["To"] for m in smtp.messages] == [world.owner.user.email]


def test_a_kind_switched_off_closes_its_incidents_and_opens_none(
    smtp: SmtpSink, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    check()  # 12:00, nothing tracked since 10:00
    [alert] = open_alerts("not_tracking")
    set_alerts(world, not_tracking_on=False)
    _every_minute(time_machine, 2)
    assert Alert.objects.get(pk=alert.pk).closed_at is not None
    assert open_alerts("not_tracking") == []
    assert len(smtp.messages) == 1


def test_the_database_holds_one_open_incident_per_member_and_kind(
    smtp: SmtpSink, world: World, device: EnrolledDevice
) -> None:
    """What keeps two overlapping checks (a slow cron run and the next) from mailing twice: the
    second one's insert fails, and only a new row is mailed."""
    check()
    [alert] = open_alerts("not_tracking")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            company=world.company,
            member=world.employee,
            kind="not_tracking",
            detail="again",
            opened_at=alert.opened_at,
        )
    Alert.objects.filter(pk=alert.pk).update(closed_at=alert.opened_at)
    Alert.objects.create(  # once closed, the same condition later is a new incident
        company=world.company,
        member=world.employee,
        kind="not_tracking",
        detail="later",
        opened_at=alert.opened_at,
    )
    assert len(smtp.messages) == 1
