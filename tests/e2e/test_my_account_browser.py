"""My Account in a real browser. The demo employee opens My Account and "what is collected about
me" and sees the day an agent uploaded (timesheet, screenshot, apps, URLs) and that the owner
viewed their screenshot; the My Account page is saved at phone and desktop widths to artifacts/.
Then the owner cancels the company, re-entering the password: afterwards no row of the company
is left in the database, no screenshot file on disk, and the confirmation e-mail has arrived.

Real parts: `worklens-server serve` and `db_worker` as processes, the agent API spoken over HTTP
with the wire models, an aiosmtpd SMTP server in this test, Debian's Chromium via Playwright.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.browser import ARTIFACTS, chromium, log_in, needs_chromium, running_stack
from tests.e2e.processes import ServerProcess
from tests.smtp_sink import SmtpSink, text_body
from worklens_wire import new_id
from worklens_wire.v1 import (
    ActivitySlot,
    AppSpan,
    DeviceInfo,
    EnrollRequest,
    ScreenshotRecord,
    TimeEntry,
    UploadBatch,
)

pytestmark = [pytest.mark.browser, needs_chromium]

COMPANY_ROWS = """
import json
from pathlib import Path
from django.apps import apps
from django.conf import settings
from django.db import connection
from worklens_server.companies.models import Company
value = Company._meta.pk.get_db_prep_value("{company_id}", connection)
counts = {{}}
with connection.cursor() as cursor:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if model is Company and field.primary_key or (
                field.is_relation and field.related_model is Company
            ):
                table = connection.ops.quote_name(model._meta.db_table)
                column = connection.ops.quote_name(field.column)
                cursor.execute(f"SELECT COUNT(*) FROM {{table}} WHERE {{column}} = %s", [value])
                counts[f"{{model._meta.label}}.{{field.column}}"] = cursor.fetchone()[0]
media = Path(settings.MEDIA_ROOT)
files = [str(p) for p in media.rglob("*") if p.is_file()] if media.exists() else []
from worklens_server.accounts.models import User
print(json.dumps({{"rows": counts, "files": files, "users": list(
    User.objects.values_list("email", flat=True))}}))
"""


def _webp(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 800), colour).save(buffer, format="WEBP")
    return buffer.getvalue()


def _upload_a_day(server: ServerProcess, code: str) -> dt.datetime:
    """What an agent uploads: enrollment, a time entry with slots and app spans, a screenshot."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start = max(now - dt.timedelta(minutes=3), now.replace(hour=0, minute=0, second=1))
    device = DeviceInfo(
        installation_id=uuid.uuid4(),
        hostname="emmas-laptop",
        hardware_model="ThinkPad X1",
        os_name="Linux",
        os_version="Debian 12",
        machine_id_hash=hashlib.sha256(b"browser test").hexdigest(),
        timezone="UTC",
        agent_version="0.1.0",
    )
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as client:
        enrolled = client.post(
            "/enroll", content=EnrollRequest(code=code, device=device).model_dump_json()
        )
        assert enrolled.status_code == 201, enrolled.text
        body = enrolled.json()
        auth = {"Authorization": f"Bearer {body['token']}"}
        project = client.get("/projects", headers=auth).json()[0]
        entry = TimeEntry(
            id=new_id(),
            started_at=start,
            stopped_at=start + dt.timedelta(seconds=120),
            project_id=project["id"],
            task_id=project["tasks"][0]["id"],
            notes="browser test notes",
        )
        slot = ActivitySlot(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=start,
            length_seconds=60,
            active_seconds=45,
            keyboard_events=50,
            mouse_events=80,
        )
        span = AppSpan(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=start,
            ended_at=start + dt.timedelta(seconds=50),
            app="Firefox",
            title="Release notes - WorkLens",
            url="https://worklens.example/releases",
        )
        batch = UploadBatch(
            batch_id=new_id(),
            device_id=body["device_id"],
            sent_at=now,
            time_entries=[entry],
            slots=[slot],
            app_spans=[span],
        )
        sent = client.post("/batches", content=batch.model_dump_json(), headers=auth)
        assert sent.status_code == 200, sent.text
        record = ScreenshotRecord(
            id=new_id(),
            time_entry_id=entry.id,
            slot_id=slot.id,
            taken_at=start,
            width=1280,
            height=800,
        )
        shot = client.post(
            "/screenshots",
            data={"meta": record.model_dump_json()},
            files={"image": ("shot.webp", _webp((20, 120, 220)), "image/webp")},
            headers=auth,
        )
        assert shot.status_code == 200, shot.text
    return start


def _image_loaded(page: Page, selector: str) -> bool:
    return bool(
        page.locator(selector).first.evaluate("img => img.complete && img.naturalWidth > 0")
    )


def test_employee_sees_what_is_collected_and_owner_cancels_the_company(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", "--codes", "1") as stack:
        _run(stack.server, stack.demo, stack.smtp)


def _run(server: ServerProcess, demo: dict[str, Any], smtp: SmtpSink) -> None:
    _upload_a_day(server, demo["enrollment_codes"][0])
    before = server.query(COMPANY_ROWS.format(company_id=demo["company_id"]))
    assert before["rows"]["tracking.Screenshot.company_id"] == 1
    assert len(before["files"]) == 1
    ARTIFACTS.mkdir(exist_ok=True)

    with chromium() as browser:
        # The owner opens the employee's day from "Team today" and looks at the screenshot.
        owner = log_in(browser, server, demo["owner_email"], demo["owner_password"])
        owner.get_by_role("link", name="Emma Employee").click()
        expect(owner.locator("h1")).to_contain_text("Emma Employee")
        expect(owner.locator("#timesheet")).to_contain_text("browser test notes")
        owner.wait_for_function("document.querySelector('#screenshots img').naturalWidth > 0")

        # The employee: My Account, then what is collected about them.
        for name, viewport in (("phone", (390, 844)), ("desktop", (1440, 900))):
            page = log_in(
                browser,
                server,
                demo["employee_email"],
                demo["employee_password"],
                viewport={"width": viewport[0], "height": viewport[1]},
            )
            page.get_by_role("link", name=demo["employee_email"]).click()
            expect(page.locator("h1")).to_have_text("My account")
            expect(page.locator("#details")).to_contain_text(demo["employee_email"])
            expect(page.locator("input[name=full_name]")).to_have_value("Emma Employee")
            page.screenshot(path=str(ARTIFACTS / f"my-account-{name}.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport[0], f"My Account scrolls sideways at {name} width"

            page.get_by_role("link", name="What is collected about me").click()
            expect(page.locator("h1")).to_have_text("What is collected about me")
            expect(page.locator("#timesheet")).to_contain_text("browser test notes")
            expect(page.locator("#timesheet")).to_contain_text("Customer support")
            expect(page.locator("#apps")).to_contain_text("Firefox")
            expect(page.locator("#titles")).to_contain_text("Release notes - WorkLens")
            expect(page.locator("#urls")).to_contain_text("https://worklens.example/releases")
            expect(page.locator("#devices")).to_contain_text("emmas-laptop")
            expect(page.locator("#viewers")).to_contain_text("Olivia Owner")
            page.wait_for_function("document.querySelector('#screenshots img').naturalWidth > 0")
            assert _image_loaded(page, "#screenshots img")
            page.screenshot(path=str(ARTIFACTS / f"collected-{name}.png"), full_page=True)
            page.context.close()

        # The owner cancels the company from My Account, re-entering the password.
        owner.get_by_role("link", name=demo["owner_email"]).click()
        owner.get_by_role("link", name="Cancel the company").click()
        expect(owner.locator("h1")).to_have_text("Cancel WorkLens Demo")
        owner.fill("input[name=password]", "not the password")
        owner.get_by_role("button", name="Cancel the company and delete its data").click()
        expect(owner.locator(".error")).to_have_text(
            "The password is not correct. Nothing was deleted."
        )
        owner.fill("input[name=password]", demo["owner_password"])
        owner.get_by_role("button", name="Cancel the company and delete its data").click()
        expect(owner.locator("h1")).to_have_text("WorkLens Demo was cancelled")
        expect(owner.locator(".files-deleted")).to_have_text("1")
        owner.goto(f"{server.url}/account/")
        expect(owner).to_have_url(f"{server.url}/accounts/login/?next=/account/")

    after = server.query(COMPANY_ROWS.format(company_id=demo["company_id"]))
    assert set(after["rows"]) == set(before["rows"])
    assert set(after["rows"].values()) == {0}, after["rows"]
    assert after["files"] == []
    assert after["users"] == []
    [message] = smtp.wait_for(demo["owner_email"], timeout=60)
    assert message["Subject"] == "WorkLens Demo was cancelled and its data deleted"
    assert "Everything the company held has been deleted" in text_body(message)
