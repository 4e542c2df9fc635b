"""Dashboard benchmark: the pages a manager opens, on a company of 1,000 members with a year of
data, through the real server.

Run from the repository root with the dev virtual environment, with PostgreSQL on 127.0.0.1:5432
(user postgres, trust):

    .venv/bin/python bench/dashboard.py [--rebuild] [--requests 40] [--members 1000]

It makes (or reuses) the database `worklens_bench_dashboard`: 1,000 members in teams of 50, each
with 260 working days of 10-minute slots and app spans (about 12.5 million of each; see
dashboard_data.py), migrated by the server's own `migrate`. Then it starts `worklens-server
serve` on it and times, over HTTP with signed-in sessions, after a few warm-up requests:

- `team_day_p95_ms`: "Team today" for the manager of one 50-person team;
- `team_timeline_day_p95_ms`: that team's timeline of today, for its manager (target 300 ms);
- `member_week_p95_ms`: one member's week timesheet, for the owner;
- `team_month_timesheet_p95_ms`: one team's timesheet for the last whole month, for the owner;
- `apps_report_month_p95_ms`: the apps and sites report of the whole company for the last whole
  month, for the owner (apps and domains, and a score per member);
- `month_csv_all_s`: the CSV of that month for all 1,000 members (median of 5 downloads).

Targets on 2 cores: 150 ms, 150 ms, 500 ms, 1 s and 3 s. It prints one JSON line with those keys
and the sizes generated; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from dashboard_data import Sizes, build, company, django_settings, ensure_database, made_sizes
from ingest_log import BenchError, log
from ingest_servers import free_port, running_process, wait_for_http

DATABASE = "worklens_bench_dashboard"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
WARM_UP = 3
CSV_RUNS = 5


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time the dashboard on a year of 1,000 members.")
    parser.add_argument("--rebuild", action="store_true", help="make the database again")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--members", type=int, default=1000, help="members (teams of 50)")
    parser.add_argument("--days", type=int, default=260, help="working days per member")
    return parser.parse_args(argv)


def last_whole_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def session_cookie(email: str) -> str:
    """A signed-in session of `email`, stored where the server reads sessions (the database)."""
    from django.test import Client

    from worklens_server.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return f"sessionid={client.cookies['sessionid'].value}"


def timed_gets(port: int, path: str, cookie: str, runs: int) -> list[float]:
    """Seconds per GET of `path`, on one keep-alive connection, after WARM_UP untimed ones."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    seconds: list[float] = []
    try:
        for n in range(WARM_UP + runs):
            began = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            body = response.read()
            took = time.perf_counter() - began
            if response.status != 200:
                raise BenchError(f"GET {path}: {response.status} {body[:300]!r}")
            if n >= WARM_UP:
                seconds.append(took)
    finally:
        conn.close()
    return seconds


def p95_ms(seconds: list[float]) -> float:
    return round(statistics.quantiles(seconds, n=20)[-1] * 1000, 1)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    today = dt.datetime.now(dt.UTC).date()
    sizes = Sizes(members=args.members, team_size=50, days=args.days, last_day=today)
    ensure_database(ADMIN_URL, DATABASE)
    executable = Path(sys.executable).parent / "worklens-server"
    with tempfile.TemporaryDirectory(prefix="worklens-bench-dashboard-") as tmp:
        env = {"DATABASE_URL": DATABASE_URL, "WORKLENS_DATA_DIR": tmp, "PATH": "/usr/bin:/bin"}
        django_settings(DATABASE_URL, tmp)
        if args.rebuild or made_sizes(DATABASE_URL) != sizes.label:
            log(f"making {DATABASE} for {sizes.label} (kept for the next run)")
            from django.core.management import call_command

            call_command("flush", "--no-input", verbosity=0)
            call_command("migrate", "--no-input", verbosity=0)
            build(DATABASE_URL, sizes)
        else:
            log(f"using {DATABASE} as made before ({sizes.label})")
            from django.core.management import call_command

            # Tables added since it was made (their migrations fill them from the rows there).
            call_command("migrate", "--no-input", verbosity=0)
        made = company()
        owner, manager = session_cookie(made.owner_email), session_cookie(made.manager_email)
        start, end = last_whole_month(today)
        month = f"period=range&from={start}&to={end}"
        port = free_port()
        log_path = Path(tmp) / "server.log"
        serve = [str(executable), "serve", "--host", "127.0.0.1", "--port", str(port)]
        with running_process("worklens-server", serve, env=env, log_path=log_path) as server:
            wait_for_http("worklens-server", f"http://127.0.0.1:{port}/cookies/", server, log_path)
            pages = {
                "team_day_p95_ms": ("/team/today/", manager),
                "team_timeline_day_p95_ms": (
                    f"/team/timeline/?team={made.team_id}&day={today}",
                    manager,
                ),
                "member_week_p95_ms": (
                    f"/timesheets/members/{made.member_id}/?period=week&date={today}",
                    owner,
                ),
                "team_month_timesheet_p95_ms": (
                    f"/timesheets/teams/{made.team_id}/?{month}",
                    owner,
                ),
                "apps_report_month_p95_ms": (f"/apps/everyone/?period=month&date={start}", owner),
            }
            result: dict[str, object] = {}
            for key, (path, cookie) in pages.items():
                result[key] = p95_ms(timed_gets(port, path, cookie, args.requests))
                log(f"{key}: {result[key]} ms ({path})")
            csv_path = f"/timesheets/team/export.csv?{month}"
            result["month_csv_all_s"] = round(
                statistics.median(timed_gets(port, csv_path, owner, CSV_RUNS)), 2
            )
            log(f"month_csv_all_s: {result['month_csv_all_s']} s ({csv_path})")
    result |= {"members": args.members, "slots": made.slots, "app_spans": made.app_spans}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
