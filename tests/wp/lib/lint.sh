#!/usr/bin/env bash
# php -l over every PHP file of plugin/ and tests/wp, bash -n over the harness scripts.
set -uo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
command -v php >/dev/null || { echo "lint: php is missing"; exit 1; }
fail=0 n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  out=$(php -l "$f" 2>&1) || { echo "$out"; fail=1; }
done < <(find "$root/plugin" "$root/tests/wp" -name '*.php' -not -path '*/node_modules/*' -not -path '*/build/*' -print0)
for f in "$root"/tests/wp/bin/*.sh "$root"/tests/wp/lib/*.sh "$root"/tests/wp/run-php-tests.sh "$root"/plugin/bin/*.sh; do
  bash -n "$f" || fail=1
done
[ "$fail" -eq 0 ] && echo "lint: $n PHP files and the shell scripts are clean"
exit "$fail"
