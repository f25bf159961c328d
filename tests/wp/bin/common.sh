# Shared settings for the harness scripts (sourced). Env: WP_PORT (required), WP_DIR, WP_DB.
: "${WP_PORT:?set WP_PORT (for example 8881)}"
WP_DIR=${WP_DIR:-/tmp/wck-wp-$WP_PORT}
WP_DB=${WP_DB:-wck_wp_$WP_PORT}
WP_ROOT=$WP_DIR/wordpress
WP_URL=http://127.0.0.1:$WP_PORT
HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
export WP_PORT WP_DIR WP_DB WP_ROOT WP_URL

# stop_server: ends the php -S master and its workers (one process group, started with setsid).
stop_server() {
  [ -f "$WP_DIR/server.pid" ] || return 0
  local pid; pid=$(cat "$WP_DIR/server.pid")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$WP_DIR/server.pid"
}
