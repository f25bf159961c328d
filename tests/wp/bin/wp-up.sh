#!/usr/bin/env bash
# Brings up a real WordPress for tests, served by php -S on 127.0.0.1:$WP_PORT, and prints its base URL.
# env: WP_PORT (required), WP_DB (default wck_wp_$WP_PORT), WP_DIR (default /tmp/wck-wp-$WP_PORT),
#      WC=standin|real (default standin; real needs WPCORE_GIT and WC_GIT, the fetched mirrors' git dirs),
#      PLUGIN=link|none (default link: symlink the repo's plugin/ and activate it),
#      HPOS=on|off and HPOS_SYNC=on|off (WC=real: the order storage and its compatibility mode; unset: the installer's).
# WordPress lives in $WP_DIR/wordpress; $WP_DIR/server.pid, server.log and debug.log beside it.
# Admin: admin / admin (admin@example.com). Idempotent: stops a previous server of this WP_DIR first.
set -euo pipefail
. "$(dirname "$0")/common.sh"
WC=${WC:-standin}
PLUGIN=${PLUGIN:-link}
say() { echo "wp-up: $*" >&2; }
die() { say "$*"; exit 1; }

command -v php >/dev/null || die "php is missing (apt-get install php8.2-cli php8.2-mysql …)"
php -r 'exit( extension_loaded( "mysqli" ) ? 0 : 1 );' || die "the PHP mysqli extension is missing (apt-get install php8.2-mysql)"
case "$WC" in standin|real) ;; *) die "WC must be standin or real";; esac
case "$PLUGIN" in link|none) ;; *) die "PLUGIN must be link or none";; esac

stop_server
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$WP_PORT") 2>/dev/null; }
if port_busy; then die "port $WP_PORT is already in use by another process"; fi

# Database.
if ! (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; then
  say "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null && break; sleep 1; done
fi
php -r '$m = @new mysqli("127.0.0.1", "root", "", "", 3306); if ($m->connect_errno) { fwrite(STDERR, "cannot connect to MariaDB: " . $m->connect_error . "\n"); exit(1); } $db = $argv[1]; $m->query("DROP DATABASE IF EXISTS `$db`") && $m->query("CREATE DATABASE `$db` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci") || exit(1);' "$WP_DB" \
  || die "could not recreate database $WP_DB"

# Files.
rm -rf "$WP_ROOT"
mkdir -p "$WP_ROOT"
if [ "$WC" = standin ]; then
  builds=$REPO/node_modules/@wp-playground/wordpress-builds
  zip=$builds/src/wordpress/wp-beta.zip
  [ -f "$zip" ] || die "missing $zip (run npm ci)"
  command -v unzip >/dev/null || die "unzip is missing (apt-get install unzip)"
  unzip -q "$zip" -d "$WP_ROOT"
  # The zip is WordPress Playground's minified build: CSS, JS, images and the CA bundle are shipped beside it.
  cp -R -n "$builds/public/wp-beta/." "$WP_ROOT/"
  rm -rf "$WP_ROOT/wp-content/database" "$WP_ROOT/wp-content/db.php" "$WP_ROOT/wp-content/mu-plugins/sqlite-database-integration" "$WP_ROOT/wordpress-remote-asset-paths"
  mkdir -p "$WP_ROOT/wp-content/plugins"
  cp -R "$HARNESS/woocommerce-standin" "$WP_ROOT/wp-content/plugins/woocommerce"
else
  : "${WPCORE_GIT:?WC=real needs WPCORE_GIT (the fetched johnpbloch/wordpress-core git dir)}"
  : "${WC_GIT:?WC=real needs WC_GIT (the fetched WP-a2z/woocommerce git dir)}"
  git -C "$WPCORE_GIT" archive 7.1.0 -- . ':(exclude)wp-includes/js/dist/script-modules/vips/worker.min.js' 2>/dev/null | tar x -C "$WP_ROOT"  # that one file (> 4 MiB) is absent from the mirror
  mkdir -p "$WP_ROOT/wp-content/plugins/woocommerce"
  git -C "$WC_GIT" archive HEAD | tar x -C "$WP_ROOT/wp-content/plugins/woocommerce"
  # The mirror was committed from a case-insensitive filesystem: link classmap paths to their case-insensitive match.
  php "$HARNESS/lib/fix-case.php" "$WP_ROOT/wp-content/plugins/woocommerce" >&2
fi
mkdir -p "$WP_ROOT/wp-content/mu-plugins"
cp "$HARNESS/mu-plugins/wck-harness.php" "$HARNESS/mu-plugins/wck-cost.php" "$WP_ROOT/wp-content/mu-plugins/"
[ -f "$WP_ROOT/wp-settings.php" ] || die "WordPress was not laid out in $WP_ROOT"

cat > "$WP_ROOT/wp-config.php" <<CFG
<?php
define( 'DB_NAME', '$WP_DB' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '127.0.0.1:3306' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as \$wck_k ) {
	define( \$wck_k, 'wck-harness-$WP_PORT-' . \$wck_k . '-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')' );
}
\$table_prefix = 'wp_';
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', '$WP_DIR/debug.log' );
define( 'WP_DEBUG_DISPLAY', false );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_ENVIRONMENT_TYPE', 'local' );
define( 'FS_METHOD', 'direct' );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
CFG

# Install without a browser, then activate WooCommerce (and the plugin).
WCK_PLUGIN_MODE=$PLUGIN php -d memory_limit=512M "$HARNESS/lib/install.php" "$WP_ROOT" "$WP_URL" >&2 || die "installation failed (see $WP_DIR/debug.log)"
php -d memory_limit=512M "$HARNESS/lib/run.php" "$WP_ROOT" "$HARNESS/lib/activate-wc.php" >&2 || die "could not activate WooCommerce (see $WP_DIR/debug.log)"
if [ "$WC" = real ]; then
  php -d memory_limit=512M "$HARNESS/lib/run.php" "$WP_ROOT" "$HARNESS/lib/hpos.php" >&2 || die "could not set the order storage (see $WP_DIR/debug.log)"
fi
if [ "$PLUGIN" = link ]; then
  ln -sfn "$REPO/plugin" "$WP_ROOT/wp-content/plugins/wc-klaviyo-sync"
  php -d memory_limit=512M "$HARNESS/lib/run.php" "$WP_ROOT" -r '
    require_once ABSPATH . "wp-admin/includes/plugin.php";
    wp_set_current_user( 1 );
    $r = activate_plugin( "wc-klaviyo-sync/wc-klaviyo-sync.php" );
    if ( is_wp_error( $r ) ) { fwrite( STDERR, "activating wc-klaviyo-sync: " . $r->get_error_message() . "\n" ); exit( 1 ); }
    fwrite( STDERR, "wc-klaviyo-sync active\n" );' >&2 || die "could not activate the plugin"
fi

# Serve: several workers (a request that calls back into the site would deadlock a single one), all stdio redirected.
cd "$WP_DIR"
PHP_CLI_SERVER_WORKERS=4 setsid php -d upload_max_filesize=32M -d post_max_size=32M -d memory_limit=512M \
  -S "127.0.0.1:$WP_PORT" -t "$WP_ROOT" > "$WP_DIR/server.log" 2>&1 < /dev/null &
echo $! > "$WP_DIR/server.pid"
for _ in $(seq 1 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$WP_URL/wp-login.php" || true)
  [ "$code" = 200 ] && break
  sleep 0.2
done
[ "${code:-}" = 200 ] || die "WordPress did not answer on $WP_URL (see $WP_DIR/server.log)"
say "WordPress ($WC WooCommerce, plugin: $PLUGIN) at $WP_URL — admin/admin"
echo "$WP_URL"
