"""`worklens-server seed_demo`: a demo company to try WorkLens with (idempotent).

Running it again reuses the company and people, sets fresh passwords and issues fresh
enrollment codes, and prints them (the old codes stay valid until used or expired). With
`--history` it also gives the company two teams of people with two weeks of tracked days
(operations/demo_history.py); a history already there is not made again.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from worklens_server.devices.services import issue_enrollment_code
from worklens_server.operations.demo_cast import cast
from worklens_server.operations.demo_company import (
    DEMO_COMPANY,
    EMPLOYEE_EMAIL,
    MANAGER_EMAIL,
    OWNER_EMAIL,
    ensure_company,
    ensure_people,
)
from worklens_server.operations.demo_history import make_history


class Command(BaseCommand):
    help = "Create (or reuse) the demo company and print its logins and enrollment codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--codes", type=int, default=1, help="enrollment codes to issue")
        parser.add_argument(
            "--employees",
            type=int,
            default=1,
            help="demo employees (employee@, employee2@, ...); the codes go to them in turn, so "
            "`--codes 4 --employees 4` enrolls four people rather than four devices of one",
        )
        parser.add_argument(
            "--slot-seconds",
            type=int,
            default=60,
            help="activity slot length in the demo policy (short, so the dashboard fills fast)",
        )
        parser.add_argument("--timezone", default="UTC", help="the company's IANA timezone")
        parser.add_argument(
            "--history",
            action="store_true",
            help="also two teams of people with tracked working days, changes and weeks "
            "(made once: days already tracked are left as they are)",
        )
        parser.add_argument(
            "--history-days",
            type=int,
            default=14,
            help="how many days before today the history covers (working days only)",
        )
        parser.add_argument(
            "--history-team-size",
            type=int,
            default=5,
            help="people in each of the history's two teams, its manager first (at most 5)",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        passwords = {role: secrets.token_urlsafe(12) for role in ("owner", "manager", "employee")}
        demo = ensure_company(
            passwords=passwords,
            employees=options["employees"],
            slot_seconds=options["slot_seconds"],
            timezone=options["timezone"],
            teams_of_history=options["history"],
        )
        if options["history"]:
            began = time.monotonic()
            people = cast(per_team=options["history_team_size"])
            made = make_history(
                people=ensure_people(demo=demo, people=people, passwords=passwords),
                days=options["history_days"],
            )
            # On stderr, so that --json output stays one object.
            print(
                f"demo history: {made.days} person-days, {made.changes} changes, "
                f"{made.weeks} week steps added in {time.monotonic() - began:.1f} s",
                file=sys.stderr,
            )
        codes = [
            issue_enrollment_code(member=demo.employees[i % len(demo.employees)])
            for i in range(options["codes"])
        ]
        result = {
            "company_id": str(demo.company.id),
            "owner_email": OWNER_EMAIL,
            "owner_password": passwords["owner"],
            "manager_email": MANAGER_EMAIL,
            "manager_password": passwords["manager"],
            "employee_email": EMPLOYEE_EMAIL,
            "employee_password": passwords["employee"],
            "enrollment_codes": codes,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"Demo company {DEMO_COMPANY!r} ({demo.company.id})")
        for role in ("owner", "manager", "employee"):
            self.stdout.write(f"  {role}: {result[f'{role}_email']} / {result[f'{role}_password']}")
        for code in codes:
            self.stdout.write(f"  enrollment code for the employee: {code}")
