"""`worklens-agent`: enroll, start, stop, status, run, projects, ui, screenshots, idle,
autostart, browser, uninstall."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from worklens_agent import __version__
from worklens_agent.autostart import agent_command, autostart_for_platform
from worklens_agent.client import AgentApi, ApiError, parse_uuid
from worklens_agent.device import device_info
from worklens_agent.device_sync import record_install, remember_acked_info, send_pending_events
from worklens_agent.enrollment import load_enrollment, save_enrollment
from worklens_agent.entries import TrackingError, current_entry, start_entry, stop_entry
from worklens_agent.home import resolve_home
from worklens_agent.idle import (
    IdleError,
    IdlePeriod,
    decide_idle,
    held_item_count,
    idle_entry,
    pending_idle,
)
from worklens_agent.outbox import Outbox
from worklens_agent.policy import cached_policy
from worklens_agent.projects import member_projects
from worklens_agent.screenshots import ScreenshotError, ScreenshotFiles
from worklens_agent.sources import display_problem
from worklens_agent.sources.browser_pairing import pairing
from worklens_agent.store import Store, utcnow
from worklens_agent.uninstall import UninstallRefused, uninstall
from worklens_agent.updates import UPDATE_KEY
from worklens_wire.v1 import ProjectOut

log = logging.getLogger("worklens_agent")
IDLE_END_WAIT_SECONDS = 3.0


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

    run = commands.add_parser("run", help="run the tracker and uploader until SIGTERM/SIGINT")
    run.add_argument(
        "--with-ui",
        action="store_true",
        help="also show the tray icon or window (what `autostart on` starts at login)",
    )

    autostart = commands.add_parser("autostart", help="start the agent at login: on, off, status")
    autostart.add_argument("state", choices=("on", "off", "status"))

    uninstall = commands.add_parser(
        "uninstall",
        help="stop starting at login, tell the server, then delete this agent's data",
    )
    uninstall.add_argument(
        "--keep-data", action="store_true", help="keep the agent's data directory"
    )
    uninstall.add_argument(
        "--force",
        action="store_true",
        help="uninstall even when the server cannot be told (data not uploaded is lost)",
    )

    projects = commands.add_parser("projects", help="list your projects and their tasks")
    projects.add_argument("--json", action="store_true", help="print JSON")

    ui = commands.add_parser(
        "ui", help="tray icon (or a small window when there is no tray) to start, stop and review"
    )
    ui.add_argument("--window", action="store_true", help="show the window even with a tray")

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

    browser = commands.add_parser("browser", help="pair the WorkLens browser extension")
    browser_commands = browser.add_subparsers(dest="browser_command", required=True)
    pair = browser_commands.add_parser(
        "pair", help="print the port and pairing token for the extension's options page"
    )
    pair.add_argument("--port", type=int, help="listen on this port from the next `run` on")
    pair.add_argument("--rotate", action="store_true", help="make a new token (re-pair needed)")
    pair.add_argument("--json", action="store_true", help="print JSON")
    _add_idle_parser(commands)
    return parser


def _add_idle_parser(commands: Any) -> None:
    idle = commands.add_parser("idle", help="decide what happens to idle time")
    idle_commands = idle.add_subparsers(dest="idle_command", required=True)
    idle_list = idle_commands.add_parser("list", help="idle time waiting for a decision")
    idle_list.add_argument("--json", action="store_true", help="print JSON")
    for name, text in (
        ("keep", "keep the idle time in the task it was tracked on"),
        ("discard", "remove the idle time; it never leaves this computer"),
    ):
        idle_commands.add_parser(name, help=text).add_argument("id")
    reassign = idle_commands.add_parser("reassign", help="keep the idle time as another task")
    reassign.add_argument("id")
    reassign.add_argument("--project", required=True, help="project name or id")
    reassign.add_argument("--task", help="task name or id")
    reassign.add_argument("--notes", default="", help="notes for the idle time")
    idle_commands.add_parser("dialog", help="ask in a window about each pending idle period")


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

            return run(home, with_ui=args.with_ui)
        if args.command == "uninstall":
            return _uninstall(home, args)
        if args.command == "ui":
            from worklens_agent.ui.app import run_ui

            return run_ui(home, force_window=args.window)
        with Store(home) as store:
            handler = {
                "enroll": _enroll,
                "start": _start,
                "stop": _stop,
                "status": _status,
                "screenshots": _screenshots,
                "autostart": _autostart,
                "browser": _browser,
                "idle": _idle,
                "projects": _list_projects,
            }[args.command]
            return handler(store, args)
    except (CliError, TrackingError, ScreenshotError, UninstallRefused, IdleError) as exc:
        print(f"worklens-agent: {exc}", file=sys.stderr)
        return 1


def _enroll(store: Store, args: argparse.Namespace) -> int:
    url = args.url.rstrip("/")
    device = device_info(store)
    try:
        with AgentApi(url) as api:
            response = api.enroll(args.code, device)
    except ApiError as exc:
        raise CliError(f"enrollment refused: {exc.detail}") from exc
    except httpx.HTTPError as exc:
        raise CliError(f"cannot reach {url}: {exc}") from exc
    save_enrollment(store, url, response)
    remember_acked_info(store, device)
    record_install(store)
    try:  # the install event goes now if it can; else with the run's next device sync
        with AgentApi(url, response.token) as api:
            send_pending_events(store, api)
    except (ApiError, httpx.HTTPError) as exc:
        log.warning("install event not sent yet: %s", exc)
    print(
        f"Enrolled as device {response.device_id} of {response.company_name} "
        f"({response.member_email})"
    )
    return 0


def _projects(store: Store) -> list[ProjectOut]:
    """The member's projects from the server; the last list fetched when offline."""
    return member_projects(store)


def _list_projects(store: Store, args: argparse.Namespace) -> int:
    projects = _projects(store)
    if args.json:
        print(json.dumps([project.model_dump(mode="json") for project in projects], indent=2))
        return 0
    if not projects:
        print("no projects (none assigned to you, or never fetched: is the device enrolled?)")
    for project in projects:
        print(f"{project.name}  ({project.id})")
        for task in project.tasks:
            print(f"  {task.name}  ({task.id})")
    return 0


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
        "update_available": store.get(UPDATE_KEY),
        "autostart": _autostart_report(store),
        "idle_periods": [_idle_row(store, period) for period in pending_idle(store)],
        "held_for_idle_decision": held_item_count(store),
    }


def _autostart_report(store: Store) -> dict[str, Any]:
    try:
        state = autostart_for_platform().status()
    except OSError as exc:
        return {"enabled": None, "location": "", "command": [], "problem": str(exc)}
    return {"enabled": state.enabled, "location": state.location, "command": state.command}


def _autostart(store: Store, args: argparse.Namespace) -> int:
    backend = autostart_for_platform()
    if args.state == "on":
        state = backend.enable(agent_command(store.home))
    elif args.state == "off":
        state = backend.disable()
    else:
        state = backend.status()
    if state.enabled:
        print(f"autostart: on ({state.location} runs: {' '.join(state.command)})")
    else:
        print(f"autostart: off ({state.location})")
    return 0


def _uninstall(home: Path, args: argparse.Namespace) -> int:
    report = uninstall(home, autostart_for_platform(), keep_data=args.keep_data, force=args.force)
    if report.server == "acknowledged":
        print("The server acknowledged the uninstall.")
    elif report.server == "not enrolled":
        print("Not enrolled: no server to tell.")
    else:
        print(f"The server was NOT told: {report.server}")
    print(f"Autostart removed ({report.autostart_removed}).")
    if not report.data_deleted:
        print(f"Agent data kept in {home}.")
    elif report.left_in_home:
        print(
            f"Agent data deleted; {home} is kept, it holds other files: "
            + ", ".join(report.left_in_home)
        )
    else:
        print(f"Agent data deleted ({home}).")
    return 0


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


def _browser(store: Store, args: argparse.Namespace) -> int:
    try:
        paired = pairing(store, port=args.port, rotate=args.rotate)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print(json.dumps({"port": paired.port, "token": paired.token}))
        return 0
    print(
        "In the WorkLens extension's options, enter:\n"
        f"  port:  {paired.port}\n"
        f"  token: {paired.token}\n"
        "A changed port takes effect when `worklens-agent run` next starts."
    )
    return 0


def _idle_row(store: Store, period: IdlePeriod) -> dict[str, Any]:
    held = idle_entry(store, period.id)
    end = period.ended_at or utcnow()
    return {
        "id": str(period.id),
        "entry_id": str(period.entry_id),
        "started_at": period.started_at.isoformat(),
        "ended_at": None if period.ended_at is None else period.ended_at.isoformat(),
        "seconds": max(0, int((end - period.started_at).total_seconds())),
        "project_id": None if held is None or held.project_id is None else str(held.project_id),
        "task_id": None if held is None or held.task_id is None else str(held.task_id),
        "notes": "" if held is None else held.notes,
    }


def _idle(store: Store, args: argparse.Namespace) -> int:
    if args.idle_command == "list":
        rows = [_idle_row(store, period) for period in pending_idle(store)]
        if args.json:
            print(json.dumps(rows, indent=2))
        elif not rows:
            print("no idle time waiting for a decision")
        for row in rows if not args.json else []:
            seconds = int(row["seconds"])
            print(
                f"{row['id']}  {row['started_at']} to {row['ended_at'] or 'now (going on)'}  "
                f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}  "
                f"(entry {row['entry_id']})"
            )
        return 0
    if args.idle_command == "dialog":
        return _idle_dialog(store)
    period_id = parse_uuid(args.id)
    if period_id is None:
        raise CliError(f"{args.id!r} is not an idle period id")
    if args.idle_command == "reassign":
        projects = _projects(store)
        project_id = _pick("project", args.project, projects)
        task_id = None
        if args.task:
            project = next(p for p in projects if p.id == project_id)
            task_id = _pick(f"task in {project.name}", args.task, project.tasks)
        decide_idle(
            store, period_id, "reassign", project_id=project_id, task_id=task_id, notes=args.notes
        )
        print(f"Idle time {period_id} kept as another task; it will be sent with the next upload.")
    elif args.idle_command == "keep":
        decide_idle(store, period_id, "keep")
        print(f"Idle time {period_id} kept; it will be sent with the next upload.")
    else:
        decide_idle(store, period_id, "discard")
        print(f"Idle time {period_id} discarded; it will not be sent.")
    return 0


def _idle_dialog(store: Store) -> int:
    """Ask about each idle period that has ended, one window after the other."""
    problem = display_problem()
    if problem is not None:
        raise CliError(f"cannot show the idle dialog: {problem}")
    from worklens_agent.ui.idle_dialog import ask_idle_decision

    projects = _projects(store)
    asked: set[uuid.UUID] = set()
    # Opened from the tray while idle time still goes on: whoever clicked is back, and the
    # tracker ends the idle time at its next tick; wait that long for it.
    deadline = time.monotonic() + IDLE_END_WAIT_SECONDS
    while True:
        pending = pending_idle(store)
        waiting = [p for p in pending if p.ended_at is not None and p.id not in asked]
        still_idle = any(p.ended_at is None for p in pending)
        if not waiting and still_idle and time.monotonic() < deadline:
            time.sleep(0.25)
            continue
        if not waiting:
            return 0
        period = waiting[0]
        asked.add(period.id)
        held = idle_entry(store, period.id)

        def still_pending(period_id: uuid.UUID = period.id) -> bool:
            return any(p.id == period_id for p in pending_idle(store))

        decision = ask_idle_decision(
            period,
            projects,
            still_pending=still_pending,
            current_project=None if held is None else held.project_id,
        )
        if decision is None:
            if still_pending():
                print(
                    f"Idle time {period.id} left undecided; it stays on this computer until then."
                )
            else:
                print(f"Idle time {period.id} was decided elsewhere")
            continue
        try:
            decide_idle(
                store,
                period.id,
                decision.decision,
                project_id=decision.project_id,
                task_id=decision.task_id,
                notes=decision.notes,
            )
        except IdleError as exc:  # decided elsewhere (CLI, tray) while the window was open
            print(f"worklens-agent: {exc}", file=sys.stderr)
            continue
        print(f"Idle time {period.id}: {decision.decision}")


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
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
