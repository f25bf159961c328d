#!/usr/bin/env bash
# Stops the harness WordPress on WP_PORT (the php -S server started by wp-up.sh). Keeps files and database.
set -euo pipefail
. "$(dirname "$0")/common.sh"
stop_server
echo "stopped WordPress on port $WP_PORT" >&2
