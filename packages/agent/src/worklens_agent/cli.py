"""`worklens-agent`: enroll, start, stop, status, run."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from collections.abc import Sequence
from typing import Any

import httpx

from worklens_agent import __version__
from worklens_agent.client import AgentApi, ApiError, parse_uuid
from worklens_agent.device import device_info
from worklens_agent.enrollment import load_enrollment, save_enrollment
from worklens_agent.entries import TrackingError, current_entry, start_entry, stop_entry
from worklens_agent.home import resolve_home
from worklens_agent.outbox import Outbox
from worklens_agent.policy import cached_policy
from worklens_agent.screenshots import ScreenshotError, ScreenshotFiles
from worklens_agent.sources import display_problem
from worklens_agent.store import Store, utcnow
from worklens_wire.v1 import ProjectOut

log = logging.getLogger("worklens_agent")


class CliError(Exception):
    """A problem the user can act on; printed without a traceback, exit status 1."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="worklens-agent", description=__doc__)
    parser.add_argument("--version", action="version", version=f"worklens-agent {__version__}")
    parser.add_argument(
        "--home",
        help="data directory (default: $WORKLENS_AGENT_HOME, else ~/.local/share/worklens-agent)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True)

    enroll = commands.add_parser("enroll", help="enroll this device with a server")
    enroll.add_argument("url", help="server address, e.g. http://127.0.0.1:8000")
    enroll.add_argument("code", help="one-time enrollment code from the dashboard")

    start = commands.add_parser("start", help="start tracking time")
    start.add_argument("--project", help="project name or id")
    start.add_argument("--task", help="task name or id (needs --project)")
    start.add_argument("--notes", default="", help="notes for this time entry")

    commands.add_parser("stop", help="stop tracking time")

    status = commands.add_parser("status", help="show what the agent is doing")
    status.add_argument("--json", action="store_true", help="print JSON")

    commands.add_parser("run", help="run the tracker and uploader until SIGTERM/SIGINT")

    shots = commands.add_parser("screenshots", help="review screenshots before they are sent")
    shot_commands = shots.add_subparsers(dest="screenshot_command", required=True)
    shot_list = shot_commands.add_parser("list", help="screenshots waiting on this device")
    shot_list.add_argument("--json", action="store_true", help="print JSON")
    shot_delete = shot_commands.add_parser(
        "delete", help="delete a screenshot (within its review window) and discard its slot's time"
    )
    shot_delete.add_argument("id")
    shot_confirm = shot_commands.add_parser("confirm", help="let a screenshot be sent now")
    shot_confirm.add_argument("id")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    home = resolve_home(args.home)
    try:
        if args.command == "run":
            from worklens_agent.runner import run

            return run(home)
        with Store(home) as store:
            handler = {
                "enroll": _enroll,
                "start": _start,
                "stop": _stop,
                "status": _status,
                "screenshots": _screenshots,
            }[args.command]
            return handler(store, args)
    except (CliError, TrackingError, ScreenshotError) as exc:
        print(f"worklens-agent: {exc}", file=sys.stderr)
        return 1


def _enroll(store: Store, args: argparse.Namespace) -> int:
    url = args.url.rstrip("/")
    try:
        with AgentApi(url) as api:
            response = api.enroll(args.code, device_info(store))
    except ApiError as exc:
        raise CliError(f"enrollment refused: {exc.detail}") from exc
    except httpx.HTTPError as exc:
        raise CliError(f"cannot reach {url}: {exc}") from exc
    save_enrollment(store, url, response)
    print(
        f"Enrolled as device {response.device_id} of {response.company_name} "
        f"({response.member_email})"
    )
    return 0


def _projects(store: Store) -> list[ProjectOut]:
    """The member's projects from the server; the last list fetched when offline."""
    enrollment = load_enrollment(store)
    if enrollment is not None:
        try:
            with enrollment.api() as api:
                projects = api.projects()
            store.set("projects", [project.model_dump(mode="json") for project in projects])
            return projects
        except (httpx.HTTPError, ApiError, OSError) as exc:
            log.warning("could not fetch projects, using the last list: %s", exc)
    return [ProjectOut.model_validate(raw) for raw in store.get("projects", [])]


def _pick(kind: str, wanted: str, options: Sequence[Any]) -> uuid.UUID:
    as_id = parse_uuid(wanted)
    for option in options:
        if option.id == as_id or option.name == wanted:
            return uuid.UUID(str(option.id))
    folded = [option for option in options if option.name.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return uuid.UUID(str(folded[0].id))
    names = ", ".join(sorted(option.name for option in options)) or "none"
    raise CliError(f"no {kind} {wanted!r} (known: {names})")


def _start(store: Store, args: argparse.Namespace) -> int:
    project_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    if args.task and not args.project:
        raise CliError("--task needs --project")
    if args.project:
        projects = _projects(store)
        project_id = _pick("project", args.project, projects)
        if args.task:
            project = next(p for p in projects if p.id == project_id)
            task_id = _pick(f"task in {project.name}", args.task, project.tasks)
    entry = start_entry(store, project_id=project_id, task_id=task_id, notes=args.notes)
    print(f"Tracking started at {entry.started_at.astimezone():%H:%M:%S} (entry {entry.id})")
    return 0


def _stop(store: Store, args: argparse.Namespace) -> int:
    entry = stop_entry(store)
    assert entry.stopped_at is not None
    duration = int((entry.stopped_at - entry.started_at).total_seconds())
    hours, rest = divmod(duration, 3600)
    print(
        f"Tracking stopped at {entry.stopped_at.astimezone():%H:%M:%S} (entry {entry.id}, "
        f"{hours}:{rest // 60:02d}:{rest % 60:02d})"
    )
    return 0


def status_report(store: Store) -> dict[str, Any]:
    enrollment = load_enrollment(store)
    entry = current_entry(store)
    outbox = Outbox(store)
    sources = store.get("sources")
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
        "last_upload": store.get("last_upload"),
        "upload_blocked": store.get("upload_blocked"),
        "rejected_batches": outbox.rejected_batches(),
        "policy_version": cached_policy(store).version,
        "policy_fetched_at": store.get("policy_fetched_at"),
        "sources": sources,
    }


def _screenshots(store: Store, args: argparse.Namespace) -> int:
    files = ScreenshotFiles(store)
    if args.screenshot_command == "list":
        now = utcnow()
        rows = [
            {
                "id": str(shot.id),
                "taken_at": shot.taken_at.isoformat(),
                "monitor": shot.monitor,
                "kb": round(shot.bytes / 1024, 1),
                "file": str(shot.path),
                "deletable_until": shot.hold_until.isoformat() if shot.deletable(now) else None,
                "state": shot.state if shot.state == "pending" else f"{shot.state}: {shot.detail}",
            }
            for shot in files.waiting()
        ]
        if args.json:
            print(json.dumps(rows, indent=2))
        elif not rows:
            print("no screenshots waiting on this device")
        for row in rows if not args.json else []:
            window = (
                f"deletable until {row['deletable_until']}"
                if row["deletable_until"]
                else "review window over"
            )
            print(
                f"{row['id']}  {row['taken_at']}  monitor {row['monitor']}  {row['kb']} KB  "
                f"{window}  ({row['state']})"
            )
        return 0
    item_id = parse_uuid(args.id)
    if item_id is None:
        raise CliError(f"{args.id!r} is not a screenshot id")
    if args.screenshot_command == "delete":
        deleted = files.delete_capture(item_id)
        print(
            f"Deleted {len(deleted)} image(s) of that screenshot; "
            "the time of its slot is discarded and will not be sent."
        )
    else:
        confirmed = files.confirm(item_id)
        print(f"Confirmed {len(confirmed)} image(s); they will be sent with the next upload.")
    return 0


def _status(store: Store, args: argparse.Namespace) -> int:
    report = status_report(store)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
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
    if report["upload_blocked"]:
        lines.append(f"uploading stopped: {report['upload_blocked']}")
    for batch in report["rejected_batches"]:
        lines.append(
            f"rejected batch {batch['batch_id']} ({batch['item_count']} items kept): "
            f"{batch['detail']}"
        )
    lines.append(f"policy version: {report['policy_version']}")
    for source in report["sources"]["sources"]:
        state = "available" if source["available"] else f"unavailable: {source['reason']}"
        lines.append(f"source {source['name']}: {state}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
