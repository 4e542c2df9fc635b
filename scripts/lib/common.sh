# Shared steps of scripts/demo.sh and scripts/test.sh. Sourced, not run.
# Every install goes through the hashed pins in requirements/*.txt.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

find_python() {
  local candidate
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "WorkLens needs Python 3.11 or newer on PATH" >&2
  return 1
}

# ensure_venv DIR REQUIREMENTS PACKAGE_DIR...: a virtual environment holding exactly the pinned
# dependencies plus our own packages (editable, no dependencies of their own beyond the pins).
ensure_venv() {
  local dir=$1 requirements=$2
  shift 2
  if [ ! -x "$dir/bin/python" ]; then
    log "creating $dir"
    "$(find_python)" -m venv "$dir"
  fi
  if [ ! -x "$dir/bin/uv" ]; then
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
      -r "$repo_root/requirements/bootstrap.txt"
  fi
  log "installing $requirements into $dir"
  "$dir/bin/uv" pip install --quiet --python "$dir/bin/python" --require-hashes -r "$requirements"
  local editable=()
  for package in "$@"; do editable+=(-e "$package"); done
  "$dir/bin/uv" pip install --quiet --python "$dir/bin/python" --no-deps --no-build-isolation "${editable[@]}"
}

# System packages the desktop and browser tests drive. Installed with apt-get when missing
# (CI runs as root on Debian); elsewhere we say what is missing and the tests that need it fail.
ensure_system_packages() {
  local missing=() tool package
  for pair in Xvfb:xvfb xdotool:xdotool openbox:openbox chromium:chromium xprop:x11-utils trayer:trayer; do
    tool=${pair%%:*}
    package=${pair##*:}
    command -v "$tool" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]} with sudo apt-get"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing system packages: ${missing[*]} (install them with your package manager)" >&2
    return 1
  fi
}

# PostgreSQL on 127.0.0.1:5432 for the second run of the suite; started when it is down.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  fi
  local _
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
    sleep 1
  done
  echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2
  return 1
}
