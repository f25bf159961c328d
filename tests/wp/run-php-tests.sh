#!/usr/bin/env bash
# PHP tests of the plugin against a real WordPress (npm test -w tests/wp).
# Brings up WordPress (WC=standin by default; WC=real with WPCORE_GIT and WC_GIT for the real
# WordPress 7.1 + WooCommerce 10.0.2), the sidecar and the Klaviyo test double, runs PHPUnit, and tears
# everything down even on failure. Ports: WordPress 8881 (8891 with WC=real), sidecar 8871, double 8872.
# Extra arguments go to phpunit (e.g. --filter SettingsTest).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
WC=${WC:-standin}
if [ "$WC" = real ]; then export WP_PORT=${WP_PORT:-8891}; else export WP_PORT=${WP_PORT:-8881}; fi
export WC WP_DIR=${WP_DIR:-/tmp/wck-wp-$WP_PORT}
SIDECAR_PORT=${SIDECAR_PORT:-8871}
DOUBLE_PORT=${DOUBLE_PORT:-8872}
run=$(mktemp -d /tmp/wck-php-tests.XXXXXX)
export SIDECAR_URL=http://127.0.0.1:$SIDECAR_PORT DOUBLE_URL=http://127.0.0.1:$DOUBLE_PORT
export ADMIN_TOKEN=wck-php-tests-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

for cmd in php phpunit curl; do
  command -v "$cmd" >/dev/null || { echo "run-php-tests: $cmd is missing (scripts/test-all.sh installs php8.2-* and phpunit)"; exit 1; }
done

cleanup() {
  local rc=$?
  bash "$here/bin/wp-down.sh" >/dev/null 2>&1 || true
  for name in sidecar double; do
    if [ -f "$run/$name.pid" ]; then
      pid=$(cat "$run/$name.pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  sleep 0.3
  for name in sidecar double; do
    [ -f "$run/$name.pid" ] && kill -KILL -- "-$(cat "$run/$name.pid")" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ]; then
    echo "run-php-tests: logs kept in $run and $WP_DIR (server.log, debug.log)"
  else
    rm -rf "$run"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # URL SECONDS
  for _ in $(seq 1 $(( $2 * 5 ))); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done
  return 1
}

for p in "$SIDECAR_PORT" "$DOUBLE_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "run-php-tests: port $p is already in use; stop what listens there first"; exit 1; fi
done

echo "run-php-tests: building the sidecar"
(cd "$root" && npm run build -w sidecar >"$run/build.log" 2>&1) || { cat "$run/build.log"; exit 1; }

echo "run-php-tests: starting the Klaviyo double on $DOUBLE_PORT and the sidecar on $SIDECAR_PORT"
cd "$root"
setsid node --import tsx tests/klaviyo-double/src/cli.ts --port "$DOUBLE_PORT" >"$run/double.log" 2>&1 </dev/null &
echo $! >"$run/double.pid"
wait_http "$DOUBLE_URL/__double/state" 30 || { echo "the Klaviyo double did not start"; cat "$run/double.log"; exit 1; }
PORT=$SIDECAR_PORT HOST=127.0.0.1 DATA_DIR="$run/sidecar-data" ADMIN_TOKEN=$ADMIN_TOKEN KLAVIYO_API_BASE=$DOUBLE_URL \
  LOG_LEVEL=warn BACKOFF_BASE_MS=50 BACKOFF_MAX_MS=500 setsid node sidecar/dist/server.js >"$run/sidecar.log" 2>&1 </dev/null &
echo $! >"$run/sidecar.pid"
wait_http "$SIDECAR_URL/healthz" 30 || { echo "the sidecar did not start"; cat "$run/sidecar.log"; exit 1; }

echo "run-php-tests: bringing up WordPress ($WC WooCommerce) on $WP_PORT"
bash "$here/bin/wp-up.sh" >/dev/null || exit 1

echo "run-php-tests: phpunit"
cd "$here"
phpunit -c "$here/phpunit.xml" "$@"
