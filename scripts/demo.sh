#!/usr/bin/env bash
# Sets up and runs the whole system on this machine: the server on SQLite with a demo company
# (two teams with two weeks of history, made on the first start), its task worker, and an agent
# enrolled to it that tracks time for the demo employee.
# Ctrl-C stops everything. Data lives in var/demo (delete it to start over).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$repo_root"

host=127.0.0.1
port=${WORKLENS_PORT:-8000}
data_dir=$repo_root/var/demo
export WORKLENS_DATA_DIR=$data_dir
export WORKLENS_AGENT_HOME=$data_dir/agent
mkdir -p "$data_dir"

# The server and the agent get separate environments, as on real machines: the agent's holds no Django.
ensure_venv .venv-server requirements/server.txt packages/wire packages/server
ensure_venv .venv-agent requirements/agent.txt packages/wire packages/agent
server=.venv-server/bin/worklens-server
agent=.venv-agent/bin/worklens-agent

log "migrating the database in $data_dir"
"$server" migrate --no-input >/dev/null
"$server" collectstatic --no-input >/dev/null
log "seeding the demo company (the first start also makes two weeks of history: under a minute)"
demo_json=$("$server" seed_demo --json --codes 1 --history)
field() { printf '%s' "$demo_json" | .venv-server/bin/python -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

pids=()
cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  [ -x "$agent" ] && "$agent" stop >/dev/null 2>&1 || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

log "starting the server on http://$host:$port and its task worker"
"$server" serve --host "$host" --port "$port" >"$data_dir/server.log" 2>&1 &
pids+=($!)
"$server" db_worker >"$data_dir/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
  if .venv-server/bin/python -c "import urllib.request; urllib.request.urlopen('http://$host:$port/api/v1/docs', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 0.5
done

log "enrolling the demo employee's agent and starting to track"
if ! "$agent" status --json 2>/dev/null | grep -q '"enrolled": true'; then
  "$agent" enroll "http://$host:$port" "$(field 'd["enrollment_codes"][0]')"
fi
"$agent" start --notes "WorkLens demo" || true
"$agent" run >"$data_dir/agent.log" 2>&1 &
pids+=($!)

cat <<MSG

WorkLens is running.
  Dashboard:   http://$host:$port/   ("Team today" fills in within a minute or two)
  Owner login: $(field 'd["owner_email"]')  password: $(field 'd["owner_password"]')
  Manager:     $(field 'd["manager_email"]')  password: $(field 'd["manager_password"]')  (sees the Product team)
  API docs:    http://$host:$port/api/v1/docs
  Logs:        $data_dir/{server,worker,agent}.log
  Agent:       WORKLENS_AGENT_HOME=$WORKLENS_AGENT_HOME $agent status
Press Ctrl-C to stop.
MSG
wait
