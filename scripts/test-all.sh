#!/usr/bin/env bash
# Runs every test suite of the repository: lint, type checks, unit and integration tests, PHP tests against a
# real WordPress, and Playwright end-to-end tests in Debian's Chromium. Installs the system packages the
# tests need (PHP, phpunit, Chromium, zip) when they are missing. Prints one summary line at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logdir=$(mktemp -d)
declare -a names=() results=()
total_pass=0
total_fail=0

# has_code DIR: the package has source files yet (the plugin, admin UI and e2e suites join when they do).
has_code() { [ -n "$(find "$1" -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.php' \) -not -path '*/node_modules/*' 2>/dev/null | head -1)" ]; }

log() { printf '\n=== %s ===\n' "$*"; }

ensure_system_packages() {
  local need=()
  command -v php >/dev/null || need+=(php8.2-cli php8.2-mysql php8.2-xml php8.2-mbstring php8.2-curl php8.2-intl php8.2-zip php8.2-gd php8.2-bcmath)
  command -v phpunit >/dev/null || need+=(phpunit)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v zip >/dev/null || need+=(zip)
  command -v unzip >/dev/null || need+=(unzip)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing system packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

ensure_services() {
  if ! (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; then
    log "starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
    for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null && break; sleep 1; done
  fi
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    log "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
  fi
}

# run NAME COMMAND... : runs a step, keeps its log, counts passes and failures from the runner's output.
run() {
  local name=$1; shift
  log "$name"
  local out="$logdir/${name//[^a-zA-Z0-9]/_}.log"
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local p f
  # node:test ("# pass N" / "# fail N"), PHPUnit ("OK (N tests" / "Tests: N, Assertions: M, Failures: F"), Playwright ("N passed", "N failed")
  p=$(grep -E '^# pass [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')
  f=$(grep -E '^# fail [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')
  if grep -qE '^OK \([0-9]+ tests?' "$out"; then
    p=$((p + $(grep -oE '^OK \([0-9]+' "$out" | grep -oE '[0-9]+' | tail -1)))
  elif grep -qE '^Tests: [0-9]+' "$out"; then
    local t ff ee
    t=$(grep -oE '^Tests: [0-9]+' "$out" | grep -oE '[0-9]+' | tail -1)
    ff=$(grep -oE 'Failures: [0-9]+' "$out" | grep -oE '[0-9]+' | tail -1); ee=$(grep -oE 'Errors: [0-9]+' "$out" | grep -oE '[0-9]+' | tail -1)
    f=$((f + ${ff:-0} + ${ee:-0})); p=$((p + t - ${ff:-0} - ${ee:-0}))
  fi
  local pw_p pw_f
  pw_p=$(grep -oE '^\s+[0-9]+ passed' "$out" | grep -oE '[0-9]+' | tail -1)
  pw_f=$(grep -oE '^\s+[0-9]+ failed' "$out" | grep -oE '[0-9]+' | tail -1)
  p=$((p + ${pw_p:-0})); f=$((f + ${pw_f:-0}))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  names+=("$name"); results+=("$([ "$rc" -eq 0 ] && echo ok || echo "FAILED (exit $rc)") $p passed, $f failed")
}

if has_code plugin/src || has_code tests/e2e/specs; then ensure_system_packages; fi
ensure_services

if [ -f ../shared/klaviyo/openapi-stable.json ]; then
  run "klaviyo types are generated from the spec" npm run codegen -w sidecar -- --check
fi
run "sidecar API contract is generated from its OpenAPI document" npm run contract -w sidecar -- --check
run "lint" npm run lint
run "typecheck" npm run typecheck
run "build" npm run build
run "sidecar tests" npm test -w sidecar
run "klaviyo double tests" npm test -w tests/klaviyo-double
if has_code admin-ui/src; then run "admin UI tests" npm test -w admin-ui; fi
if has_code plugin/src; then run "PHP tests on WordPress" npm test -w tests/wp; fi
if has_code tests/e2e/specs; then run "end-to-end tests in Chromium" npm test -w tests/e2e; fi

log "summary"
for i in "${!names[@]}"; do printf '%-45s %s\n' "${names[$i]}" "${results[$i]}"; done
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
