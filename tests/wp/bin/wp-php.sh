#!/usr/bin/env bash
# Runs PHP with the harness site's wp-load.php loaded (WP_PORT required):
#   tests/wp/bin/wp-php.sh script.php [args…]     ($argv[0] is the script, then its args)
#   tests/wp/bin/wp-php.sh -r 'echo get_option("home");'
# With WC=real, send queued webhook deliveries with: -r 'ActionScheduler_QueueRunner::instance()->run();'
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ -f "$WP_ROOT/wp-load.php" ] || { echo "wp-php: no WordPress at $WP_ROOT; run wp-up.sh first" >&2; exit 1; }
exec php -d memory_limit=512M "$HARNESS/lib/run.php" "$WP_ROOT" "$@"
