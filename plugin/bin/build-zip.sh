#!/usr/bin/env bash
# Builds dist/wc-klaviyo-sync.zip (folder wc-klaviyo-sync/) from plugin/: the main file, autoload.php, src/, build/
# (the admin-ui output), languages/, uninstall.php and readme.txt. No tests, no dev files.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
command -v zip >/dev/null || { echo "build-zip: the zip command is missing (apt-get install zip)" >&2; exit 1; }
if [ ! -f "$here/build/settings.js" ] || [ ! -f "$here/build/sync-log.js" ] || [ ! -f "$here/build/consent-status.js" ]; then
  echo "build-zip: plugin/build is incomplete; run npm run build -w admin-ui first" >&2
  exit 1
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dest="$stage/wc-klaviyo-sync"
mkdir -p "$dest"
cp "$here/wc-klaviyo-sync.php" "$here/autoload.php" "$here/uninstall.php" "$here/readme.txt" "$dest/"
cp -R "$here/src" "$here/build" "$dest/"
if [ -d "$here/languages" ] && [ -n "$(ls -A "$here/languages" 2>/dev/null | grep -v '^\.gitkeep$')" ]; then
  cp -R "$here/languages" "$dest/"
  rm -f "$dest/languages/.gitkeep"
fi
find "$dest" \( -name '*.map' -o -name '.DS_Store' -o -name '.gitkeep' \) -delete
mkdir -p "$root/dist"
rm -f "$root/dist/wc-klaviyo-sync.zip"
(cd "$stage" && zip -qr -X "$root/dist/wc-klaviyo-sync.zip" wc-klaviyo-sync)
echo "built dist/wc-klaviyo-sync.zip ($(unzip -l "$root/dist/wc-klaviyo-sync.zip" | tail -1 | awk '{print $2}') files)"
