"""`status`: what the agent is doing, from its store (and the autostart entry)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from worklens_agent.cli.common import with_store
from worklens_agent.cli.idle import idle_row
from worklens_agent.desktop.autostart import autostart_for_platform
from worklens_agent.desktop.display import display_problem
from worklens_agent.journal.enrollment import load_enrollment
from worklens_agent.journal.idle_periods import held_item_count, pending_idle
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.policy import cached_policy
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry
from worklens_agent.settings import Key


def register(commands: Any) -> None:
    status = commands.add_parser("status", help="show what the agent is doing")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(handler=with_store(_status))


def status_report(store: Store) -> dict[str, Any]:
    enrollment = load_enrollment(store)
    entry = current_entry(store)
    outbox = Outbox(store)
    sources = store.get(Key.SOURCES)
    if sources is None:
        problem = display_problem()
        sources = {
            "reported_at": None,
            "sources": [{"name": "time", "available": True, "reason": ""}]
            + [
                {
                    "name": name,
                    "available": problem is None,
                    "reason": problem or "not checked until `worklens-agent run` starts",
                }
                for name in ("input", "idle", "screenshot")
            ],
        }
    return {
        "home": str(store.home),
        "enrolled": enrollment is not None,
        "server": enrollment.server_url if enrollment else None,
        "device_id": str(enrollment.device_id) if enrollment else None,
        "company": enrollment.company_name if enrollment else None,
        "member": enrollment.member_email if enrollment else None,
        "tracking": entry is not None,
        "current_entry": None if entry is None else entry.model_dump(mode="json"),
        "pending_items": outbox.pending_count(),
        "last_upload": store.get(Key.LAST_UPLOAD),
        "upload_blocked": store.get(Key.UPLOAD_BLOCKED),
        "rejected_batches": outbox.rejected_batches(),
        "policy_version": cached_policy(store).version,
        "policy_fetched_at": store.get(Key.POLICY_FETCHED_AT),
        "sources": sources,
        "update_available": store.get(Key.UPDATE_AVAILABLE),
        "autostart": _autostart_report(),
        "idle_periods": [idle_row(store, period) for period in pending_idle(store)],
        "held_for_idle_decision": held_item_count(store),
    }


def _autostart_report() -> dict[str, Any]:
    try:
        state = autostart_for_platform().status()
    except OSError as exc:
        return {"enabled": None, "location": "", "command": [], "problem": str(exc)}
    return {"enabled": state.enabled, "location": state.location, "command": state.command}


def _status(store: Store, args: argparse.Namespace) -> int:
    report = status_report(store)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print("\n".join(_lines(report)))
    return 0


def _lines(report: dict[str, Any]) -> list[str]:
    lines = [f"home: {report['home']}"]
    if report["enrolled"]:
        lines.append(
            f"enrolled: yes, device {report['device_id']} at {report['server']} "
            f"({report['company']}, {report['member']})"
        )
    else:
        lines.append("enrolled: no (run `worklens-agent enroll URL CODE`)")
    entry = report["current_entry"]
    lines.append(
        f"tracking: since {entry['started_at']} (entry {entry['id']})" if entry else "tracking: no"
    )
    lines.append(f"pending items: {report['pending_items']}")
    last = report["last_upload"]
    if last:
        lines.append(
            f"last upload: {last['at']} {'ok' if last['ok'] else 'FAILED'}: {last['message']}"
        )
    else:
        lines.append("last upload: never")
    update = report["update_available"]
    if update:
        where = f" from {update['download_url']}" if update["download_url"] else ""
        lines.append(f"update available: worklens-agent {update['latest_version']}{where}")
    if report["upload_blocked"]:
        lines.append(f"uploading stopped: {report['upload_blocked']}")
    for batch in report["rejected_batches"]:
        lines.append(
            f"rejected batch {batch['batch_id']} ({batch['item_count']} items kept): "
            f"{batch['detail']}"
        )
    for row in report["idle_periods"]:
        lines.append(
            f"idle time waiting for a decision: {row['id']} from {row['started_at']} to "
            f"{row['ended_at'] or 'now'} (worklens-agent idle keep|discard|reassign ID)"
        )
    lines.append(f"policy version: {report['policy_version']}")
    autostart = report["autostart"]
    lines.append(
        f"autostart: {'on' if autostart['enabled'] else 'off'} ({autostart['location']})"
        if autostart["enabled"] is not None
        else f"autostart: unknown ({autostart['problem']})"
    )
    for source in report["sources"]["sources"]:
        state = "available" if source["available"] else f"unavailable: {source['reason']}"
        lines.append(f"source {source['name']}: {state}")
    return lines
